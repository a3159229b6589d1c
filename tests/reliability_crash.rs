//! Reliability: crash safety on SQLite. Tablets submit spot-checks continuously while the
//! test kills the real `decorum serve` with SIGKILL at random moments — mid-request,
//! mid-transaction, whatever it was doing — and starts it again on the same port. Like
//! the tablet's offline outbox, every tablet retries an unacknowledged submission with the
//! same UUID until it is acknowledged. Afterwards every acknowledged spot-check is stored
//! exactly once, nothing is stored twice or half, and `PRAGMA integrity_check` says ok.
//!
//! The short variant (20 tablets, 3 crashes in about 15 s) always runs.
//! `DECORUM_LONG_TESTS=1` runs the long one (100 tablets, 20 crashes);
//! `DECORUM_RELIABILITY_CLIENTS` and `DECORUM_RELIABILITY_CRASHES` override either.
//! Loopback only.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use decorum::config::Config;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::store::library::current_checklists;
use decorum::{db, library_files, store};
use entity::{audit_log, inspection, inspection_response};
use rand::Rng;
use reqwest::Client;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, ExprTrait,
    QueryFilter, QuerySelect, Statement, sea_query::Expr,
};
use uuid::Uuid;

/// How long one submission may stay unacknowledged (across restarts) before the test
/// calls it lost.
const GIVE_UP: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_spot_checks_survive_sigkill() {
    let long = std::env::var("DECORUM_LONG_TESTS").is_ok_and(|v| v == "1");
    let clients = env_number("DECORUM_RELIABILITY_CLIENTS").unwrap_or(if long { 100 } else { 20 });
    let crashes = env_number("DECORUM_RELIABILITY_CRASHES").unwrap_or(if long { 20 } else { 3 });

    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let fixture = prepare(&config).await;
    let log = dir.path().join("server.log");
    let data_dir = config.data_dir.clone();
    let mut server =
        Server::start(&data_dir, "127.0.0.1:0", None, &log).unwrap_or_else(|e| panic!("{e}"));
    let port = server.port;
    let base = server.base.clone();

    let mut tablets = Vec::new();
    for _ in 0..clients {
        tablets.push(
            Tablet::sign_in(&base, "supervisor.a@t.test", Duration::from_secs(20))
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }

    // The tablets: submit, and retry with the same UUID until acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let form = Arc::new(fixture.form.clone());
    let mut jobs = Vec::new();
    for tablet in tablets {
        let (base, form, stop, acked) = (base.clone(), form.clone(), stop.clone(), acked.clone());
        jobs.push(tokio::spawn(async move {
            let mut report = CrashReport::default();
            while !stop.load(Ordering::Relaxed) {
                let id = Uuid::new_v4();
                report.attempted.push(id);
                let first = Instant::now();
                let mut tries = 0;
                loop {
                    tries += 1;
                    match submit(&tablet, &base, id, &form).await {
                        Outcome::Ack {
                            id: echoed,
                            created,
                        } => {
                            if echoed != id {
                                report
                                    .errors
                                    .push(format!("{id}: acknowledged as {echoed}"));
                            }
                            if !created {
                                // It was stored, but the answer never reached the tablet.
                                report.acked_on_retry_only += 1;
                            }
                            if tries > 1 {
                                report.retried += 1;
                            }
                            report.acknowledged.push(id);
                            acked.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Outcome::Status(status, body) => {
                            // The server answered, so it was up: any answer but 200 is a bug.
                            report.errors.push(format!("{id}: HTTP {status}: {body}"));
                        }
                        Outcome::Transport(e) => {
                            report.transport_failures += 1;
                            report.transport_sample.get_or_insert(e);
                        }
                    }
                    if first.elapsed() > GIVE_UP {
                        report
                            .errors
                            .push(format!("{id}: not acknowledged after {tries} tries"));
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            report
        }));
    }

    // The crashes: SIGKILL at a random moment, then start again on the same port.
    let started = Instant::now();
    let mut survived = 0;
    let mut downtime = Duration::ZERO;
    for crash in 1..=crashes {
        let up = Duration::from_millis(rand::rng().random_range(2_500..5_000));
        tokio::time::sleep(up).await;
        let before = acked.load(Ordering::Relaxed);
        let killed = Instant::now();
        drop(server); // SIGKILL, then reap
        let (data_dir, log) = (data_dir.clone(), log.clone());
        server = tokio::task::spawn_blocking(move || restart(&data_dir, port, &log))
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("restart after crash {crash}: {e}"));
        downtime += killed.elapsed();
        survived += 1;
        eprintln!(
            "reliability crash: crash {crash} at {:.1} s ({before} acknowledged so far), back after {:.2} s",
            (killed - started).as_secs_f64(),
            killed.elapsed().as_secs_f64()
        );
    }
    // Let every tablet get its last submission through the last server.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = CrashReport::default();
    for job in jobs {
        let report = tokio::time::timeout(GIVE_UP * 2, job)
            .await
            .expect("a tablet never finished")
            .unwrap();
        all.attempted.extend(report.attempted);
        all.acknowledged.extend(report.acknowledged);
        all.errors.extend(report.errors);
        all.retried += report.retried;
        all.acked_on_retry_only += report.acked_on_retry_only;
        all.transport_failures += report.transport_failures;
        if all.transport_sample.is_none() {
            all.transport_sample = report.transport_sample;
        }
    }
    let elapsed = started.elapsed();
    drop(server);

    // Reopen the file as the next start would, and look at what it holds.
    let db = db::connect(&config).await.unwrap();
    let integrity = integrity_check(&db).await;
    let check = StoredCheck::read(&db, fixture.expected_responses).await;
    let verdict = check.verdict(&all.attempted, &all.acknowledged);
    eprintln!(
        "reliability crash: {:.1} s, {:.1} s down in all; {} submissions needed a retry, {} of them had been stored but not acknowledged, {} connection failures while down",
        elapsed.as_secs_f64(),
        downtime.as_secs_f64(),
        all.retried,
        all.acked_on_retry_only,
        all.transport_failures
    );
    if let Some(sample) = &all.transport_sample {
        eprintln!("reliability crash: a connection failure looked like: {sample:.200}");
    }
    assert!(
        all.errors.is_empty(),
        "{} submissions went wrong; the first:\n{:#?}\nserver log ends:\n{}",
        all.errors.len(),
        &all.errors[..all.errors.len().min(10)],
        tail(&log, 40)
    );
    assert_eq!(integrity, vec!["ok".to_string()], "PRAGMA integrity_check");
    verdict.assert_clean();
    assert_eq!(
        check.inspections.len(),
        all.acknowledged.len(),
        "the database holds exactly the acknowledged spot-checks"
    );
    assert_eq!(survived, crashes);
    assert!(!all.acknowledged.is_empty(), "nothing was acknowledged");
    println!(
        "reliability crash: {survived} crashes survived, {} acknowledged, {} stored, {} lost, {} duplicated",
        all.acknowledged.len(),
        verdict.stored,
        verdict.lost.len(),
        verdict.duplicated.len()
    );
}

#[derive(Default)]
struct CrashReport {
    attempted: Vec<Uuid>,
    acknowledged: Vec<Uuid>,
    errors: Vec<String>,
    /// Acknowledged only after at least one retry.
    retried: usize,
    /// Acknowledged with `created: false`: a retry found it already stored.
    acked_on_retry_only: usize,
    transport_failures: usize,
    /// One of the connection failures, to show what the tablets saw.
    transport_sample: Option<String>,
}

/// Start the server again on the port it had; the port may take a moment to free.
fn restart(data_dir: &Path, port: u16, log: &Path) -> Result<Server, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match Server::start(data_dir, &format!("127.0.0.1:{port}"), None, log) {
            Ok(server) => return Ok(server),
            Err(e) if Instant::now() < deadline => {
                eprintln!(
                    "reliability crash: restart failed, retrying: {}",
                    e.lines().last().unwrap_or("")
                );
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(e),
        }
    }
}

/// `PRAGMA integrity_check` on the SQLite file: `["ok"]` when it is sound.
async fn integrity_check(db: &DatabaseConnection) -> Vec<String> {
    db.query_all_raw(Statement::from_string(
        DbBackend::Sqlite,
        "PRAGMA integrity_check",
    ))
    .await
    .expect("PRAGMA integrity_check")
    .iter()
    .map(|row| row.try_get_by_index::<String>(0).unwrap_or_default())
    .collect()
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------
// The harness. The same code is in reliability_load.rs, reliability_crash.rs and
// reliability_postgres.rs, so each test binary stands alone.

/// How long a `decorum serve` start may take (migrations and the library import).
const STARTUP: Duration = Duration::from_secs(120);

/// The default SQLite database under `dir/data`.
fn sqlite_config(dir: &Path) -> Config {
    Config::new(None, dir.join("data"), common::repo_path("checklists"))
}

/// What a tablet needs to submit a perfect lobby spot-check of staff A at site A.
struct Fixture {
    form: SpotCheckForm,
    /// Responses one stored spot-check has (one per applicable item).
    expected_responses: usize,
}

/// Migrate, import the library and seed the people, before any server starts.
async fn prepare(config: &Config) -> Fixture {
    let db = db::connect(config).await.expect("connect");
    db::migrate(&db).await.expect("migrate");
    let library = library_files::load(&config.checklists_dir).expect("the library lints clean");
    store::library::import(&db, &library).await.expect("import");
    let fixture = seed(&db).await;
    db.close().await.expect("close");
    fixture
}

async fn seed(db: &DatabaseConnection) -> Fixture {
    let world = common::seed_world(db).await;
    let lobby = current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .expect("the lobby checklist");
    let subject = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
    let mut fields = vec![
        ("version".to_string(), lobby.version_id.to_string()),
        ("site".into(), world.site_a.to_string()),
        ("subject".into(), world.staff_a.to_string()),
        ("shift_date".into(), "2026-11-27".into()),
        ("shift_period".into(), "afternoon".into()),
    ];
    fields.extend(to_fields(&answers, &BTreeMap::new(), &Context::new()));
    Fixture {
        form: SpotCheckForm { fields },
        expected_responses: answers.len(),
    }
}

/// The fields of a finished spot-check form, without the session's CSRF token.
#[derive(Clone)]
struct SpotCheckForm {
    fields: Vec<(String, String)>,
}

impl SpotCheckForm {
    fn body(&self, csrf: &str) -> Vec<(String, String)> {
        let mut body = vec![("_csrf".to_string(), csrf.to_string())];
        body.extend(self.fields.iter().cloned());
        body
    }
}

/// A `decorum serve` process. Dropping it kills it.
struct Server {
    child: Child,
    base: String,
    port: u16,
}

impl Server {
    /// Start `decorum serve --addr ADDR` and wait for its "Decorum is serving on …" line.
    /// Its log (stderr) is appended to `log`.
    fn start(
        data_dir: &Path,
        addr: &str,
        database_url: Option<&str>,
        log: &Path,
    ) -> Result<Server, String> {
        assert!(addr.starts_with("127.0.0.1:"), "loopback only");
        let log_out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
        command
            .current_dir(common::repo_path(""))
            .args(["serve", "--addr", addr])
            .env("DECORUM_DATA_DIR", data_dir)
            .env("DECORUM_CHECKLISTS", common::repo_path("checklists"))
            .env_remove("DATABASE_URL")
            .env_remove("DECORUM_ADDR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_out));
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start decorum serve: {e}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining stdout for the life of the process.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + STARTUP;
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("Decorum is serving on ") {
                        let base = url.trim().to_string();
                        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
                        let port = base
                            .rsplit(':')
                            .next()
                            .and_then(|p| p.parse().ok())
                            .ok_or_else(|| format!("no port in `{base}`"))?;
                        return Ok(Server { child, base, port });
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "decorum serve --addr {addr} did not start; its log ends:\n{}",
                        tail(log, 20)
                    ));
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last lines of a log file.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A tablet: its own cookie jar with one signed-in session, and that session's CSRF token.
struct Tablet {
    client: Client,
    csrf: String,
}

impl Tablet {
    async fn sign_in(base: &str, email: &str, timeout: Duration) -> Result<Tablet, String> {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()
            .map_err(|e| e.to_string())?;
        let page = client
            .get(format!("{base}/signin"))
            .send()
            .await
            .map_err(|e| format!("GET /signin: {e}"))?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        let token = common::csrf_in(&page);
        let response = client
            .post(format!("{base}/signin"))
            .form(&[
                ("email", email),
                ("password", common::PASSWORD),
                ("_csrf", &token),
                ("next", "/"),
            ])
            .send()
            .await
            .map_err(|e| format!("POST /signin: {e}"))?;
        if response.status() != 303 {
            return Err(format!("sign-in as {email} answered {}", response.status()));
        }
        let page = client
            .get(format!("{base}/inspections"))
            .send()
            .await
            .map_err(|e| format!("GET /inspections: {e}"))?;
        if page.status() != 200 {
            return Err(format!("GET /inspections answered {}", page.status()));
        }
        let csrf = common::csrf_in(&page.text().await.map_err(|e| e.to_string())?);
        Ok(Tablet { client, csrf })
    }
}

/// How the server answered one submission.
enum Outcome {
    /// 200 with the spot-check's id and whether this request stored it.
    Ack { id: Uuid, created: bool },
    /// Any other answer.
    Status(u16, String),
    /// No answer: the connection failed, was dropped, or timed out.
    Transport(String),
}

async fn submit(tablet: &Tablet, base: &str, id: Uuid, form: &SpotCheckForm) -> Outcome {
    let response = tablet
        .client
        .post(format!("{base}/spotchecks/{id}/submit"))
        .header("accept", "application/json")
        .form(&form.body(&tablet.csrf))
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => return Outcome::Transport(format!("{e:?}")),
    };
    let status = response.status().as_u16();
    let body = match response.text().await {
        Ok(body) => body,
        Err(e) => return Outcome::Transport(format!("reading the answer: {e:?}")),
    };
    if status != 200 {
        return Outcome::Status(status, body.chars().take(300).collect());
    }
    let reply: serde_json::Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => return Outcome::Status(status, format!("not JSON: {body:.300}")),
    };
    match (
        reply["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()),
        reply["created"].as_bool(),
    ) {
        (Some(id), Some(created)) => Outcome::Ack { id, created },
        _ => Outcome::Status(status, format!("unexpected reply: {body:.300}")),
    }
}

/// What the database holds after a run.
struct StoredCheck {
    /// Inspection id → status.
    inspections: HashMap<Uuid, String>,
    /// Inspection id → stored responses.
    responses: HashMap<Uuid, i64>,
    /// Inspection id → "submit" audit entries.
    audits: HashMap<String, i64>,
    expected_responses: usize,
}

struct Verdict {
    stored: usize,
    lost: Vec<Uuid>,
    duplicated: Vec<String>,
    strays: Vec<Uuid>,
}

impl StoredCheck {
    async fn read(db: &DatabaseConnection, expected_responses: usize) -> StoredCheck {
        let inspections = inspection::Entity::find()
            .select_only()
            .column(inspection::Column::Id)
            .column(inspection::Column::Status)
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await
            .expect("read inspections")
            .into_iter()
            .collect();
        let responses = inspection_response::Entity::find()
            .select_only()
            .column(inspection_response::Column::InspectionId)
            .column_as(Expr::col(inspection_response::Column::Id).count(), "n")
            .group_by(inspection_response::Column::InspectionId)
            .into_tuple::<(Uuid, i64)>()
            .all(db)
            .await
            .expect("count responses")
            .into_iter()
            .collect();
        let audits = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("submit"))
            .filter(audit_log::Column::Entity.eq("inspection"))
            .select_only()
            .column(audit_log::Column::EntityId)
            .column_as(Expr::col(audit_log::Column::Id).count(), "n")
            .group_by(audit_log::Column::EntityId)
            .into_tuple::<(String, i64)>()
            .all(db)
            .await
            .expect("count audit entries")
            .into_iter()
            .collect();
        StoredCheck {
            inspections,
            responses,
            audits,
            expected_responses,
        }
    }

    /// Stored exactly once: one submitted inspection row, its responses once each, one
    /// audit entry. Lost: acknowledged but not stored. Strays: stored but never sent.
    fn verdict(&self, attempted: &[Uuid], acknowledged: &[Uuid]) -> Verdict {
        let attempted: HashSet<Uuid> = attempted.iter().copied().collect();
        let mut duplicated = Vec::new();
        let mut stored = 0;
        for (id, status) in &self.inspections {
            let responses = self.responses.get(id).copied().unwrap_or(0);
            let audits = self.audits.get(&id.to_string()).copied().unwrap_or(0);
            if status != "submitted" || responses != self.expected_responses as i64 || audits != 1 {
                duplicated.push(format!(
                    "{id}: status {status}, {responses} responses (expected {}), {audits} submit audit entries",
                    self.expected_responses
                ));
            }
            if attempted.contains(id) {
                stored += 1;
            }
        }
        let mut seen = HashSet::new();
        for id in acknowledged {
            if !seen.insert(*id) {
                duplicated.push(format!("{id}: acknowledged twice as a new spot-check"));
            }
        }
        let lost = acknowledged
            .iter()
            .filter(|id| !self.inspections.contains_key(id))
            .copied()
            .collect();
        let strays = self
            .inspections
            .keys()
            .filter(|id| !attempted.contains(id))
            .copied()
            .collect();
        Verdict {
            stored,
            lost,
            duplicated,
            strays,
        }
    }
}

impl Verdict {
    fn assert_clean(&self) {
        assert!(
            self.lost.is_empty(),
            "{} acknowledged spot-checks are not stored: {:?}",
            self.lost.len(),
            &self.lost[..self.lost.len().min(10)]
        );
        assert!(
            self.duplicated.is_empty(),
            "{} spot-checks are not stored exactly once: {:#?}",
            self.duplicated.len(),
            &self.duplicated[..self.duplicated.len().min(10)]
        );
        assert!(
            self.strays.is_empty(),
            "{} stored spot-checks were never sent: {:?}",
            self.strays.len(),
            &self.strays[..self.strays.len().min(10)]
        );
    }
}
