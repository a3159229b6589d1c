//! Reliability: nothing is lost under load. The real `decorum serve` binary on SQLite,
//! many simulated tablets (each signed in once, keeping its session) submitting finished
//! spot-checks with UUIDs they make themselves, as fast as the server answers, for a fixed
//! time. Every submission must be answered (no 5xx, no dropped connection), and afterwards
//! the database must hold every acknowledged spot-check exactly once — one inspection row,
//! its responses once, one audit entry — and nothing else.
//!
//! The short variant (30 tablets, 5 s) always runs. `DECORUM_LONG_TESTS=1` runs the long
//! one (200 tablets, 60 s); `DECORUM_RELIABILITY_CLIENTS` and `DECORUM_RELIABILITY_SECONDS`
//! override either. Loopback only.

mod common;

use common::reliability::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use decorum::db;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_under_load() {
    let long = std::env::var("DECORUM_LONG_TESTS").is_ok_and(|v| v == "1");
    let clients = env_number("DECORUM_RELIABILITY_CLIENTS").unwrap_or(if long { 200 } else { 30 });
    let seconds = env_number("DECORUM_RELIABILITY_SECONDS").unwrap_or(if long { 60 } else { 5 });
    let run = Duration::from_secs(seconds as u64);

    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(dir.path());
    let fixture = prepare(&config).await;
    let log = dir.path().join("server.log");
    let server = Server::start(&config.data_dir, "127.0.0.1:0", None, &log)
        .unwrap_or_else(|e| panic!("{e}"));

    // Every tablet signs in once and keeps its session (a few at a time: signing in
    // hashes a password, which is not what this test measures).
    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    let mut signing = Vec::new();
    for _ in 0..clients {
        let base = server.base.clone();
        let gate = gate.clone();
        signing.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            Tablet::sign_in(&base, "supervisor.a@t.test", Duration::from_secs(60)).await
        }));
    }
    let mut tablets = Vec::new();
    for job in signing {
        tablets.push(job.await.unwrap().unwrap_or_else(|e| panic!("{e}")));
    }
    eprintln!(
        "reliability load: {clients} tablets signed in in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // All tablets submit until the deadline; every request gets an answer or is an error.
    let form = Arc::new(fixture.form.clone());
    let go = Instant::now();
    let deadline = go + run;
    let mut jobs = Vec::new();
    for tablet in tablets {
        let base = server.base.clone();
        let form = form.clone();
        jobs.push(tokio::spawn(async move {
            let mut report = ClientReport::default();
            while Instant::now() < deadline {
                let id = Uuid::new_v4();
                report.attempted.push(id);
                let sent = Instant::now();
                let outcome = submit(&tablet, &base, id, &form).await;
                report.latencies.push(sent.elapsed());
                match outcome {
                    Outcome::Ack { id: echoed, created } => {
                        if echoed != id || !created {
                            report.errors.push(format!(
                                "{id}: acknowledged as {echoed} with created={created} (a fresh UUID must be created)"
                            ));
                        }
                        report.acknowledged.push(id);
                    }
                    Outcome::Status(status, body) => {
                        report.errors.push(format!("{id}: HTTP {status}: {body}"))
                    }
                    Outcome::Transport(e) => {
                        report.errors.push(format!("{id}: no answer: {e}"))
                    }
                }
            }
            report
        }));
    }
    let mut all = ClientReport::default();
    for job in jobs {
        let report = job.await.unwrap();
        all.attempted.extend(report.attempted);
        all.acknowledged.extend(report.acknowledged);
        all.errors.extend(report.errors);
        all.latencies.extend(report.latencies);
    }
    let elapsed = go.elapsed();
    drop(server);

    let db = db::connect(&config).await.unwrap();
    let check = StoredCheck::read(&db, fixture.expected_responses).await;
    let verdict = check.verdict(&all.attempted, &all.acknowledged);
    let rate = all.acknowledged.len() as f64 / elapsed.as_secs_f64();
    all.latencies.sort();
    let pct = |p: f64| {
        all.latencies
            .get(((all.latencies.len() as f64 * p) as usize).min(all.latencies.len().max(1) - 1))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    eprintln!(
        "reliability load: {clients} tablets for {:.1} s; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        all.latencies
            .last()
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );

    let shown: Vec<&String> = all.errors.iter().take(10).collect();
    assert!(
        all.errors.is_empty(),
        "{} of {} submissions failed; the first:\n{:#?}\nserver log ends:\n{}",
        all.errors.len(),
        all.attempted.len(),
        shown,
        tail(&log, 40)
    );
    verdict.assert_clean();
    assert_eq!(
        check.inspections.len(),
        all.acknowledged.len(),
        "the database holds exactly the acknowledged spot-checks"
    );
    assert!(
        !all.acknowledged.is_empty(),
        "no submission was acknowledged"
    );
    println!(
        "reliability load: {} acknowledged, {} stored, {} lost, {} duplicated, {:.1} submissions/s",
        all.acknowledged.len(),
        verdict.stored,
        verdict.lost.len(),
        verdict.duplicated.len(),
        rate
    );
}

#[derive(Default)]
struct ClientReport {
    attempted: Vec<Uuid>,
    acknowledged: Vec<Uuid>,
    errors: Vec<String>,
    latencies: Vec<Duration>,
}
