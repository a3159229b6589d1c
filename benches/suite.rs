//! Decorum's benchmark suite: `cargo bench --bench suite -- [--inspections N] [--postgres URL] [--json FILE]`.
//!
//! It builds a data set of N spot-checks with a fixed seed, starts the real `decorum serve`
//! binary on it, and measures each figure beside the limit it is judged against, in the
//! same run:
//! 1. submissions through the full HTTP stack with 1 and 32 clients, beside a raw insert
//!    of the same rows with the same driver;
//! 2. the quality dashboard (p50/p95), beside a plain scan computing its headline figures;
//! 3. the spot-check form page: time and compressed bytes;
//! 4. the server's resident memory, idle and under the 32-client load.
//!
//! It prints a table and writes it as JSON so runs can be compared.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use decorum::auth::Role;
use decorum::config::Config;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Context, Gender, Subject, resolve_context, score};
use decorum::store::library::{StoredChecklist, current_checklists};
use decorum::store::users::{NewUser, add_atomic};
use decorum::{db, library_files, store};
use entity::{inspection, inspection_response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set,
    TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

const PASSWORD: &str = "bench-password";

struct Args {
    inspections: usize,
    postgres: Option<String>,
    json: Option<String>,
}

fn args() -> Args {
    let mut out = Args {
        inspections: 10_000,
        postgres: None,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--inspections" => {
                out.inspections = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(out.inspections)
            }
            "--postgres" => out.postgres = it.next(),
            "--json" => out.json = it.next(),
            _ => {} // cargo passes --bench
        }
    }
    out
}

#[derive(Debug, Serialize)]
struct Row {
    measure: String,
    value: f64,
    unit: String,
    limit: Option<f64>,
    target: String,
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(args));
}

struct World {
    sites: Vec<i32>,
    /// (user id, site id, gender)
    staff: Vec<(i32, i32, Gender)>,
    inspector: i32,
    lobby: StoredChecklist,
}

