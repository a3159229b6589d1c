//! Decorum's benchmark suite:
//! `cargo bench --bench suite -- [--inspections N] [--postgres URL] [--json FILE] [--keep DIR]
//! [--grow-from M] [--load-only] [--tablet-only]`.
//!
//! It builds a data set of N spot-checks with a fixed seed over the issue's group (200
//! sites, 5,000 staff, a supervisor per site, a year of dates), starts the real
//! `decorum serve` binary on it, and measures each figure beside the limit it is judged
//! against, in the same run:
//! 1. submissions through the full HTTP stack with 1 and 32 clients, beside a raw insert
//!    of the same rows with the same driver (and for 32, beside the same rows inserted in
//!    transactions of the sizes the server's writer formed: the fair limit);
//! 2. the quality dashboard (p50/p95) and its heaviest query, beside a plain scan
//!    computing the same figures from the raw rows;
//! 3. the inspection and 12-month site PDF reports (time, size), beside headless
//!    Chromium printing the same content from its HTML page;
//! 4. the spot-check form page: time and compressed bytes;
//! 5. the server's resident memory, idle and under the 32-client load;
//! 6. the offline tablet: what a supervisor of two sites keeps for offline use (bytes as
//!    the service worker stores them) and the device engine's time to rescore a full
//!    card in node (`--tablet-only` measures just these, on a data set of N);
//! 7. the training effectiveness page, over a finished re-check for one spot-check in
//!    twenty (the training a failure assigned, completed and re-checked);
//! 8. the new paths of issue 20 (`suite/paths.rs`): the outbox draining a burst of 1,000
//!    events to a real SMTP server and a webhook receiver, beside their own rates; the
//!    checklist editor's lint as you type; the scheduled-mail job's minute tick.
//!
//! It prints a table and writes it as JSON so runs can be compared. `--keep DIR` keeps the
//! data set (SQLite in DIR, or a PostgreSQL schema named after N) and reuses it on the
//! next run with the same N, so a change can be measured again without reloading;
//! `--grow-from M` (SQLite, with `--keep`) makes the data set of N from a copy of the kept
//! one of M and N − M more spot-checks, so a growth table loads a million once;
//! `--load-only` stops once the data set is kept. Built without
//! optimisations (`cargo test --bench suite`, as CI does) it is a smoke run, not a
//! measurement, and says so.

