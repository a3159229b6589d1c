//! The new paths of issue 20, each beside its limit in the same run:
//! 1. the outbox worker draining a burst of 1,000 events (each a training assigned to a
//!    different person: a mail and a webhook delivery, queued by the store's own outbox
//!    functions as a failed spot-check queues them) to a real SMTP server (aiosmtpd, as
//!    the tests start it) and to a receiver on loopback that only counts, beside each
//!    sink's own rate (lettre on one connection; reqwest on one connection);
//! 2. the checklist editor's lint as you type on the largest shipped checklist;
//! 3. the scheduled-mail job's minute tick over the whole group.
//!
//! The server is told where mail and webhooks go when it starts ([`server_env`]); the
//! SMTP server therefore starts before it ([`mail_sink`]).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use decorum::auth::Role;
use decorum::config::Config;
use decorum::domain::authoring::Editable;
use decorum::domain::notify::{DELIVERY_HEADER, EventName, MailKind};
use decorum::library_files;
use decorum::store::outbox::{self, Event};
use decorum::store::users::{NewUser, add_atomic};
use entity::outbox::{Channel, DeliveryStatus};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde_json::json;

use super::{PASSWORD, Row, World, percentile, sign_in_as};

// The tests' SMTP server, shared as it is (it calls `super::skip_or_fail` and
// `super::repo_path`, defined below); the bench needs only part of it.
#[allow(dead_code)]
#[path = "../../tests/common/smtp.rs"]
mod smtp;

/// The SMTP server and the directory it writes each message it accepts into.
pub struct MailSink {
    smtp: smtp::Smtp,
    dir: std::path::PathBuf,
}

/// As in the tests: under CI=true a missing service fails the run, so the rows cannot
/// quietly go missing; elsewhere the run says what it skips and why.
fn skip_or_fail(what: &str, why: &str) {
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!in_ci, "{what} cannot run under CI: {why}");
    eprintln!("SKIP {what}: {why}");
}

fn repo_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Events in the burst.
const BURST: usize = 1_000;

/// The SMTP server the server's mail goes to, writing what it accepts into `dir`; None
/// (said on stderr; a failure under CI=true) without python3-aiosmtpd.
pub fn mail_sink(dir: &std::path::Path) -> Option<MailSink> {
    let smtp = smtp::Smtp::start("bench outbox mail rows", dir)?;
    Some(MailSink {
        smtp,
        dir: dir.to_path_buf(),
    })
}

/// The settings the server starts with for the outbox rows: mail through `sink` (plain
/// SMTP on loopback) and webhooks allowed to loopback, where the bench's receiver is.
pub fn server_env(sink: Option<&MailSink>) -> Vec<(&'static str, String)> {
    let mut env = vec![("DECORUM_WEBHOOKS_ALLOW_PRIVATE", "true".to_string())];
    if let Some(sink) = sink {
        env.extend([
            ("DECORUM_SMTP_HOST", "127.0.0.1".to_string()),
            ("DECORUM_SMTP_PORT", sink.smtp.port.to_string()),
            ("DECORUM_SMTP_TLS", "none".to_string()),
            ("DECORUM_MAIL_FROM", "Decorum <decorum@b.test>".to_string()),
        ]);
    }
    env
}

/// The rows of the new paths.
pub async fn rows(
    db: &DatabaseConnection,
    config: &Config,
    world: &World,
    base: &str,
    sink: Option<&MailSink>,
    table: &mut Vec<Row>,
) {
    outbox_rows(db, world, sink, table).await;
    lint_rows(db, config, base, table).await;
    schedule_rows(db, config, table).await;
}

/// How many messages the SMTP server has written (it renames each into place whole).
fn mails_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

