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

use common::reliability::*;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use decorum::db;
use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
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