use entity::states::InspectionStatus;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use decorum::auth::Role;
use decorum::config::Config;
use decorum::domain::clock::PERIODS;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::store::inspections::Submission;
use decorum::store::library::{StoredChecklist, current_checklists};
use decorum::store::stats::ItemResult;
use decorum::store::submit::{fresh, prepare};
use decorum::store::users::{NewUser, add_atomic};
use decorum::{db, library_files, store};
use entity::{inspection, inspection_response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

#[path = "suite/paths.rs"]
mod paths;

const PASSWORD: &str = "bench-password";

struct Args {
    inspections: usize,
    postgres: Option<String>,
    json: Option<String>,
    keep: Option<std::path::PathBuf>,
    grow_from: Option<usize>,
    load_only: bool,
    tablet_only: bool,
}

fn args() -> Args {
    let mut out = Args {
        inspections: 10_000,
        postgres: None,
        json: None,
        keep: None,
        grow_from: None,
        load_only: false,
        tablet_only: false,
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
            "--keep" => out.keep = it.next().map(Into::into),
            "--grow-from" => out.grow_from = it.next().and_then(|v| v.parse().ok()),
            "--load-only" => out.load_only = true,
            "--tablet-only" => out.tablet_only = true,
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

/// The server's peak resident memory while something runs, sampled every 50 ms.
struct PeakMemory {
    peak: Arc<std::sync::atomic::AtomicU64>,
    sampling: Arc<std::sync::atomic::AtomicBool>,
    sampler: tokio::task::JoinHandle<()>,
}

impl PeakMemory {
    fn start(pid: u32) -> PeakMemory {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let peak = Arc::new(AtomicU64::new(0));
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, sampling) = (peak.clone(), sampling.clone());
            tokio::spawn(async move {
                while sampling.load(Ordering::Relaxed) {
                    if let Some(kb) = rss_kb(pid) {
                        peak.fetch_max(kb as u64, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        PeakMemory {
            peak,
            sampling,
            sampler,
        }
    }

    /// The peak, in MB.
    async fn stop(self) -> f64 {
        use std::sync::atomic::Ordering;
        self.sampling.store(false, Ordering::Relaxed);
        let _ = self.sampler.await;
        self.peak.load(Ordering::Relaxed) as f64 / 1024.0
    }
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

/// The issue's group: 200 sites, 5,000 staff, a supervisor per site.
const SITES: usize = 200;
const STAFF: usize = 5_000;

struct World {
    sites: Vec<i32>,
    /// (user id, site id, gender)
    staff: Vec<(i32, i32, Gender)>,
    /// The supervisor who spot-checks each site, by index in `sites`.
    supervisors: Vec<i32>,
    position: i32,
    lobby: StoredChecklist,
}

async fn seed(db: &DatabaseConnection, config: &Config) -> World {
    let library = library_files::load(&config.checklists_dir).expect("library");
    store::library::import(db, &library).await.expect("import");
    let mut sites = Vec::new();
    for n in 0..SITES {
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
    let site_codes: Vec<String> = (0..SITES).map(|n| format!("S{n:03}")).collect();
    let person = |email: String, role, site_codes: Vec<String>| NewUser {
        name: email.clone(),
        email,
        role,
        password: None,
        position: None,
        gender: None,
        hire_date: None,
        sites: site_codes,
    };
    // The one account that signs in: an admin, so every site's form and report is open.
    add_atomic(
        db,
        NewUser {
            password: Some(PASSWORD.into()),
            ..person(
                "bench.supervisor@b.test".into(),
                Role::Admin,
                site_codes.clone(),
            )
        },
        None,
    )
    .await
    .expect("bench account");
    let mut supervisors = Vec::new();
    for (n, code) in site_codes.iter().enumerate() {
        let s = add_atomic(
            db,
            person(
                format!("sup{n}@b.test"),
                Role::Supervisor,
                vec![code.clone()],
            ),
            None,
        )
        .await
        .expect("supervisor");
        supervisors.push(s.id);
    }
    let mut staff = Vec::new();
    for n in 0..STAFF {
        let gender = if n % 3 == 0 {
            Gender::Male
        } else {
            Gender::Female
        };
        let site = n % SITES;
        let p = add_atomic(
            db,
            NewUser {
                name: format!("員工 {n}"),
                position: Some("lobby-concierge".into()),
                gender: Some(gender),
                hire_date: Some(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
                ..person(
                    format!("staff{n}@b.test"),
                    Role::Staff,
                    vec![site_codes[site].clone()],
                )
            },
            None,
        )
        .await
        .expect("staff");
        staff.push((p.id, sites[site], gender));
        if (n + 1) % 1000 == 0 {
            eprintln!("  {} staff added", n + 1);
        }
    }
    let (position, lobby) = fixtures(db).await;
    World {
        sites,
        staff,
        supervisors,
        position,
        lobby,
    }
}

/// Finished re-checks for one spot-check in twenty: each pairs a spot-check (the
/// failure) with a later one of the same person (the re-check), through a completed
/// assignment of a training module, as completing failure training makes them.
async fn seed_rechecks(db: &DatabaseConnection, since: chrono::DateTime<Utc>) -> usize {
    use entity::states::{AssignmentStatus, RecheckStatus};
    use entity::{recheck, training_assignment, training_module};
    let modules: Vec<i32> = training_module::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    type Row = (Uuid, i32, i32, Option<f64>, Option<bool>);
    let rows: Vec<Row> = inspection::Entity::find()
        .select_only()
        .columns([
            inspection::Column::Id,
            inspection::Column::SubjectId,
            inspection::Column::SiteId,
            inspection::Column::Percent,
            inspection::Column::Passed,
        ])
        .filter(inspection::Column::SubmittedAt.gte(since))
        .order_by_asc(inspection::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .unwrap();
    type Check = (Uuid, i32, Option<f64>, Option<bool>);
    let mut by_person: std::collections::HashMap<i32, Vec<Check>> =
        std::collections::HashMap::new();
    for (id, person, site, percent, passed) in rows.iter().step_by(10) {
        by_person
            .entry(*person)
            .or_default()
            .push((*id, *site, *percent, *passed));
    }
    let now = Utc::now();
    let txn = db.begin().await.unwrap();
    let mut made = 0;
    for (person, list) in by_person {
        for pair in list.chunks_exact(2) {
            let (before, site, percent, _) = pair[0];
            let (after, _, after_percent, after_passed) = pair[1];
            let module = modules[made % modules.len()];
            let assignment = training_assignment::ActiveModel {
                user_id: Set(person),
                module_id: Set(module),
                reason: Set(entity::states::AssignmentReason::Failure),
                inspection_id: Set(Some(before)),
                failed_items: Set(serde_json::json!(["bench-item"])),
                critical: Set(false),
                status: Set(AssignmentStatus::Completed),
                due_date: Set(now.date_naive()),
                attempts: Set(1),
                quiz_percent: Set(Some(90.0)),
                assigned_at: Set(now),
                completed_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .unwrap();
            recheck::ActiveModel {
                assignment_id: Set(assignment.id),
                inspection_id: Set(before),
                subject_id: Set(person),
                site_id: Set(site),
                items: Set(serde_json::json!(["bench-item"])),
                status: Set(RecheckStatus::Done),
                due_date: Set(now.date_naive()),
                done_inspection_id: Set(Some(after)),
                created_at: Set(now),
                before_percent: Set(percent.map(|p| (p - 15.0).max(0.0))),
                module_id: Set(Some(module)),
                after_percent: Set(after_percent),
                after_passed: Set(after_passed),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .unwrap();
            made += 1;
        }
    }
    txn.commit().await.unwrap();
    made
}

/// `--grow-from M`: start the data set of N as a copy of the kept one of M (SQLite),
/// unless N's is kept already; the M it grows from.
fn grow_from_copy(
    args: &Args,
    data: &std::path::Path,
    marker: &std::path::Path,
    sqlite: bool,
) -> Option<usize> {
    let (m, dir) = (args.grow_from?, args.keep.as_ref()?);
    if marker.exists() {
        return None;
    }
    assert!(sqlite, "--grow-from copies a kept SQLite data set");
    assert!(m < args.inspections, "--grow-from M needs M < N");
    let from = dir.join(format!("data-{m}"));
    assert!(
        from.join("loaded-sqlite").exists(),
        "--grow-from {m}: no whole data set kept in {}",
        from.display()
    );
    let _ = std::fs::remove_dir_all(data);
    let copied = Command::new("cp").arg("-a").arg(&from).arg(data).status();
    assert!(copied.is_ok_and(|s| s.success()), "copy {}", from.display());
    std::fs::remove_file(marker).unwrap();
    eprintln!("  growing the data set of {m} kept in {}", from.display());
    Some(m)
}

/// The world of a data set loaded by an earlier run (`--keep`), read back from it.
async fn world_of(db: &DatabaseConnection) -> World {
    use entity::{user, user_site};
    let sites: Vec<i32> = entity::site::Entity::find()
        .order_by_asc(entity::site::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let site_of: std::collections::HashMap<i32, i32> = user_site::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.user_id, m.site_id))
        .collect();
    let users = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
        .unwrap();
    let staff = users
        .iter()
        .filter(|u| u.email.starts_with("staff"))
        .map(|u| {
            let gender = u.gender.as_deref().and_then(Gender::parse);
            (u.id, site_of[&u.id], gender.unwrap_or(Gender::Female))
        })
        .collect();
    let supervisors = users
        .iter()
        .filter(|u| u.email.starts_with("sup"))
        .map(|u| u.id)
        .collect();
    let (position, lobby) = fixtures(db).await;
    World {
        sites,
        staff,
        supervisors,
        position,
        lobby,
    }
}

/// The position the staff hold and the checklist they are spot-checked with.
async fn fixtures(db: &DatabaseConnection) -> (i32, StoredChecklist) {
    let position = entity::position::Entity::find()
        .filter(entity::position::Column::Key.eq("lobby-concierge"))
        .one(db)
        .await
        .unwrap()
        .expect("lobby-concierge position")
        .id;
    let lobby = current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    (position, lobby)
}

fn subject(g: Gender) -> Subject {
    Subject {
        gender: Some(g),
        position: Some("lobby-concierge".into()),
    }
}

/// Rows for one scored spot-check by the site's supervisor, built by the same code the
/// app stores them with.
fn rows(
    world: &World,
    rng: &mut StdRng,
    date: NaiveDate,
) -> (
    inspection::Model,
    Vec<inspection_response::ActiveModel>,
    Vec<ItemResult>,
) {
    let (person, site, gender) = world.staff[rng.random_range(0..world.staff.len())];
    let who = subject(gender);
    let skill = rng.random_range(0.75..0.99);
    let answers =
        decorum::demo::simulate_answers(&world.lobby.checklist, &who, &Context::new(), skill, rng);
    let site_index = world.sites.iter().position(|s| *s == site).unwrap();
    let now = Utc::now();
    let submission = Submission {
        id: Uuid::from_u128(rng.random()),
        site_id: site,
        shift_date: date,
        shift_period: PERIODS[rng.random_range(0..PERIODS.len())],
        subject_id: person,
        inspector_id: world.supervisors[site_index],
        context: Context::new(),
        answers,
        notes: BTreeMap::new(),
        submitted_at: now,
        recheck_of: None,
        photos: BTreeMap::new(),
        recheck: None,
    };
    prepare(&world.lobby, &who, submission)
        .expect("a simulated spot-check is complete")
        .rows(now, Some(world.position))
}

/// Bulk-load N spot-checks over the last year, in batches; `seed` differs for the part a
/// grown data set adds. The running totals are counted once at the end, set-based, as
/// a rebuild does (per batch, a year's spread would rewrite half a year of their rows).
async fn load(db: &DatabaseConnection, world: &World, n: usize, seed: u64) -> Duration {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Instant::now();
    let today = Utc::now().date_naive();
    let batch = 500;
    let mut done = 0;
    while done < n {
        let size = batch.min(n - done);
        insert_together(db, size, Counting::PeriodsOnly, || {
            let date = today - Days::days(rng.random_range(1..365));
            rows(world, &mut rng, date)
        })
        .await;
        done += size;
        if done % 50_000 < batch {
            eprintln!(
                "  loaded {done}/{n} spot-checks ({:.0} s)",
                start.elapsed().as_secs_f64()
            );
        }
    }
    store::stats::refill_running(db).await.unwrap();
    eprintln!(
        "  running totals counted ({:.0} s)",
        start.elapsed().as_secs_f64()
    );
    start.elapsed()
}

async fn page_text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

async fn sign_in(base: &str) -> (reqwest::Client, String) {
    sign_in_as(base, "bench.supervisor@b.test").await
}

async fn sign_in_as(base: &str, email: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = page_text(&client, &format!("{base}/signin")).await;
    let csrf = |html: &str| {
        let at = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
        html[at..].split('"').next().unwrap().to_string()
    };
    let token = csrf(&page);
    let r = client
        .post(format!("{base}/signin"))
        .form(&[("email", email), ("password", PASSWORD), ("_csrf", &token)])
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

/// Submissions per second with `clients` concurrent tablets, `each` submissions apiece;
/// the server's peak memory meanwhile; and the sizes of the transactions its writer
/// formed for them (one entry per transaction).
async fn submit_rate(
    base: &str,
    world: &Arc<World>,
    clients: usize,
    each: usize,
    pid: u32,
) -> (f64, f64, Vec<usize>) {
    let mut sessions = Vec::new();
    for _ in 0..clients {
        sessions.push(sign_in(base).await);
    }
    // The bench account is an admin, so any of its sessions may read the writer's counts.
    let status = sessions[0].0.clone();
    let before = batch_sizes(&status, base).await;
    let memory = PeakMemory::start(pid);
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
    let memory = memory.stop().await;
    let after = batch_sizes(&status, base).await;
    let mut formed = Vec::new();
    for (&size, &count) in &after {
        let new = count - before.get(&size).copied().unwrap_or(0);
        formed.extend(std::iter::repeat_n(size, new as usize));
    }
    (rate, memory, formed)
}

/// Wait (at most two minutes) until the server's first scheduled-mail tick has planned
/// everyone: a starting worker drops the plan and its first tick reads every person
/// once (`store::schedule`), a one-off per start that the submissions and pages are not
/// measured beside. Without SMTP settings nothing is scheduled.
async fn settle_first_schedule(db: &DatabaseConnection, mail: bool) {
    use entity::scheduled_due::{Column, Entity};
    use sea_orm::PaginatorTrait;
    if !mail {
        return;
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        let planned = Entity::find().count(db).await.unwrap();
        let due = Entity::find()
            .filter(Column::NextDue.lte(Utc::now()))
            .count(db)
            .await
            .unwrap();
        if planned > 0 && due == 0 {
            eprintln!(
                "  the first scheduled-mail tick planned {planned} rows ({:.1} s)",
                start.elapsed().as_secs_f64()
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eprintln!("  the first scheduled-mail tick did not finish within two minutes");
}

/// The server's writer transactions so far, by size (`GET /admin/writer.json`).
async fn batch_sizes(client: &reqwest::Client, base: &str) -> BTreeMap<usize, u64> {
    let status: serde_json::Value = client
        .get(format!("{base}/admin/writer.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    serde_json::from_value::<Vec<(usize, u64)>>(status["batch_sizes"].clone())
        .unwrap()
        .into_iter()
        .collect()
}

/// Transactions by size as buckets of doubling sizes: "1: 3, 2–3: 40, 4–7: 12".
fn histogram_text(sizes: &[usize]) -> String {
    let mut buckets: BTreeMap<u32, usize> = BTreeMap::new();
    for &size in sizes {
        *buckets.entry(size.max(1).ilog2()).or_default() += 1;
    }
    buckets
        .into_iter()
        .map(|(bit, n)| {
            let (low, high) = (1usize << bit, (1usize << (bit + 1)) - 1);
            if low == high {
                format!("{low}: {n}")
            } else {
                format!("{low}–{high}: {n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Download an export whole, counting its bytes: seconds, MB, and the server's resident
/// MB before and at the peak (memory freed earlier stays resident, so the growth is
/// the export's).
async fn export_download(
    client: &reqwest::Client,
    url: &str,
    pid: u32,
) -> (f64, f64, usize, (f64, f64)) {
    let before = rss_kb(pid).unwrap_or(0.0) / 1024.0;
    let memory = PeakMemory::start(pid);
    let start = Instant::now();
    let mut r = client.get(url).send().await.unwrap();
    assert!(r.status().is_success(), "{url}: {}", r.status());
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = r.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let seconds = start.elapsed().as_secs_f64();
    (
        seconds,
        bytes as f64 / 1e6,
        lines,
        (before, memory.stop().await),
    )
}

/// The data set's size on disk in MB: the SQLite file with its write-ahead log, or the
/// PostgreSQL schema's tables with their indexes and TOAST.
async fn database_mb(db: &DatabaseConnection, data: &std::path::Path) -> f64 {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let bytes: u64 = std::fs::read_dir(data)
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().contains(".db"))
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        return bytes as f64 / 1e6;
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT CAST(COALESCE(sum(pg_total_relation_size(c.oid)), 0) AS BIGINT) AS bytes \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')",
        ))
        .await
        .unwrap()
        .expect("a size");
    row.try_get::<i64>("", "bytes").unwrap() as f64 / 1e6
}

/// The limit for submissions: the same rows (inspection, responses, aggregate counts)
/// inserted directly with the same driver, one transaction each.
async fn raw_insert_rate(db: &DatabaseConnection, world: &World, count: usize) -> f64 {
    // Fresh ids each run: a kept data set already holds the last run's.
    let mut rng = StdRng::seed_from_u64(rand::random());
    let today = Utc::now().date_naive();
    let start = Instant::now();
    for _ in 0..count {
        let (h, r, results) = rows(world, &mut rng, today);
        let txn = db.begin().await.unwrap();
        let mut tally = store::stats::Tally::default();
        tally.add(&h, &results, 1);
        fresh(h).insert(&txn).await.unwrap();
        inspection_response::Entity::insert_many(r)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        tally.save(&txn).await.unwrap();
        txn.commit().await.unwrap();
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// The fair limit for many clients: the same rows inserted directly in transactions of
/// the sizes the writer formed (a recorded transaction of k submissions replayed as k
/// spot-checks in one transaction, written set-based as the writer writes them), as
/// spot-checks per second. One durable commit per spot-check is not a limit 32 tablets
/// are held to when they share commits.
async fn raw_insert_in_batches_rate(
    db: &DatabaseConnection,
    world: &World,
    sizes: &[usize],
) -> f64 {
    let mut rng = StdRng::seed_from_u64(rand::random());
    let today = Utc::now().date_naive();
    let start = Instant::now();
    for &size in sizes {
        insert_together(db, size, Counting::AsTheWriter, || {
            rows(world, &mut rng, today)
        })
        .await;
    }
    sizes.iter().sum::<usize>() as f64 / start.elapsed().as_secs_f64()
}

/// Insert `count` spot-checks made by `make` in one transaction, set-based as the writer
/// stores a batch: the inspections in one statement, their responses in chunks, and
/// their counts added to the quality aggregates.
async fn insert_together(
    db: &DatabaseConnection,
    count: usize,
    counting: Counting,
    mut make: impl FnMut() -> (
        inspection::Model,
        Vec<inspection_response::ActiveModel>,
        Vec<ItemResult>,
    ),
) {
    let txn = db.begin().await.unwrap();
    let mut tally = store::stats::Tally::default();
    let mut heads = Vec::with_capacity(count);
    let mut responses = Vec::new();
    for _ in 0..count {
        let (h, r, results) = make();
        tally.add(&h, &results, 1);
        heads.push(fresh(h));
        responses.extend(r);
    }
    inspection::Entity::insert_many(heads)
        .exec_without_returning(&txn)
        .await
        .unwrap();
    for chunk in responses.chunks(2_000) {
        inspection_response::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .unwrap();
    }
    match counting {
        Counting::AsTheWriter => tally.save(&txn).await.unwrap(),
        Counting::PeriodsOnly => tally.save_periods(&txn).await.unwrap(),
    }
    txn.commit().await.unwrap();
}

/// How [`insert_together`] keeps the aggregates: as the server's writer does (the fair
/// limit), or without the running totals, which a bulk load counts once at its end.
#[derive(Clone, Copy)]
enum Counting {
    AsTheWriter,
    PeriodsOnly,
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

/// The dashboard's queries for 12 months over every site, each timed on its own: the
/// slowest one's name and p95 in milliseconds.
async fn heaviest_query(db: &DatabaseConnection, from: NaiveDate, to: NaiveDate) -> (String, f64) {
    use decorum::domain::access::Scope;
    use decorum::domain::stats::Granularity;
    use decorum::store::filter::QualityFilter;
    use decorum::store::stats as kept;
    let scope = Scope {
        user_id: 0,
        role: Role::Quality,
        sites: Vec::new(),
    };
    let g = Granularity::for_range(from, to);
    let (from, to) = g.whole_periods(from, to);
    let filter = QualityFilter::range(from, to);
    let split = g.halfway(from, to);
    // The range is the dashboard's "last 12 months": its person rows are kept per half.
    let today = Utc::now().date_naive();
    let per_period = kept::PersonRows::Periods(g);
    let people = kept::window_for(db, today, g, from, to)
        .await
        .unwrap()
        .map_or(per_period, kept::PersonRows::Window);
    let sites: Vec<i32> = entity::site::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for _ in 0..9 {
        let mut time = |name, start: Instant| {
            times
                .entry(name)
                .or_default()
                .push(start.elapsed().as_secs_f64() * 1000.0)
        };
        let start = Instant::now();
        kept::site_rows(db, &scope, &filter, g, split)
            .await
            .unwrap();
        time("site roll-up per site and half", start);
        let start = Instant::now();
        kept::period_samples(db, &scope, &filter, g).await.unwrap();
        time("site roll-up per period", start);
        let start = Instant::now();
        kept::items(db, &scope, &filter, g, false).await.unwrap();
        time("item results", start);
        // The people panels over the kept window, then as for a range that is not kept
        // (any other dates): per period.
        for (rows, staff, calibration) in [
            (people, "lowest-scoring staff", "inspector calibration"),
            (
                per_period,
                "lowest-scoring staff (other ranges)",
                "inspector calibration (other ranges)",
            ),
        ] {
            let start = Instant::now();
            kept::lowest_staff(db, &scope, &filter, rows, split, 30)
                .await
                .unwrap();
            time(staff, start);
            let start = Instant::now();
            kept::calibration_samples(db, &scope, &filter, rows)
                .await
                .unwrap();
            time(calibration, start);
        }
        let start = Instant::now();
        let roster = decorum::store::org::roster(&sites, None);
        kept::not_checked_recently(db, &scope, &filter, roster)
            .await
            .unwrap();
        time("coverage", start);
    }
    times
        .into_iter()
        .map(|(name, mut ms)| {
            ms.sort_by(f64::total_cmp);
            let p95 = percentile(&ms, 0.95);
            eprintln!("  dashboard query {name}: p95 {p95:.1} ms");
            (name.to_string(), p95)
        })
        // The heaviest of what this range's dashboard runs.
        .filter(|(name, _)| !name.ends_with("(other ranges)"))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

/// The same figures computed from the raw rows, as the dashboard would without its
/// aggregates: spot-checks per month, site, person and inspector, and item results per
/// month and site. Milliseconds, median of three.
async fn plain_scan_ms(db: &DatabaseConnection, from: NaiveDate, to: NaiveDate) -> f64 {
    let month = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => "strftime('%Y-%m', i.shift_date)",
        _ => "date_trunc('month', i.shift_date)",
    };
    let inspections = format!(
        "SELECT {month}, i.site_id, i.subject_id, i.inspector_id, count(*), \
         sum(CASE WHEN i.passed THEN 1 ELSE 0 END), sum(CASE WHEN i.critical_failure THEN 1 ELSE 0 END), sum(i.percent) \
         FROM inspection i WHERE i.status = 'submitted' AND i.recheck_of IS NULL \
         AND i.shift_date >= '{from}' AND i.shift_date <= '{to}' GROUP BY 1, 2, 3, 4"
    );
    let items = format!(
        "SELECT {month}, i.site_id, r.item_key, count(*), sum(CASE WHEN r.outcome = 'failed' THEN 1 ELSE 0 END), \
         sum(r.points), sum(r.max_points) FROM inspection_response r JOIN inspection i ON i.id = r.inspection_id \
         WHERE i.status = 'submitted' AND i.recheck_of IS NULL AND r.outcome IN ('passed', 'failed') \
         AND i.shift_date >= '{from}' AND i.shift_date <= '{to}' GROUP BY 1, 2, 3"
    );
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        db.query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            inspections.clone(),
        ))
        .await
        .unwrap();
        db.query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            items.clone(),
        ))
        .await
        .unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[1]
}

/// Headless Chromium printing a page of the app (fetched with the bench's session and
/// saved with its styles) to PDF: milliseconds (median of three runs, each starting the
/// browser, as a print job would) and KB. None, with a message, where Chromium is absent.
async fn chromium_print_ms(client: &reqwest::Client, base: &str, path: &str) -> Option<(f64, f64)> {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        eprintln!("SKIP Chromium comparison: no chromium on PATH (apt-get install chromium)");
        return None;
    };
    let html = page_text(client, &format!("{base}{path}")).await;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let html = html.replacen("<head>", &format!("<head><base href=\"{base}/\">"), 1);
    std::fs::write(&page, html).unwrap();
    let out = dir.path().join("page.pdf");
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let status = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", out.display()),
            ])
            .arg(format!("file://{}", page.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            eprintln!("SKIP Chromium comparison: {browser} could not print {path}");
            return None;
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let kb = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) as f64 / 1024.0;
    Some((times[1], kb))
}

/// What a supervisor of the first two sites keeps on the tablet for offline use, as the
/// service worker stores it (uncompressed bodies): every page /offline/urls.json lists and
/// the shell. Returns (bytes, files, staff, form templates, their bytes).
async fn offline_kit(db: &DatabaseConnection, base: &str) -> (usize, usize, usize, usize, usize) {
    let email = "bench.tablet@b.test";
    let sites = vec!["S000".into(), "S001".into()];
    paths::add_account(db, email, Role::Supervisor, sites).await;
    let (client, _) = sign_in_as(base, email).await;
    let get_json = |path: &str| {
        let request = client.get(format!("{base}{path}"));
        async move {
            request
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let urls: Vec<String> = serde_json::from_value(get_json("/offline/urls.json").await).unwrap();
    let shell = [
        "/static/app.css",
        "/static/app.js",
        "/static/engine.js",
        "/static/icon.svg",
        "/manifest.webmanifest",
        "/sw.js",
    ];
    let (mut bytes, mut templates, mut template_bytes) = (0, 0, 0);
    for path in urls.iter().map(String::as_str).chain(shell) {
        let r = client.get(format!("{base}{path}")).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        let size = r.bytes().await.unwrap().len();
        bytes += size;
        if path.starts_with("/spotchecks/template") {
            templates += 1;
            template_bytes += size;
        }
    }
    // The people the kit covers: the roster's, whose pages the tablet makes from it.
    let roster = get_json("/offline/roster.json").await;
    let staff = roster["sites"]
        .as_array()
        .map(|sites| {
            sites
                .iter()
                .map(|s| s["people"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    (
        bytes,
        urls.len() + shell.len(),
        staff,
        templates,
        template_bytes,
    )
}

/// The device engine's time to rescore a full card, as the tablet's form does on every
/// tap: node running static/engine.js on the largest shipped checklist, every item
/// answered. Returns (ms, items), or None without node.
fn device_rescore_ms(library: &decorum::domain::library::Library) -> Option<(f64, usize)> {
    let checklist = library
        .checklists
        .iter()
        .max_by_key(|c| c.items().count())?;
    let subject = Subject {
        gender: Some(Gender::Female),
        position: checklist.positions.first().cloned(),
    };
    let mut rng = StdRng::seed_from_u64(16);
    let answers =
        decorum::demo::simulate_answers(checklist, &subject, &Context::new(), 0.9, &mut rng);
    let card = serde_json::json!({
        "checklist": checklist.for_device(),
        "subject": { "gender": "female", "position": subject.position },
        "pairs": to_fields(&answers, &BTreeMap::new(), &Context::new()),
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), card.to_string()).unwrap();
    let script = r#"
        const engine = require(process.argv[1]);
        const card = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
        for (let i = 0; i < 50; i++) engine.rescore(card.checklist, card.subject, card.pairs);
        const rounds = 1000, started = process.hrtime.bigint();
        for (let i = 0; i < rounds; i++) engine.rescore(card.checklist, card.subject, card.pairs);
        process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6 / rounds));
    "#;
    let engine = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/engine.js");
    let out = match Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(engine)
        .arg(file.path())
        .output()
    {
        Ok(out) if out.status.success() => out,
        _ => {
            eprintln!("SKIP device engine: node is missing or failed (apt-get install nodejs)");
            return None;
        }
    };
    let ms = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((ms, checklist.items().count()))
}

/// The offline tablet's figures.
async fn tablet_rows(db: &DatabaseConnection, base: &str, table: &mut Vec<Row>) {
    let (bytes, files, staff, templates, template_bytes) = offline_kit(db, base).await;
    table.push(Row {
        measure: format!(
            "offline kit, supervisor of 2 sites ({staff} staff, {files} files; {templates} form templates {} KB)",
            template_bytes / 1024
        ),
        value: bytes as f64 / 1024.0,
        unit: "KB".into(),
        limit: None,
        target: "≤ 1 MB".into(),
    });
    let library = library_files::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/checklists"
    )))
    .expect("library");
    if let Some((ms, items)) = device_rescore_ms(&library) {
        table.push(Row {
            measure: format!("device engine, rescore a full card ({items} items, node)"),
            value: ms,
            unit: "ms".into(),
            limit: None,
            target: "≤ 5 ms".into(),
        });
    }
}

async fn run(args: Args) {
    let scratch = tempfile::tempdir().unwrap();
    let data = match &args.keep {
        Some(dir) => dir.join(format!("data-{}", args.inspections)),
        None => scratch.path().join("data"),
    };
    let checklists = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("checklists");
    let url = match &args.postgres {
        None => None,
        Some(base) => {
            let admin = sea_orm::Database::connect(base.as_str())
                .await
                .expect("PostgreSQL for --postgres");
            let schema = match &args.keep {
                Some(_) => format!("bench_keep_{}", args.inspections),
                None => format!("bench_{}", Uuid::new_v4().simple()),
            };
            admin
                .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            Some((
                format!("{base}{sep}options[search_path]={schema}"),
                admin,
                schema,
            ))
        }
    };
    let config = Config::new(
        url.as_ref().map(|u| u.0.clone()),
        data.clone(),
        checklists.clone(),
    );
    let backend = if config.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    eprintln!(
        "decorum bench: {} spot-checks on {backend}",
        args.inspections
    );
    // A kept data set is marked loaded only once it is whole.
    let marker = data.join(format!("loaded-{}", backend.to_lowercase()));
    let grown_from = grow_from_copy(&args, &data, &marker, config.is_sqlite());
    std::fs::create_dir_all(&data).unwrap();
    let db = db::connect(&config).await.unwrap();
    db::migrate(&db).await.unwrap();
    let (world, loaded) = if args.keep.is_some() && marker.exists() {
        eprintln!("  reusing the data set kept in {}", data.display());
        (Arc::new(world_of(&db).await), Duration::ZERO)
    } else {
        let (world, base) = match grown_from {
            Some(m) => (Arc::new(world_of(&db).await), m),
            None => (Arc::new(seed(&db, &config).await), 0),
        };
        let since = Utc::now();
        let loaded = load(&db, &world, args.inspections - base, 42 + base as u64).await;
        let rechecks = seed_rechecks(&db, since).await;
        eprintln!("  {rechecks} finished re-checks added");
        if !config.is_sqlite() {
            // The statistics autovacuum would have gathered by now in a live deployment;
            // without them PostgreSQL plans the bulk-loaded tables as if they were empty.
            db.execute_unprepared("ANALYZE").await.unwrap();
        }
        std::fs::write(&marker, "").unwrap();
        eprintln!("  data set ready in {:.1} s", loaded.as_secs_f64());
        (world, loaded)
    };
    if args.load_only {
        eprintln!("  --load-only: the data set is kept in {}", data.display());
        return;
    }

    // The outbox's rows (benches/suite/paths.rs): an SMTP server for the server's mail,
    // started first, and webhooks allowed to reach the bench's receiver on loopback.
    let mail_sink = paths::mail_sink(&scratch.path().join("smtp"));
    // A kept data set holds the last run's scheduled-mail plan: dropped here, so waiting
    // for the server's first tick to plan everyone cannot mistake the old plan for it.
    entity::scheduled_due::Entity::delete_many()
        .exec(&db)
        .await
        .unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DECORUM_DATA_DIR", &data)
        .env("DECORUM_CHECKLISTS", &checklists)
        .env("DECORUM_LOG", "warn")
        .envs(paths::server_env(mail_sink.as_ref()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match &url {
        Some((u, _, _)) => command.env("DATABASE_URL", u),
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
    tablet_rows(&db, &base, &mut table).await;
    settle_first_schedule(&db, mail_sink.is_some()).await;
    if args.tablet_only {
        drop(server);
        drop_scratch_schema(db, &url, &args).await;
        report(&args, backend, loaded, &table);
        return;
    }
    let (one, _, _) = submit_rate(&base, &world, 1, 100, pid).await;
    let (many, load_mb, batches) = submit_rate(&base, &world, 32, 25, pid).await;
    let raw = raw_insert_rate(&db, &world, 300).await;
    let fair = raw_insert_in_batches_rate(&db, &world, &batches).await;
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
        measure: "raw insert in the writer's batch sizes (fair limit)".into(),
        value: fair,
        unit: "/s".into(),
        limit: None,
        target: "32 clients ≥ 50 % of this".into(),
    });
    table.push(Row {
        measure: format!(
            "writer transactions, 32 clients, by size: {}",
            histogram_text(&batches)
        ),
        value: batches.iter().sum::<usize>() as f64 / batches.len().max(1) as f64,
        unit: "/tx".into(),
        limit: None,
        target: "mean submissions per transaction".into(),
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
    let (default_view, _) = timed_get(&client, &format!("{base}/quality"), 15).await;
    let (dash, _) = timed_get(&client, &format!("{base}/quality?from={from}&to={to}"), 15).await;
    let heaviest = heaviest_query(&db, from, to).await;
    let scan_ms = plain_scan_ms(&db, from, to).await;
    table.push(Row {
        measure: "dashboard, default view (12 weeks), p95".into(),
        value: percentile(&default_view, 0.95),
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "≤ 50 ms at 1M".into(),
    });
    table.push(Row {
        measure: "dashboard, 12 months, p50".into(),
        value: percentile(&dash, 0.5),
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "—".into(),
    });
    table.push(Row {
        measure: "dashboard, 12 months, p95".into(),
        value: percentile(&dash, 0.95),
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "≤ 50 ms at 1M".into(),
    });
    // Ranges that are not one tap away: the staff ranking and calibration must cost the
    // same for them (issue 20). A few weeks ending a while ago (weekly rows) and 200 days
    // (monthly rows), neither of them a kept window.
    for (name, from, to) in [
        (
            "dashboard, custom 6 weeks, p95",
            to - Days::days(62),
            to - Days::days(21),
        ),
        ("dashboard, custom 200 days, p95", to - Days::days(200), to),
    ] {
        let (times, _) =
            timed_get(&client, &format!("{base}/quality?from={from}&to={to}"), 15).await;
        table.push(Row {
            measure: name.into(),
            value: percentile(&times, 0.95),
            unit: "ms".into(),
            limit: Some(scan_ms),
            target: "≤ 50 ms at 1M".into(),
        });
    }
    table.push(Row {
        measure: format!("heaviest dashboard query ({}), p95", heaviest.0),
        value: heaviest.1,
        unit: "ms".into(),
        limit: Some(scan_ms),
        target: "—".into(),
    });
    table.push(Row {
        measure: "plain scan computing the same figures (limit)".into(),
        value: scan_ms,
        unit: "ms".into(),
        limit: None,
        target: "—".into(),
    });

    let (effect, _) = timed_get(&client, &format!("{base}/training/effectiveness"), 15).await;
    for (name, p) in [("p50", 0.5), ("p95", 0.95)] {
        table.push(Row {
            measure: format!("training effectiveness page, {name}"),
            value: percentile(&effect, p),
            unit: "ms".into(),
            limit: None,
            target: "≤ 100 ms at 1M".into(),
        });
    }

    // PDF reports, beside Chromium printing the same content from its HTML page.
    let some_inspection = inspection::Entity::find()
        .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
        .one(&db)
        .await
        .unwrap()
        .expect("a spot-check")
        .id;
    let site = world.sites[0];
    let reports = [
        (
            "inspection report PDF",
            format!("/inspections/{some_inspection}/report.pdf"),
            format!("/inspections/{some_inspection}"),
            "≤ 20 ms, ≤ 200 KB, ≥ 20× faster than Chromium",
        ),
        (
            "12-month site report PDF",
            format!("/reports/site.pdf?site={site}&from={from}&to={to}"),
            format!("/quality?site={site}&from={from}&to={to}"),
            "≤ 300 ms, ≥ 20× faster than Chromium",
        ),
        // The largest report: every site compared, over the year.
        (
            "12-month all-sites report PDF",
            format!("/reports/site.pdf?from={from}&to={to}"),
            format!("/quality?from={from}&to={to}"),
            "≤ 300 ms, ≥ 20× faster than Chromium",
        ),
    ];
    for (name, pdf, html, target) in reports {
        let (times, bytes) = timed_get(&client, &format!("{base}{pdf}"), 9).await;
        let chromium = chromium_print_ms(&client, &base, &html).await;
        table.push(Row {
            measure: format!("{name}, p50"),
            value: percentile(&times, 0.5),
            unit: "ms".into(),
            limit: chromium.map(|c| c.0),
            target: target.into(),
        });
        table.push(Row {
            measure: format!("{name}, size"),
            value: bytes as f64 / 1024.0,
            unit: "KB".into(),
            limit: chromium.map(|c| c.1),
            target: "≤ 200 KB (inspection)".into(),
        });
    }

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
    paths::rows(&db, &config, &world, &base, mail_sink.as_ref(), &mut table).await;
    // The default view's spot-checks as CSV, streamed: memory stays flat however many.
    let (seconds, mb, lines, (before_mb, peak_mb)) =
        export_download(&client, &format!("{base}/quality/inspections.csv"), pid).await;
    table.push(Row {
        measure: format!("CSV export, 12 weeks ({mb:.0} MB), time"),
        value: seconds,
        unit: "s".into(),
        limit: None,
        target: "—".into(),
    });
    table.push(Row {
        measure: "CSV export throughput, spot-checks/s".into(),
        value: lines.saturating_sub(1) as f64 / seconds,
        unit: "/s".into(),
        limit: None,
        target: "—".into(),
    });
    table.push(Row {
        measure: format!("server memory, peak during the CSV export (from {before_mb:.0})"),
        value: peak_mb,
        unit: "MB".into(),
        limit: None,
        target: "≤ 150 MB".into(),
    });
    drop(server);
    let size_mb = database_mb(&db, &data).await;
    table.push(Row {
        measure: "database on disk".into(),
        value: size_mb,
        unit: "MB".into(),
        limit: None,
        target: "—".into(),
    });
    if args.inspections > 0 {
        table.push(Row {
            measure: "database on disk per 1M spot-checks".into(),
            value: size_mb / 1024.0 * 1e6 / args.inspections as f64,
            unit: "GB".into(),
            limit: None,
            target: "—".into(),
        });
    }
    drop_scratch_schema(db, &url, &args).await;
    report(&args, backend, loaded, &table);
}

/// A PostgreSQL run's schema goes, unless it is kept for the next run.
async fn drop_scratch_schema(
    db: DatabaseConnection,
    url: &Option<(String, DatabaseConnection, String)>,
    args: &Args,
) {
    if let (Some((_, admin, schema)), None) = (url, &args.keep) {
        db.close().await.unwrap();
        admin
            .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .unwrap();
    }
}

/// Print the table and write it as JSON.
fn report(args: &Args, backend: &str, loaded: Duration, table: &[Row]) {
    println!(
        "\nDecorum benchmark — {} spot-checks on {backend}",
        args.inspections
    );
    if cfg!(debug_assertions) {
        println!("(built without optimisations: a smoke run, not a measurement)");
    }
    println!("{:<48} {:>12} {:>12}  target", "measure", "value", "limit");
    for r in table {
        let limit = r
            .limit
            .map(|l| format!("{l:.1}"))
            .unwrap_or_else(|| "—".into());
        println!(
            "{:<48} {:>10.1} {:<3} {:>10}  {}",
            r.measure, r.value, r.unit, limit, r.target
        );
    }
    let json = serde_json::json!({
        "inspections": args.inspections,
        "backend": backend,
        "optimised": !cfg!(debug_assertions),
        "load_seconds": loaded.as_secs_f64(),
        "rows": table,
    });
    let path = args.json.clone().unwrap_or_else(|| {
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