/// The webhook receiver: answers 204 to every POST and keeps the delivery ids it saw
/// (a delivery sent again counts once).
async fn receiver() -> (String, Arc<Mutex<HashSet<String>>>) {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    type Seen = Arc<Mutex<HashSet<String>>>;
    async fn count(
        State(seen): State<Seen>,
        headers: HeaderMap,
        _body: axum::body::Bytes,
    ) -> StatusCode {
        let id = headers
            .get(DELIVERY_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        seen.lock().unwrap().insert(id);
        StatusCode::NO_CONTENT
    }
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(count))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

/// A mail like the worker's (plain text, one recipient), to `to`.
fn bench_mail(to: &str) -> lettre::Message {
    lettre::Message::builder()
        .from("Decorum <decorum@b.test>".parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Training assigned: 大堂接待 Lobby reception")
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(
            "You have been assigned the training module 大堂接待 Lobby reception, due \
             2026-12-14.\nOpen it from your training page.\n\n-- \nDecorum\n"
                .to_string(),
        )
        .unwrap()
}

/// The SMTP server's own rate: `n` mails sent by lettre straight to it, one after
/// another on one connection with Nagle's algorithm off (lettre writes a message's end
/// marker apart from its body, which Nagle holds back until the server's delayed
/// acknowledgement, some 40 ms a mail). Per second.
async fn smtp_own_rate(port: u16, n: usize) -> f64 {
    use lettre::transport::smtp::client::AsyncSmtpConnection;
    use lettre::transport::smtp::extension::ClientId;
    let messages: Vec<lettre::Message> = (0..n)
        .map(|i| bench_mail(&format!("limit{i}@b.test")))
        .collect();
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("the bench's SMTP server");
    stream.set_nodelay(true).unwrap();
    let mut connection = AsyncSmtpConnection::connect_with_transport(
        Box::new(stream),
        &ClientId::Domain("bench".into()),
    )
    .await
    .expect("the bench's SMTP server");
    let start = Instant::now();
    for m in &messages {
        connection
            .send(m.envelope(), &m.formatted())
            .await
            .expect("a mail to the bench's SMTP server");
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let _ = connection.quit().await;
    rate
}

/// For the report: `n` mails sent one after another through lettre's pooled transport
/// as `notify` uses it (one connection kept open, Nagle on; the worker keeps several
/// such in flight). Per second.
async fn smtp_rate_as_the_worker(port: u16, n: usize) -> f64 {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .build();
    let start = Instant::now();
    for i in 0..n {
        smtp.send(bench_mail(&format!("worker{i}@b.test")))
            .await
            .expect("a mail to the bench's SMTP server");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// The receiver's own rate: `n` POSTs of a delivery-sized body by reqwest straight to
/// it, one after another on one connection. Per second.
async fn receiver_own_rate(url: &str, n: usize) -> f64 {
    let client = reqwest::Client::new();
    let body = json!({
        "id": uuid::Uuid::nil(),
        "event": "training.assigned",
        "created_at": Utc::now(),
        "data": {"user_id": 1, "module": "lobby-reception", "due_date": "2026-12-14",
                 "reason": "failure", "inspection_id": null, "critical": false},
    })
    .to_string();
    let start = Instant::now();
    for i in 0..n {
        let r = client
            .post(url)
            .header("content-type", "application/json")
            .header(DELIVERY_HEADER, format!("limit-{i}"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "the receiver answered {}",
            r.status()
        );
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Pending deliveries on `channels` due now (what the worker would claim next tick).
async fn due_now(db: &DatabaseConnection, channels: &[Channel]) -> u64 {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Status.eq(DeliveryStatus::Pending))
        .filter(entity::outbox::Column::Channel.is_in(channels.iter().copied()))
        .filter(entity::outbox::Column::NextAttemptAt.lte(Utc::now()))
        .count(db)
        .await
        .unwrap()
}

/// The burst: for each of `people`, a training assigned, queued as a failed spot-check
/// queues it (the mail to the person when `mail`, and the event for the webhooks), all
/// in one transaction. Returns the id the burst's rows come after.
async fn queue_burst(db: &DatabaseConnection, people: &[i32], mail: bool) -> i32 {
    let before = entity::outbox::Entity::find()
        .select_only()
        .column_as(entity::outbox::Column::Id.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await
        .unwrap()
        .flatten()
        .unwrap_or(0);
    let module = entity::training_module::Entity::find()
        .order_by_asc(entity::training_module::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("a training module")
        .key;
    let due = Utc::now().date_naive() + chrono::Days::new(14);
    let txn = db.begin().await.unwrap();
    for &person in people {
        let data = json!({
            "user_id": person,
            "module": module,
            "due_date": due,
            "reason": "failure",
            "inspection_id": null,
            "critical": false,
        });
        if mail {
            outbox::enqueue_mail(&txn, MailKind::TrainingAssigned, &[person], &data)
                .await
                .unwrap();
        }
        outbox::enqueue(&txn, &[Event::new(EventName::TrainingAssigned, data)])
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    before
}

/// Mail and webhook drain rates under the burst, beside the sinks' own rates.
async fn outbox_rows(
    db: &DatabaseConnection,
    world: &World,
    sink: Option<&MailSink>,
    table: &mut Vec<Row>,
) {
    let admin = user_id(db, "bench.supervisor@b.test").await;
    // Endpoints an earlier run on a kept data set registered point at receivers that
    // are gone: switched off, so only this run's gets the burst.
    for e in outbox::endpoints(db).await.unwrap() {
        if e.active {
            outbox::set_endpoint_active(db, admin, e.id, false)
                .await
                .unwrap();
        }
    }
    let (url, seen) = receiver().await;
    let hook_limit = receiver_own_rate(&url, BURST).await;
    let mail_limit = match sink {
        Some(s) => {
            let worker_like = smtp_rate_as_the_worker(s.smtp.port, 100).await;
            let limit = smtp_own_rate(s.smtp.port, BURST).await;
            eprintln!(
                "  SMTP server: {limit:.0} mails/s on one connection without Nagle; \
                 {worker_like:.0}/s one at a time through lettre's pool (Nagle on)"
            );
            Some(limit)
        }
        None => None,
    };
    let endpoint = outbox::add_endpoint(
        db,
        admin,
        &url,
        "bench-secret",
        &[EventName::TrainingAssigned],
    )
    .await
    .unwrap();
    // What the server queued before (training mails of the submissions, scheduled
    // mail) is sent first, so the burst is timed alone.
    // The channels the server's worker delivers (mail only with SMTP settings).
    let channels: &[Channel] = if sink.is_some() {
        &[Channel::Mail, Channel::Webhook]
    } else {
        &[Channel::Webhook]
    };
    let waited = Instant::now();
    while due_now(db, channels).await > 0 && waited.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mail_dir = sink.map(|s| s.dir.clone());
    let mails_before = mail_dir.as_deref().map_or(0, mails_in);
    if sink.is_some() {
        eprintln!(
            "  the server sent {} mails before the burst (training the submissions assigned, scheduled mail)",
            mails_before.saturating_sub(BURST + 100)
        );
    }
    let hooks_before = seen.lock().unwrap().len();
    let people: Vec<i32> = world.staff.iter().take(BURST).map(|s| s.0).collect();
    let after = queue_burst(db, &people, sink.is_some()).await;
    let start = Instant::now();
    let (mut mail_done, mut hook_done) = (None, None);
    let (mut mail_first, mut hook_first) = (None, None);
    loop {
        let t = start.elapsed().as_secs_f64();
        if let Some(dir) = &mail_dir {
            let n = mails_in(dir) - mails_before;
            if n > 0 && mail_first.is_none() {
                mail_first = Some(t);
            }
            if n >= BURST && mail_done.is_none() {
                mail_done = Some(t);
            }
        }
        let n = seen.lock().unwrap().len() - hooks_before;
        if n > 0 && hook_first.is_none() {
            hook_first = Some(t);
        }
        if n >= BURST && hook_done.is_none() {
            hook_done = Some(t);
        }
        if hook_done.is_some() && (mail_done.is_some() || mail_dir.is_none()) {
            break;
        }
        assert!(
            t < 600.0,
            "the outbox did not drain the burst in 10 minutes (mails {:?}, webhooks {n})",
            mail_dir.as_deref().map(|d| mails_in(d) - mails_before)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The worker's own record agrees: every row of the burst delivered (it settles a
    // row just after the sink answered).
    let burst_rows = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Id.gt(after))
        .filter(entity::outbox::Column::Channel.is_in(channels.iter().copied()));
    let waited = Instant::now();
    loop {
        let undelivered = burst_rows
            .clone()
            .filter(entity::outbox::Column::Status.ne(DeliveryStatus::Delivered))
            .all(db)
            .await
            .unwrap();
        if undelivered.is_empty() {
            break;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "{} rows of the burst not delivered, e.g. {:?}",
            undelivered.len(),
            undelivered[0]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outbox::set_endpoint_active(db, admin, endpoint.id, false)
        .await
        .unwrap();
    eprintln!(
        "  outbox burst: mails first/all after {mail_first:?}/{mail_done:?} s, webhooks {hook_first:?}/{hook_done:?} s"
    );
    // Two figures per channel: the whole burst from the commit (which includes the
    // worker's wait for its next tick, up to `outbox_tick`), and the drain once the first
    // delivery arrived (the rate the worker sends at).
    let mut push = |what: &str, first: Option<f64>, done: f64, limit: f64, sink: &str| {
        let first = first.unwrap_or(0.0);
        table.push(Row {
            measure: format!(
                "outbox: {what} of a burst of {BURST} events, from the commit (first after {first:.1} s)"
            ),
            value: BURST as f64 / done,
            unit: "/s".into(),
            limit: Some(limit),
            target: format!("≥ 50 % of {sink}"),
        });
        table.push(Row {
            measure: format!("outbox: {what} of the burst, from the first delivery to the last"),
            value: (BURST - 1) as f64 / (done - first).max(0.05),
            unit: "/s".into(),
            limit: Some(limit),
            target: format!("≥ 50 % of {sink}"),
        });
    };
    if let (Some(done), Some(limit)) = (mail_done, mail_limit) {
        push(
            "mails",
            mail_first,
            done,
            limit,
            "the SMTP server's own rate",
        );
    }
    let done = hook_done.expect("drained");
    push(
        "webhooks",
        hook_first,
        done,
        hook_limit,
        "the receiver's own rate",
    );
}

/// The editor's lint as you type on the largest shipped checklist, as a quality user:
/// the page's script posts the whole text on each pause in typing; here each post adds a
/// line, as typing does, and must lint clean.
async fn lint_rows(db: &DatabaseConnection, config: &Config, base: &str, table: &mut Vec<Row>) {
    let email = "bench.quality@b.test";
    add_account(db, email, Role::Quality, Vec::new()).await;
    // The account only writes the standard: no mail (the monthly report the scheduled
    // job would send the quality department renders a PDF during later rows).
    outbox::save_preference(
        db,
        entity::mail_preference::Model {
            user_id: user_id(db, email).await,
            lang: None,
            training: false,
            alerts: false,
            reports: false,
            action_raised: false,
            training_overdue: false,
            actions_overdue: false,
            weekly_plan: false,
            weekly_digest: false,
            monthly_report: false,
        },
    )
    .await
    .unwrap();
    let dir = &config.checklists_dir;
    let library = library_files::load(dir).expect("library");
    let checklist = library
        .checklists
        .iter()
        .max_by_key(|c| c.items().count())
        .expect("a checklist");
    let (key, items) = (checklist.key.clone(), checklist.items().count());
    let files = library_files::sources(dir);
    // The text the editor opens: the library's file (the bench publishes nothing).
    let text = library_files::file_for(&files, dir, Editable::Checklist, &key).text;
    let (client, csrf) = sign_in_as(base, email).await;
    let url = format!("{base}/authoring/checklists/{key}/lint");
    let mut times = Vec::new();
    for n in 0..55 {
        let source = format!("{text}\n# {n}\n");
        let start = Instant::now();
        let r = client
            .post(&url)
            .header("accept", "application/json")
            .form(&[("_csrf", csrf.as_str()), ("source", &source)])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        let linted: serde_json::Value = r.json().await.unwrap();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(linted["clean"], true, "{key} lints clean: {linted}");
        // The first five warm up.
        if n >= 5 {
            times.push(ms);
        }
    }
    let measure = format!("editor lint as you type ({key}, {items} items)");
    percentile_rows(
        table,
        &measure,
        times,
        [("p50", 0.5), ("p95", 0.95)],
        "≤ 50 ms",
    );
}

/// The scheduled-mail job's minute tick (`store::schedule::run`, which the outbox
/// worker calls every minute), on the bench's connection, at 23:59 today in the
/// group's zone: every daily job is due for everyone then (from 07:00 to midnight),
/// the worst time of day. A tick queues what is due and not yet sent (mostly nothing:
/// the server's own ticks got there first) and finds the others with nothing to send,
/// as every minute does.
async fn schedule_rows(db: &DatabaseConnection, config: &Config, table: &mut Vec<Row>) {
    let zone = config.time_zone;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let at = today
        .and_hms_opt(23, 59, 0)
        .unwrap()
        .and_local_timezone(zone)
        .earliest()
        .expect("23:59 exists")
        .with_timezone(&Utc);
    let people = entity::user::Entity::find()
        .filter(entity::user::Column::Active.eq(true))
        .count(db)
        .await
        .unwrap();
    let (mut times, mut queued) = (Vec::new(), 0);
    for _ in 0..6 {
        let start = Instant::now();
        queued += decorum::store::schedule::run(db, at, zone).await.unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    eprintln!("  scheduled-mail ticks at {at}: {times:.0?} ms, {queued} mails queued");
    percentile_rows(
        table,
        &format!("scheduled-mail minute tick, {people} people"),
        times,
        [("p50", 0.5), ("max", 1.0)],
        "≤ 100 ms (the worker delivers nothing meanwhile)",
    );
}

/// A row in milliseconds for each of `points` (name, percentile) of `times`.
fn percentile_rows(
    table: &mut Vec<Row>,
    measure: &str,
    mut times: Vec<f64>,
    points: [(&str, f64); 2],
    target: &str,
) {
    times.sort_by(f64::total_cmp);
    for (name, p) in points {
        table.push(Row {
            measure: format!("{measure}, {name}"),
            value: percentile(&times, p),
            unit: "ms".into(),
            limit: None,
            target: target.into(),
        });
    }
}

/// An account that signs in with the bench's password, added on first use (so a kept
/// data set gets it too).
pub(super) async fn add_account(
    db: &DatabaseConnection,
    email: &str,
    role: Role,
    sites: Vec<String>,
) {
    let _ = add_atomic(
        db,
        NewUser {
            name: email.into(),
            email: email.into(),
            role,
            password: Some(PASSWORD.into()),
            position: None,
            gender: None,
            hire_date: None,
            sites,
        },
        None,
    )
    .await;
}

/// The id of the account with `email`.
async fn user_id(db: &DatabaseConnection, email: &str) -> i32 {
    entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the bench's account {email}"))
        .id
}