async fn seed(db: &DatabaseConnection, config: &Config) -> World {
    let library = library_files::load(&config.checklists_dir).expect("library");
    store::library::import(db, &library).await.expect("import");
    let mut sites = Vec::new();
    for n in 0..20 {
        let site = entity::site::ActiveModel {
            code: Set(format!("S{n:03}")),
            name: Set(format!("大堂 Lobby {n}")),
            kind: Set("lobby".into()),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("site");
        sites.push(site.id);
    }
    let site_codes: Vec<String> = (0..20).map(|n| format!("S{n:03}")).collect();
    let inspector = add_atomic(
        db,
        NewUser {
            email: "bench.supervisor@b.test".into(),
            name: "Bench supervisor".into(),
            role: Role::Admin,
            password: Some(PASSWORD.into()),
            position: None,
            gender: None,
            hire_date: None,
            sites: site_codes.clone(),
        },
        None,
    )
    .await
    .expect("inspector")
    .id;
    let mut staff = Vec::new();
    for n in 0..200 {
        let gender = if n % 3 == 0 {
            Gender::Male
        } else {
            Gender::Female
        };
        let site = n % 20;
        let person = add_atomic(
            db,
            NewUser {
                email: format!("staff{n}@b.test"),
                name: format!("員工 {n}"),
                role: Role::Staff,
                password: None,
                position: Some("lobby-concierge".into()),
                gender: Some(gender),
                hire_date: Some(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
                sites: vec![site_codes[site].clone()],
            },
            None,
        )
        .await
        .expect("staff");
        staff.push((person.id, sites[site], gender));
    }
    let lobby = current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    World {
        sites,
        staff,
        inspector,
        lobby,
    }
}

fn subject(g: Gender) -> Subject {
    Subject {
        gender: Some(g),
        position: Some("lobby-concierge".into()),
    }
}

/// Rows for one scored spot-check, as the app would store them.
fn rows(
    world: &World,
    rng: &mut StdRng,
    date: NaiveDate,
) -> (inspection::Model, Vec<inspection_response::ActiveModel>) {
    let (person, site, gender) = world.staff[rng.random_range(0..world.staff.len())];
    let who = subject(gender);
    let skill = rng.random_range(0.75..0.99);
    let answers =
        decorum::demo::simulate_answers(&world.lobby.checklist, &who, &Context::new(), skill, rng);
    let (context, _) = resolve_context(&world.lobby.checklist, &Context::new());
    let card = score(&world.lobby.checklist, &who, &context, &answers);
    let id = Uuid::from_u128(rng.random());
    let now = Utc::now();
    let head = inspection::Model {
        id,
        checklist_version_id: world.lobby.version_id,
        site_id: site,
        shift_date: date,
        shift_period: "morning".into(),
        subject_id: person,
        position_id: None,
        inspector_id: world.inspector,
        context: serde_json::json!({}),
        status: "submitted".into(),
        score: Some(card.score),
        max_score: Some(card.max_score),
        percent: Some(card.percent),
        passed: Some(card.passed),
        critical_failure: !card.critical_failures.is_empty(),
        recheck_of: None,
        void_reason: None,
        started_at: now,
        updated_at: now,
        submitted_at: Some(now),
        acknowledged_at: None,
        draft: None,
    };
    let responses = card
        .items
        .iter()
        .filter_map(|r| {
            let a = answers.get(&r.key)?;
            Some(inspection_response::ActiveModel {
                inspection_id: Set(id),
                item_key: Set(r.key.clone()),
                value: Set(serde_json::to_value(a).unwrap()),
                outcome: Set(store::inspections::outcome_name(r.outcome).into()),
                points: Set(r.points),
                max_points: Set(r.max),
                note: Set(None),
                photo: Set(None),
                photo_type: Set(None),
                ..Default::default()
            })
        })
        .collect();
    (head, responses)
}

/// A row to insert with every field set.
fn stored(row: inspection::Model) -> inspection::ActiveModel {
    row.into_active_model().reset_all()
}

/// Bulk-load N spot-checks over the last year, in batches.
async fn load(db: &DatabaseConnection, world: &World, n: usize) -> Duration {
    let mut rng = StdRng::seed_from_u64(42);
    let start = Instant::now();
    let today = Utc::now().date_naive();
    let batch = 200;
    let mut done = 0;
    while done < n {
        let txn = db.begin().await.unwrap();
        let mut heads = Vec::new();
        let mut responses = Vec::new();
        let mut results = Vec::new();
        for _ in 0..batch.min(n - done) {
            let date = today - Days::days(rng.random_range(1..365));
            let (h, r) = rows(world, &mut rng, date);
            results.push(
                r.iter()
                    .filter_map(|m| {
                        store::stats::ItemResult::of(
                            m.item_key.as_ref(),
                            m.outcome.as_ref(),
                            *m.points.as_ref(),
                            *m.max_points.as_ref(),
                        )
                    })
                    .collect::<Vec<_>>(),
            );
            heads.push(h);
            responses.extend(r);
        }
        done += heads.len();
        // Count the batch into the quality aggregates, as submissions do.
        let mut tally = store::stats::Tally::default();
        for (h, r) in heads.iter().zip(&results) {
            tally.add(h, r, 1);
        }
        tally.save(&txn).await.unwrap();
        inspection::Entity::insert_many(heads.into_iter().map(stored))
            .exec(&txn)
            .await
            .unwrap();
        for chunk in responses.chunks(500) {
            inspection_response::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        if done % 50_000 < batch {
            eprintln!(
                "  loaded {done}/{n} spot-checks ({:.0} s)",
                start.elapsed().as_secs_f64()
            );
        }
    }
    start.elapsed()
}

async fn sign_in(base: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{base}/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = |html: &str| {
        let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
        html[at..].split('"').next().unwrap().to_string()
    };
    let token = csrf(&page);
    let r = client
        .post(format!("{base}/signin"))
        .form(&[
            ("email", "bench.supervisor@b.test"),
            ("password", PASSWORD),
            ("_csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "bench sign-in");
    let home = client
        .get(format!("{base}/inspections"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (client, csrf(&home))
}

fn form_body(world: &World, csrf: &str, rng: &mut StdRng) -> Vec<(String, String)> {
    let (person, site, gender) = world.staff[rng.random_range(0..world.staff.len())];
    let answers = decorum::demo::simulate_answers(
        &world.lobby.checklist,
        &subject(gender),
        &Context::new(),
        0.9,
        rng,
    );
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), world.lobby.version_id.to_string()),
        ("site".into(), site.to_string()),
        ("subject".into(), person.to_string()),
        ("shift_date".into(), Utc::now().date_naive().to_string()),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, &BTreeMap::new(), &Context::new()));
    body
}

/// Submissions per second with `clients` concurrent tablets, `each` submissions apiece.
async fn submit_rate(
    base: &str,
    world: &Arc<World>,
    clients: usize,
    each: usize,
    pid: u32,
) -> (f64, f64) {
    let mut sessions = Vec::new();
    for _ in 0..clients {
        sessions.push(sign_in(base).await);
    }
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(kb) = rss_kb(pid) {
                    peak.fetch_max(kb as u64, std::sync::atomic::Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (n, (client, csrf)) in sessions.into_iter().enumerate() {
        let world = world.clone();
        let base = base.to_string();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(1000 + n as u64);
            for _ in 0..each {
                let body = form_body(&world, &csrf, &mut rng);
                let r = client
                    .post(format!("{base}/spotchecks/{}/submit", Uuid::new_v4()))
                    .header("accept", "application/json")
                    .form(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let rate = (clients * each) as f64 / start.elapsed().as_secs_f64();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.await;
    (
        rate,
        peak.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0,
    )
}

/// The limit for submissions: the same rows inserted directly, one transaction each.
async fn raw_insert_rate(db: &DatabaseConnection, world: &World, count: usize) -> f64 {
    let mut rng = StdRng::seed_from_u64(7);
    let today = Utc::now().date_naive();
    let start = Instant::now();
    for _ in 0..count {
        let (h, r) = rows(world, &mut rng, today);
        let txn = db.begin().await.unwrap();
        stored(h).insert(&txn).await.unwrap();
        inspection_response::Entity::insert_many(r)
            .exec(&txn)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    count as f64 / start.elapsed().as_secs_f64()
}

async fn timed_get(client: &reqwest::Client, url: &str, times: usize) -> (Vec<f64>, usize) {
    let mut ms = Vec::new();
    let mut bytes = 0;
    for _ in 0..times {
        let start = Instant::now();
        let r = client
            .get(url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        bytes = r.bytes().await.unwrap().len();
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms, bytes)
}

async fn run(args: Args) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let checklists = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let url = match &args.postgres {
        None => None,
        Some(base) => {
            let admin = sea_orm::Database::connect(base.as_str())
                .await
                .expect("PostgreSQL for --postgres");
            let schema = format!("bench_{}", Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            Some(format!("{base}{sep}options[search_path]={schema}"))
        }
    };
    let config = Config::new(url.clone(), data.clone(), checklists.clone());
    let backend = if config.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    eprintln!(
        "decorum bench: {} spot-checks on {backend}",
        args.inspections
    );
    let db = db::connect(&config).await.unwrap();
    db::migrate(&db).await.unwrap();
    let world = Arc::new(seed(&db, &config).await);
    let loaded = load(&db, &world, args.inspections).await;
    eprintln!("  data set ready in {:.1} s", loaded.as_secs_f64());

    let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DECORUM_DATA_DIR", &data)
        .env("DECORUM_CHECKLISTS", &checklists)
        .env("DECORUM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match &url {
        Some(u) => command.env("DATABASE_URL", u),
        None => command.env_remove("DATABASE_URL"),
    };
    let mut child = command.spawn().expect("start decorum serve");
    let stdout = child.stdout.take().unwrap();
    let pid = child.id();
    let server = Server(child);
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Decorum is serving on ").map(String::from))
        .expect("server address");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_mb = rss_kb(pid).unwrap_or(0.0) / 1024.0;

    let mut table = Vec::new();
    let (one, _) = submit_rate(&base, &world, 1, 100, pid).await;
    let (many, load_mb) = submit_rate(&base, &world, 32, 25, pid).await;
    let raw = raw_insert_rate(&db, &world, 300).await;
    table.push(Row {
        measure: "submissions/s, 1 client (full HTTP stack)".into(),
        value: one,
        unit: "/s".into(),
        limit: Some(raw),
        target: "≥ 50% of raw insert".into(),
    });
    table.push(Row {
        measure: "submissions/s, 32 clients".into(),
        value: many,
        unit: "/s".into(),
        limit: Some(raw),
        target: "≥ 50% of raw, ≥ 1000/s on SQLite".into(),
    });
    table.push(Row {
        measure: "raw insert of the same rows (limit)".into(),
        value: raw,
        unit: "/s".into(),
        limit: None,
        target: "—".into(),
    });

    let (client, _) = sign_in(&base).await;
    let to = Utc::now().date_naive();
    let from = to - Days::days(365);
    let (dash, _) = timed_get(&client, &format!("{base}/quality?from={from}&to={to}"), 7).await;
    let scan_start = Instant::now();
    for _ in 0..7 {
        db.execute_unprepared(&format!(
            "SELECT count(*), avg(percent), sum(CASE WHEN passed THEN 1 ELSE 0 END) FROM inspection WHERE status = 'submitted' AND shift_date >= '{from}' AND shift_date <= '{to}'"
        ))
        .await
        .unwrap();
    }
    let scan_ms = scan_start.elapsed().as_secs_f64() * 1000.0 / 7.0;
    table.push(Row {
        measure: "dashboard, 12 months, p50".into(),
        value: percentile(&dash, 0.5),
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "p95 ≤ 50 ms at 1M".into(),
    });
    table.push(Row {
        measure: "dashboard, 12 months, p95".into(),
        value: percentile(&dash, 0.95),
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "≤ 50 ms".into(),
    });
    table.push(Row {
        measure: "plain scan of the headline figures (limit)".into(),
        value: scan_ms,
        unit: "ms".into(),
        limit: None,
        target: "—".into(),
    });

    let start = client
        .get(format!(
            "{base}/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
            world.sites[0], world.staff[0].0
        ))
        .send()
        .await
        .unwrap();
    let form_url = format!("{base}{}", start.headers()["location"].to_str().unwrap());
    let (form, bytes) = timed_get(&client, &form_url, 50).await;
    table.push(Row {
        measure: "form page, p50 (loopback round trip)".into(),
        value: percentile(&form, 0.5),
        unit: "ms".into(),
        limit: None,
        target: "≤ 5 ms server time".into(),
    });
    table.push(Row {
        measure: "form page, compressed".into(),
        value: bytes as f64 / 1024.0,
        unit: "KB".into(),
        limit: None,
        target: "≤ 60 KB".into(),
    });
    table.push(Row {
        measure: "server memory, idle".into(),
        value: idle_mb,
        unit: "MB".into(),
        limit: None,
        target: "≤ 50 MB".into(),
    });
    table.push(Row {
        measure: "server memory, peak under 32 clients".into(),
        value: load_mb,
        unit: "MB".into(),
        limit: None,
        target: "≤ 150 MB".into(),
    });
    drop(server);

    println!(
        "\nDecorum benchmark — {} spot-checks on {backend}",
        args.inspections
    );
    println!("{:<48} {:>12} {:>12}  target", "measure", "value", "limit");
    for r in &table {
        let limit = r
            .limit
            .map(|l| format!("{l:.1}"))
            .unwrap_or_else(|| "—".into());
        println!(
            "{:<48} {:>10.1} {:<3} {:>10}  {}",
            r.measure, r.value, r.unit, limit, r.target
        );
    }
    let json = serde_json::json!({ "inspections": args.inspections, "backend": backend, "load_seconds": loaded.as_secs_f64(), "rows": table });
    let path = args.json.unwrap_or_else(|| {
        format!(
            "{}/target/bench-{}-{}.json",
            env!("CARGO_MANIFEST_DIR"),
            backend.to_lowercase(),
            args.inspections
        )
    });
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    println!("\nwritten to {path}");
}
