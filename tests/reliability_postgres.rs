//! Reliability on PostgreSQL, the multi-instance backend (runs only where PostgreSQL
//! answers; otherwise it prints SKIP lines, or fails under CI):
//!
//! - two `decorum serve` instances on one database: a session signed in on one works on
//!   the other (sessions live in the database), and the same spot-check sent to both at
//!   once is stored exactly once, both answering 200;
//! - a database outage: with the PostgreSQL server stopped for a few seconds under light
//!   load, `/healthz` answers 503 at once and submissions are answered 503 (never a hang
//!   or a dropped connection); once it is back the app reconnects by itself and the
//!   retried submissions are stored exactly once. This needs control of the local server
//!   (`pg_ctlcluster`, as root) and prints a SKIP line without it (fails under CI). PostgreSQL is always
//!   started again, even when the test fails.
//!
//! The outage stops the whole server, so it lives in this test binary alone (cargo runs
//! test binaries one after another) and the tests here take turns.

mod common;

use common::reliability::*;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use decorum::db;
use reqwest::Client;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// The tests in this binary take turns: one of them stops the PostgreSQL server.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A fresh schema in the test server, and the URL that puts the app in it.
async fn fresh_schema(test: &str) -> Option<(DatabaseConnection, String, String)> {
    let admin = common::postgres_admin(test).await?;
    let schema = format!("dt_rel_{}", Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");
    let url = format!("{}?options[search_path]={schema}", common::postgres_url());
    Some((admin, schema, url))
}

async fn drop_schema(admin: &DatabaseConnection, schema: &str) {
    let _ = admin
        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_and_store_a_doubled_submission_once() {
    let _turn = TURN.lock().await;
    let Some((admin, schema, url)) = fresh_schema("two app instances").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = postgres_config(dir.path(), &url);
    // The schema is migrated and seeded first, then the instances start one after the other.
    let fixture = prepare(&config).await;
    let log = dir.path().join("server.log");
    let one = Server::start(&dir.path().join("one"), "127.0.0.1:0", Some(&url), &log)
        .unwrap_or_else(|e| panic!("{e}"));
    let two = Server::start(&dir.path().join("two"), "127.0.0.1:0", Some(&url), &log)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(one.port, two.port);

    // Signed in on instance one; the same cookie (cookies do not care about ports) on two.
    let tablet = Tablet::sign_in(&one.base, "supervisor.a@t.test", Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let page = tablet
        .client
        .get(format!("{}/inspections", two.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        200,
        "the session made on instance one is not known on instance two"
    );
    assert_eq!(
        common::csrf_in(&page.text().await.unwrap()),
        tablet.csrf,
        "instance two sees the same session (same CSRF token)"
    );
    // A submission to instance two with the session and token from instance one.
    let solo = Uuid::new_v4();
    match submit(&tablet, &two.base, solo, &fixture.form).await {
        Outcome::Ack { id, created } => assert!(id == solo && created),
        Outcome::Status(s, body) => panic!("instance two answered {s}: {body}"),
        Outcome::Transport(e) => panic!("instance two did not answer: {e}"),
    }

    // The same spot-check sent to both instances at the same moment, many times.
    let rounds = 25;
    let mut sent = vec![solo];
    let mut problems = Vec::new();
    let mut created_by = [0, 0];
    for _ in 0..rounds {
        let id = Uuid::new_v4();
        sent.push(id);
        let (a, b) = tokio::join!(
            submit(&tablet, &one.base, id, &fixture.form),
            submit(&tablet, &two.base, id, &fixture.form)
        );
        let mut created = 0;
        for (n, outcome) in [a, b].into_iter().enumerate() {
            match outcome {
                Outcome::Ack {
                    id: echoed,
                    created: c,
                } => {
                    if echoed != id {
                        problems.push(format!("{id}: instance {} acknowledged {echoed}", n + 1));
                    }
                    if c {
                        created += 1;
                        created_by[n] += 1;
                    }
                }
                Outcome::Status(status, body) => problems.push(format!(
                    "{id}: instance {} answered {status}: {body}",
                    n + 1
                )),
                Outcome::Transport(e) => {
                    problems.push(format!("{id}: instance {} did not answer: {e}", n + 1))
                }
            }
        }
        if created > 1 {
            problems.push(format!("{id}: both instances said they created it"));
        }
    }
    drop((one, two));

    let db = db::connect(&config).await.unwrap();
    let check = StoredCheck::read(&db, fixture.expected_responses).await;
    let verdict = check.verdict(&sent, &sent);
    db.close().await.ok();
    drop_schema(&admin, &schema).await;
    eprintln!(
        "reliability postgres: {rounds} doubled submissions; stored by instance one {}, by two {}",
        created_by[0], created_by[1]
    );
    assert!(
        problems.is_empty(),
        "{} of {rounds} doubled submissions went wrong:\n{:#?}\nserver log ends:\n{}",
        problems.len(),
        &problems[..problems.len().min(10)],
        tail(&log, 30)
    );
    verdict.assert_clean();
    assert_eq!(check.inspections.len(), sent.len());
    println!(
        "reliability postgres: 2 instances, {} acknowledged, {} stored, {} lost, {} duplicated",
        sent.len(),
        verdict.stored,
        verdict.lost.len(),
        verdict.duplicated.len()
    );
}

/// The local PostgreSQL cluster, when this process may stop and start it.
struct Cluster {
    version: String,
}

impl Cluster {
    /// `None` (and why) unless we are root, `pg_ctlcluster` exists, and the test server
    /// is the local cluster `main` on 127.0.0.1:5432.
    fn controllable() -> Result<Cluster, String> {
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| format!("cannot run `id -u`: {e}"))?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not running as root".into());
        }
        let url = url::Url::parse(&common::postgres_url()).map_err(|e| e.to_string())?;
        if !matches!(url.host_str(), Some("127.0.0.1" | "localhost"))
            || url.port().unwrap_or(5432) != 5432
        {
            return Err(format!(
                "the test server {} is not the local cluster on port 5432",
                url.host_str().unwrap_or("?")
            ));
        }
        let versions: Vec<String> = std::fs::read_dir("/etc/postgresql")
            .map_err(|e| format!("no /etc/postgresql: {e}"))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let [version] = versions.as_slice() else {
            return Err(format!(
                "expected one version in /etc/postgresql, found {versions:?}"
            ));
        };
        let clusters = Command::new("pg_lsclusters")
            .arg("--no-header")
            .output()
            .map_err(|e| format!("cannot run pg_lsclusters: {e}"))?;
        let listed = String::from_utf8_lossy(&clusters.stdout).into_owned();
        let online = listed.lines().any(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            f.len() >= 4 && f[0] == version && f[1] == "main" && f[2] == "5432" && f[3] == "online"
        });
        if !online {
            return Err(format!(
                "cluster {version}/main is not online on port 5432: {listed}"
            ));
        }
        Command::new("pg_ctlcluster")
            .arg("--help")
            .output()
            .map_err(|e| format!("cannot run pg_ctlcluster: {e}"))?;
        Ok(Cluster {
            version: version.clone(),
        })
    }

    fn ctl(&self, action: &str) -> Result<(), String> {
        let mut command = Command::new("pg_ctlcluster");
        command.args(["--skip-systemctl-redirect"]);
        if action == "stop" {
            command.args(["--mode", "fast"]);
        }
        let out = command
            .args([self.version.as_str(), "main", action])
            .output()
            .map_err(|e| format!("pg_ctlcluster {action}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "pg_ctlcluster {action} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

/// While it lives, PostgreSQL may be stopped; dropping it always starts it again.
struct OutageGuard {
    cluster: Arc<Cluster>,
}

impl Drop for OutageGuard {
    fn drop(&mut self) {
        // Starting a running cluster fails harmlessly; a stopped one must come back.
        let _ = self.cluster.ctl("start");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let ready = std::net::TcpStream::connect_timeout(
                &"127.0.0.1:5432".parse().unwrap(),
                Duration::from_millis(500),
            );
            if ready.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Phases of the outage test, as the tablets and the health probe see them.
const BEFORE: u8 = 0;
const STOPPING: u8 = 1;
const DOWN: u8 = 2;
const STARTING: u8 = 3;
const AFTER: u8 = 4;
const PHASES: [&str; 5] = ["before", "stopping", "down", "starting", "after"];

/// One request and its answer during the outage test.
#[derive(Debug, Clone)]
struct Seen {
    /// The phase when the request was sent.
    phase: u8,
    /// The phase when the answer (or the client's error) came.
    answered: u8,
    /// The status, or the client error.
    answer: Result<u16, String>,
    took: Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_the_app_reconnects() {
    let _turn = TURN.lock().await;
    let cluster = match Cluster::controllable() {
        Ok(c) => Arc::new(c),
        Err(why) => {
            common::skip_or_fail(
                "database outage on PostgreSQL",
                &format!("cannot stop and start the server ({why})"),
            );
            return;
        }
    };
    let Some((admin, schema, url)) = fresh_schema("database outage").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = postgres_config(dir.path(), &url);
    let fixture = prepare(&config).await;
    let log = dir.path().join("server.log");
    let server = Server::start(&config.data_dir, "127.0.0.1:0", Some(&url), &log)
        .unwrap_or_else(|e| panic!("{e}"));
    let base = server.base.clone();

    let phase = Arc::new(AtomicU8::new(BEFORE));
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let probes: Arc<Mutex<Vec<Seen>>> = Arc::default();

    // The health probe: a load balancer asking every 250 ms (each probe on its own, so
    // one that hangs does not hide the next), giving up after 5 s.
    let probe = {
        let (base, phase, stop, probes) =
            (base.clone(), phase.clone(), stop.clone(), probes.clone());
        tokio::spawn(async move {
            let client = Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let mut asked = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let (base, client, phase, probes) =
                    (base.clone(), client.clone(), phase.clone(), probes.clone());
                asked.push(tokio::spawn(async move {
                    let at = phase.load(Ordering::Relaxed);
                    let sent = Instant::now();
                    let answer = match client.get(format!("{base}/healthz")).send().await {
                        Ok(r) => Ok(r.status().as_u16()),
                        Err(e) if e.is_timeout() => Err("no answer within 5 s".to_string()),
                        Err(e) => Err(format!("{e:?}")),
                    };
                    probes.lock().unwrap().push(Seen {
                        phase: at,
                        answered: phase.load(Ordering::Relaxed),
                        answer,
                        took: sent.elapsed(),
                    });
                }));
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            for probe in asked {
                let _ = probe.await;
            }
        })
    };

    // Light load: three tablets, each retrying an unacknowledged submission (same UUID).
    let form = Arc::new(fixture.form.clone());
    let mut jobs = Vec::new();
    for _ in 0..3 {
        let tablet = Tablet::sign_in(&base, "supervisor.a@t.test", Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (base, form, phase, stop, seen) = (
            base.clone(),
            form.clone(),
            phase.clone(),
            stop.clone(),
            seen.clone(),
        );
        jobs.push(tokio::spawn(async move {
            let mut attempted = Vec::new();
            let mut acknowledged = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let id = Uuid::new_v4();
                attempted.push(id);
                let first = Instant::now();
                loop {
                    let at = phase.load(Ordering::Relaxed);
                    let sent = Instant::now();
                    let outcome = submit(&tablet, &base, id, &form).await;
                    let took = sent.elapsed();
                    let answer = match &outcome {
                        Outcome::Ack { .. } => Ok(200),
                        Outcome::Status(s, _) => Ok(*s),
                        Outcome::Transport(e) => Err(e.clone()),
                    };
                    seen.lock().unwrap().push(Seen {
                        phase: at,
                        answered: phase.load(Ordering::Relaxed),
                        answer,
                        took,
                    });
                    if let Outcome::Ack { .. } = outcome {
                        acknowledged.push(id);
                        break;
                    }
                    if first.elapsed() > Duration::from_secs(60) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (attempted, acknowledged)
        }));
    }

    // The outage: PostgreSQL stopped (fast mode: it ends its sessions), down for 2 s,
    // started again; about 5 s in all.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let guard = OutageGuard {
        cluster: cluster.clone(),
    };
    phase.store(STOPPING, Ordering::Relaxed);
    let stop_began = Instant::now();
    let stopped = {
        let cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.ctl("stop"))
            .await
            .unwrap()
    };
    let stop_took = stop_began.elapsed();
    if let Err(e) = stopped {
        drop(guard);
        panic!("{e}");
    }
    phase.store(DOWN, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    phase.store(STARTING, Ordering::Relaxed);
    let start_began = Instant::now();
    let started = {
        let cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.ctl("start"))
            .await
            .unwrap()
    };
    drop(guard); // waits until PostgreSQL accepts connections
    let start_took = start_began.elapsed();
    let outage = stop_began.elapsed();
    started.unwrap_or_else(|e| panic!("{e}"));
    phase.store(AFTER, Ordering::Relaxed);

    // The app must find its way back by itself: healthz 200 again, then the tablets'
    // retried submissions go through.
    let back = Instant::now();
    let checker = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut healthy_after = None;
    while back.elapsed() < Duration::from_secs(20) {
        if let Ok(r) = checker.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            healthy_after = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let mut attempted = Vec::new();
    let mut acknowledged = Vec::new();
    for job in jobs {
        let (a, k) = tokio::time::timeout(Duration::from_secs(90), job)
            .await
            .expect("a tablet never finished")
            .unwrap();
        attempted.extend(a);
        acknowledged.extend(k);
    }
    probe.await.unwrap();
    drop(server);

    let seen = seen.lock().unwrap().clone();
    let probes = probes.lock().unwrap().clone();
    let summary = |list: &[Seen]| -> String {
        let mut counts: BTreeMap<(u8, String), (usize, Duration)> = BTreeMap::new();
        for s in list {
            let answer = match &s.answer {
                Ok(status) => status.to_string(),
                Err(e) => format!("no answer ({})", e.chars().take(80).collect::<String>()),
            };
            let entry = counts.entry((s.phase, answer)).or_default();
            entry.0 += 1;
            entry.1 = entry.1.max(s.took);
        }
        counts
            .iter()
            .map(|((p, a), (n, max))| {
                format!(
                    "{}: {a} ×{n} (slowest {:.1} s)",
                    PHASES[*p as usize],
                    max.as_secs_f64()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    eprintln!(
        "reliability postgres outage: {:.1} s in all (stop took {:.1} s, start {:.1} s); healthz: {}",
        outage.as_secs_f64(),
        stop_took.as_secs_f64(),
        start_took.as_secs_f64(),
        summary(&probes)
    );
    eprintln!(
        "reliability postgres outage: submissions: {}",
        summary(&seen)
    );

    let db = db::connect(&config).await.unwrap();
    let check = StoredCheck::read(&db, fixture.expected_responses).await;
    let verdict = check.verdict(&attempted, &acknowledged);
    db.close().await.ok();
    drop_schema(&admin, &schema).await;

    let mut problems = Vec::new();
    // Health: every probe is answered within 5 s; those answered while the database was
    // down say 503, and there are some.
    let outage_phases = [STOPPING, DOWN, STARTING];
    for s in &probes {
        match &s.answer {
            Ok(503) if outage_phases.contains(&s.phase) => {}
            Ok(200) if s.answered != DOWN => {}
            answer => problems.push(format!(
                "/healthz sent while {} and answered while {}: {answer:?} after {:.1} s (want 503, within 5 s, while the database is down)",
                PHASES[s.phase as usize],
                PHASES[s.answered as usize],
                s.took.as_secs_f64()
            )),
        }
    }
    if !probes
        .iter()
        .any(|s| [STOPPING, DOWN].contains(&s.phase) && s.answered == DOWN && s.answer == Ok(503))
    {
        let hung: Vec<String> = probes
            .iter()
            .filter(|s| s.phase == DOWN)
            .map(|s| {
                format!(
                    "{:?} after {:.1} s (answered while {})",
                    s.answer,
                    s.took.as_secs_f64(),
                    PHASES[s.answered as usize]
                )
            })
            .collect();
        problems.push(format!(
            "no /healthz was answered 503 while the database was down; those sent then: {hung:?}"
        ));
    }
    // Submissions: answered 200 or, during the outage, 503; never a 500, never no answer.
    for s in &seen {
        match &s.answer {
            Ok(200) => {}
            Ok(503) if outage_phases.contains(&s.phase) => {}
            Ok(status) => problems.push(format!(
                "a submission sent while {} was answered {status} after {:.1} s",
                PHASES[s.phase as usize],
                s.took.as_secs_f64()
            )),
            Err(e) => problems.push(format!(
                "a submission sent while {} got no answer after {:.1} s: {e:.200}",
                PHASES[s.phase as usize],
                s.took.as_secs_f64()
            )),
        }
    }
    // A submission sent during the outage may wait for a connection up to the pool's
    // 3 s acquire time-out, then gets 503 — or 200, when PostgreSQL is back by then. It
    // never hangs: every one is answered within 5 s.
    for s in seen.iter().filter(|s| outage_phases.contains(&s.phase)) {
        if s.took > Duration::from_secs(5) {
            problems.push(format!(
                "a submission sent while {} took {:.1} s to be answered ({:?})",
                PHASES[s.phase as usize],
                s.took.as_secs_f64(),
                s.answer
            ));
        }
    }
    if healthy_after.is_none() {
        problems.push("/healthz did not answer 200 within 20 s after PostgreSQL came back".into());
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "during the outage:\n{:#?}\nserver log ends:\n{}",
        &problems[..problems.len().min(15)],
        tail(&log, 30)
    );
    assert_eq!(
        attempted.len(),
        acknowledged.len(),
        "every submission was acknowledged in the end"
    );
    verdict.assert_clean();
    assert_eq!(check.inspections.len(), acknowledged.len());
    println!(
        "reliability postgres outage: {:.1} s down, healthz back after {:.1} s, {} acknowledged, {} stored, {} lost, {} duplicated",
        outage.as_secs_f64(),
        healthy_after.unwrap_or_default().as_secs_f64(),
        acknowledged.len(),
        verdict.stored,
        verdict.lost.len(),
        verdict.duplicated.len()
    );
}
