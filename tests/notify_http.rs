//! Notifications end to end, on SQLite and PostgreSQL, against real components the test
//! starts: an SMTP server (Debian's python3-aiosmtpd, tests/smtp_sink.py) whose received
//! messages are read back, and a local HTTP receiver that checks each webhook's
//! HMAC-SHA256 signature and can fail, time out and come back.
//!
//! What is checked: the recipients, the subject and body language, a valid PDF attached
//! to an emailed report, nothing sent twice and nothing lost across an outage of the
//! SMTP server and a restart of the worker, a burst coalesced into one mail per person,
//! webhook retries with the same delivery id, the delivery log with "send again", the
//! refusal of loopback, private and link-local targets when they are not allowed, and a
//! write waking the webhook loop instead of waiting for its tick.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::smtp::Smtp;
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::app::AppState;
use decorum::config::{MailConfig, SmtpTls};
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use decorum::store::library::current_checklists;
use entity::outbox::{self, Channel, DeliveryStatus};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use sha2::Sha256;

const SECRET: &str = "test-secret-0123456789";

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Ok,
    Fail,
    Slow,
}

#[derive(Debug, Clone)]
struct Got {
    delivery: String,
    event: String,
    signed: bool,
    body: Value,
}

#[derive(Default)]
struct Received {
    mode: Option<Mode>,
    got: Vec<Got>,
}

type Receiver = Arc<Mutex<Received>>;

/// Check the signature as a receiver would, with its own HMAC, not Decorum's code.
fn verify(headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(header) = headers
        .get("x-decorum-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", x)) => t = Some(x.to_string()),
            Some(("v1", x)) => v1 = Some(x.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let fresh = t
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 300);
    fresh && hex::encode(mac.finalize().into_bytes()) == v1
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mode = {
        let mut r = r.lock().unwrap();
        r.got.push(Got {
            delivery: headers
                .get("x-decorum-delivery")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            event: headers
                .get("x-decorum-event")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            signed: verify(&headers, &body),
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        });
        r.mode.unwrap_or(Mode::Ok)
    };
    match mode {
        Mode::Ok => StatusCode::OK,
        Mode::Fail => StatusCode::INTERNAL_SERVER_ERROR,
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            StatusCode::OK
        }
    }
}

async fn start_receiver() -> (String, Receiver) {
    let state: Receiver = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

fn configure(smtp_port: u16, allow_private: bool) -> impl FnOnce(&mut decorum::config::Config) {
    move |c| {
        c.mail = Some(MailConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Decorum <decorum@t.test>".into(),
        });
        c.webhooks_allow_private = allow_private;
        c.outbox_tick = Duration::from_millis(150);
        c.outbox_retry_base = Duration::from_millis(200);
        c.webhook_timeout = Duration::from_secs(1);
        // A worker stopped mid-tick leaves its rows leased this long.
        c.outbox_lease = Duration::from_secs(4);
    }
}

fn worker(app: &TestApp) -> tokio::task::JoinHandle<()> {
    decorum::notify::start(
        AppState::new(app.test_db.db.clone(), app.test_db.config.clone()).expect("the app's state"),
    )
}

/// Wait until `check` holds (at most 30 s).
async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn rows(app: &TestApp, channel: Channel) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Channel.eq(channel))
        .all(&app.test_db.db)
        .await
        .unwrap()
}

/// Submit a spot-check of staff A at site A by supervisor A, failing the critical item
/// `back-to-post`; returns its id.
async fn submit_critical(app: &TestApp, w: &World, client: &reqwest::Client, csrf: &str) -> String {
    let lobby = current_checklists(&app.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    let subject = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let mut answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
    answers.insert("back-to-post".into(), Answer::Fail);
    let id = uuid::Uuid::new_v4();
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), lobby.version_id.to_string()),
        ("site".into(), w.site_a.to_string()),
        ("subject".into(), w.staff_a.to_string()),
        (
            "shift_date".into(),
            chrono::Utc::now().date_naive().to_string(),
        ),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, &Default::default(), &Context::new()));
    let r = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    id.to_string()
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The inspection links the critical-failure alerts a mailbox received point at.
fn alerted(messages: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = messages
        .iter()
        .flat_map(|m| {
            m["text"]
                .as_str()
                .unwrap()
                .split("/inspections/")
                .skip(1)
                .map(|rest| rest.chars().take(36).collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn mail_and_webhooks_arrive_once_through_outages_and_restarts() {
    for backend in BACKENDS {
        let test = format!("notify_http::mail_and_webhooks ({backend:?})");
        let dir = tempfile::tempdir().unwrap();
        let Some(mut smtp) = Smtp::start(&test, dir.path()) else {
            return;
        };
        let (hook_url, received) = start_receiver().await;
        let Some(app) =
            TestApp::spawn_with(backend, "notify_mail", configure(smtp.port, true)).await
        else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let mut work = worker(&app);

        // An admin registers the endpoint; a bad address is refused with a message.
        let (admin, admin_csrf) = app.sign_in("admin@t.test").await;
        let (status, page) = post(
            &admin,
            app.url("/admin/webhooks"),
            &[
                ("_csrf", &admin_csrf),
                ("url", "file:///etc/passwd"),
                ("secret", SECRET),
                ("event:inspection.submitted", "on"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{page}");
        assert!(page.contains("https://"), "{page}");
        let (status, _) = post(
            &admin,
            app.url("/admin/webhooks"),
            &[
                ("_csrf", &admin_csrf),
                ("url", &hook_url),
                ("secret", SECRET),
                ("event:inspection.submitted", "on"),
                ("event:inspection.critical_failure", "on"),
                ("event:training.assigned", "on"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        // Only admins register endpoints.
        let (manager, manager_csrf) = app.sign_in("manager.a@t.test").await;
        let (status, _) = post(
            &manager,
            app.url("/admin/webhooks"),
            &[
                ("_csrf", &manager_csrf),
                ("url", &hook_url),
                ("secret", SECRET),
                ("event:inspection.submitted", "on"),
            ],
        )
        .await;
        assert_eq!(status, 403);

        // The manager wants alerts and reports in English, and no training mail.
        let page = common::page_text(&manager, &app.url("/settings/mail")).await;
        assert!(page.contains("mail:mail.critical_alert"), "{page}");
        let (status, _) = post(
            &manager,
            app.url("/settings/mail"),
            &[
                ("_csrf", &manager_csrf),
                ("lang", "en"),
                ("mail:mail.critical_alert", "on"),
                ("mail:mail.report", "on"),
            ],
        )
        .await;
        assert_eq!(status, 303);

        // 1. A critical failure: the site's manager is alerted (in English), the
        //    webhooks are called, signed, each with a delivery id.
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let first = submit_critical(&app, &w, &sup, &sup_csrf).await;
        until("the alert mail", async || {
            smtp.to("manager.a@t.test").len() == 1
        })
        .await;
        let alert = &smtp.to("manager.a@t.test")[0];
        assert!(
            alert["subject"]
                .as_str()
                .unwrap()
                .starts_with("Critical failure at"),
            "{alert}"
        );
        assert!(alert["text"].as_str().unwrap().contains(&first), "{alert}");
        assert!(alert["text"].as_str().unwrap().contains("back-to-post"));
        assert!(
            smtp.messages()
                .iter()
                .filter(|m| m["to"] == serde_json::json!(["supervisor.b@t.test"]))
                .all(|m| !m["text"].as_str().unwrap().contains(&first)),
            "no alert outside the site (the week's plan is theirs)"
        );
        until("the webhooks", async || {
            let r = received.lock().unwrap();
            r.got
                .iter()
                .any(|g| g.event == "inspection.critical_failure")
                && r.got.iter().any(|g| g.event == "inspection.submitted")
        })
        .await;
        {
            let r = received.lock().unwrap();
            assert!(r.got.iter().all(|g| g.signed), "{:?}", r.got);
            let submitted = r
                .got
                .iter()
                .find(|g| g.event == "inspection.submitted")
                .unwrap();
            assert_eq!(submitted.body["data"]["inspection_id"], first.as_str());
            assert_eq!(submitted.body["id"], submitted.delivery.as_str());
            assert_eq!(submitted.body["data"]["critical_failure"], true);
        }

        // 2. A training assignment by hand: the staff member's mail is in 繁體中文 (their
        //    interface language); the manager, who turned training mail off, gets none.
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
        let staff_a = w.staff_a.to_string();
        let (status, page) = post(
            &manager,
            app.url("/training/assign"),
            &[
                ("_csrf", &manager_csrf),
                ("module", "visit-planning"),
                ("target", "person"),
                ("person", &staff_a),
                ("due", &due),
            ],
        )
        .await;
        assert!(status == 303 || status == 200, "{status} {page}");
        until("the training mail", async || {
            !smtp.to("staff.a@t.test").is_empty()
        })
        .await;
        let training = &smtp.to("staff.a@t.test")[0];
        assert!(
            training["subject"].as_str().unwrap().starts_with("新培訓"),
            "{training}"
        );
        assert!(
            training["text"].as_str().unwrap().contains(&due),
            "{training}"
        );
        until("the training webhook", async || {
            received
                .lock()
                .unwrap()
                .got
                .iter()
                .any(|g| g.event == "training.assigned")
        })
        .await;

        // 3. The SMTP server goes down and the app restarts while mail waits: nothing
        //    is lost and nothing is sent twice once the server is back.
        smtp.down();
        let second = submit_critical(&app, &w, &sup, &sup_csrf).await;
        until("a failed try", async || {
            rows(&app, Channel::Mail)
                .await
                .iter()
                .any(|r| r.status == DeliveryStatus::Pending && r.last_error.is_some())
        })
        .await;
        work.abort();
        let third = submit_critical(&app, &w, &sup, &sup_csrf).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        work = worker(&app);
        tokio::time::sleep(Duration::from_millis(500)).await;
        smtp.up().unwrap();
        until("the alerts after the outage", async || {
            alerted(&smtp.to("manager.a@t.test")).len() >= 3
        })
        .await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let mut expected = vec![first.clone(), second.clone(), third.clone()];
        expected.sort();
        assert_eq!(
            alerted(&smtp.to("manager.a@t.test")),
            expected,
            "each alert exactly once"
        );

        // 4. A burst while the worker is stopped becomes one mail per person; an
        //    emailed report carries its PDF, in the recipient's language.
        work.abort();
        let fourth = submit_critical(&app, &w, &sup, &sup_csrf).await;
        let fifth = submit_critical(&app, &w, &sup, &sup_csrf).await;
        let form = common::page_text(&sup, &app.url(&format!("/inspections/{first}/email"))).await;
        let manager_box = format!("to:{}", w.manager_a);
        assert!(form.contains(&manager_box), "{form}");
        assert!(
            !form.contains(&format!("to:{}\"", w.staff_a2)),
            "someone who may not open the result is not offered"
        );
        let other = format!("to:{}", w.staff_a2);
        let (status, _) = post(
            &sup,
            app.url(&format!("/inspections/{first}/email")),
            &[("_csrf", &sup_csrf), (&other, "on")],
        )
        .await;
        assert_eq!(status, 403, "a recipient who may not see it is refused");
        let (status, page) = post(
            &sup,
            app.url(&format!("/inspections/{first}/email")),
            &[
                ("_csrf", &sup_csrf),
                (&manager_box, "on"),
                ("note", "請跟進"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let before = smtp.to("manager.a@t.test").len();
        work = worker(&app);
        until("the digest", async || {
            smtp.to("manager.a@t.test").len() > before
        })
        .await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let mails = smtp.to("manager.a@t.test");
        assert_eq!(
            mails.len(),
            before + 1,
            "one digest, not one mail per event"
        );
        let digest = mails
            .iter()
            .find(|m| {
                m["subject"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("Decorum: 3 notifications: "))
            })
            .unwrap_or_else(|| panic!("{mails:?}"));
        let text = digest["text"].as_str().unwrap();
        assert!(text.contains(&fourth) && text.contains(&fifth), "{text}");
        assert!(text.contains("請跟進"), "{text}");
        let attachments = digest["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0]["type"], "application/pdf");
        let pdf = std::fs::read(attachments[0]["path"].as_str().unwrap()).unwrap();
        let doc = lopdf::Document::load_mem(&pdf).expect("a valid PDF");
        assert!(!doc.get_pages().is_empty());

        // 5. The receiver fails, then times out, then comes back: the same delivery
        //    id arrives until it is taken, and the log says so.
        received.lock().unwrap().mode = Some(Mode::Fail);
        let sixth = submit_critical(&app, &w, &sup, &sup_csrf).await;
        let tries = async || {
            received
                .lock()
                .unwrap()
                .got
                .iter()
                .filter(|g| {
                    g.body["data"]["inspection_id"] == sixth.as_str()
                        && g.event == "inspection.submitted"
                })
                .count()
        };
        until("a failed webhook", async || tries().await >= 2).await;
        let failed = rows(&app, Channel::Webhook)
            .await
            .into_iter()
            .find(|r| r.payload.contains(&sixth) && r.event == "inspection.submitted")
            .unwrap();
        assert_eq!(failed.response_code, Some(500));
        received.lock().unwrap().mode = Some(Mode::Slow);
        until("a timed-out webhook", async || {
            rows(&app, Channel::Webhook)
                .await
                .iter()
                .any(|r| r.id == failed.id && r.last_error.as_deref() == Some("timed out"))
        })
        .await;
        received.lock().unwrap().mode = Some(Mode::Ok);
        until("the webhook delivered", async || {
            rows(&app, Channel::Webhook)
                .await
                .iter()
                .any(|r| r.id == failed.id && r.status == DeliveryStatus::Delivered)
        })
        .await;
        {
            let r = received.lock().unwrap();
            let ids: Vec<&str> = r
                .got
                .iter()
                .filter(|g| {
                    g.body["data"]["inspection_id"] == sixth.as_str()
                        && g.event == "inspection.submitted"
                })
                .map(|g| g.delivery.as_str())
                .collect();
            assert!(ids.len() >= 3, "{ids:?}");
            assert!(
                ids.iter().all(|id| *id == failed.delivery_id),
                "one delivery id throughout"
            );
        }
        let log = common::page_text(&admin, &app.url("/admin/webhooks")).await;
        assert!(
            log.contains(&format!(
                "data-delivery=\"{}\" data-status=\"delivered\"",
                failed.delivery_id
            )),
            "{log}"
        );
        // "Send again" delivers the same id once more.
        let before = tries().await;
        let (status, _) = post(
            &admin,
            app.url(&format!("/admin/deliveries/{}/again", failed.id)),
            &[("_csrf", &admin_csrf)],
        )
        .await;
        assert_eq!(status, 303);
        until("the delivery sent again", async || {
            tries().await == before + 1
        })
        .await;
        // Staff cannot read the log.
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        let r = staff.get(app.url("/admin/webhooks")).send().await.unwrap();
        assert_eq!(r.status(), 403);

        // Nothing was given up on, and nothing is left waiting.
        until("everything delivered", async || {
            let mut all = rows(&app, Channel::Mail).await;
            all.extend(rows(&app, Channel::Webhook).await);
            all.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        work.abort();
    }
}

#[tokio::test]
async fn webhooks_to_inner_addresses_are_refused_unless_allowed() {
    for backend in BACKENDS {
        let test = format!("notify_http::ssrf ({backend:?})");
        let dir = tempfile::tempdir().unwrap();
        let Some(smtp) = Smtp::start(&test, dir.path()) else {
            return;
        };
        let (hook_url, received) = start_receiver().await;
        let Some(app) =
            TestApp::spawn_with(backend, "notify_ssrf", configure(smtp.port, false)).await
        else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let work = worker(&app);
        let (admin, csrf) = app.sign_in("admin@t.test").await;
        let targets = [
            hook_url.clone(),
            "http://10.1.2.3/hook".to_string(),
            "http://169.254.169.254/latest/meta-data".to_string(),
            "http://localhost:9/hook".to_string(),
        ];
        for url in &targets {
            let (status, _) = post(
                &admin,
                app.url("/admin/webhooks"),
                &[
                    ("_csrf", &csrf),
                    ("url", url),
                    ("secret", SECRET),
                    ("event:inspection.submitted", "on"),
                ],
            )
            .await;
            assert_eq!(status, 303);
        }
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        submit_critical(&app, &w, &sup, &sup_csrf).await;
        until("the refusals", async || {
            let all = rows(&app, Channel::Webhook).await;
            all.len() == targets.len() && all.iter().all(|r| r.status == DeliveryStatus::Failed)
        })
        .await;
        for row in rows(&app, Channel::Webhook).await {
            let error = row.last_error.unwrap();
            assert!(error.starts_with("refused"), "{error}");
            assert_eq!(row.attempts, 1, "a refusal is not retried");
        }
        assert!(
            received.lock().unwrap().got.is_empty(),
            "nothing reached the receiver"
        );
        let log = common::page_text(&admin, &app.url("/admin/webhooks")).await;
        assert!(log.contains("169.254.169.254 (link-local)"), "{log}");
        assert!(log.contains("10.1.2.3 (private)"), "{log}");
        assert!(log.contains("data-status=\"failed\""), "{log}");
        work.abort();
    }
}

/// Staff at site A with these addresses (no password: they only receive mail); their ids.
async fn add_staff(app: &TestApp, emails: &[String]) -> Vec<i32> {
    use decorum::store::users::{NewUser, add_atomic};
    let mut ids = Vec::new();
    for email in emails {
        let person = NewUser {
            email: email.clone(),
            name: email.split('@').next().unwrap_or_default().into(),
            role: decorum::auth::Role::Staff,
            password: None,
            position: Some("lobby-concierge".into()),
            gender: None,
            hire_date: None,
            sites: vec!["A".into()],
        };
        ids.push(add_atomic(&app.test_db.db, person, None).await.unwrap().id);
    }
    ids
}

/// Queue a training assigned to each of `people`, as a failed spot-check queues it (a
/// mail to the person and the event for the webhooks), in one transaction. Returns the
/// due date the mails carry and the id the rows come after.
async fn queue_trainings(app: &TestApp, people: &[i32]) -> (String, i32) {
    use decorum::domain::notify::{EventName, MailKind};
    use decorum::store::outbox::{Event, enqueue, enqueue_mail};
    use sea_orm::TransactionTrait;
    let db = &app.test_db.db;
    let after = outbox::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .max()
        .unwrap_or(0);
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
    let txn = db.begin().await.unwrap();
    for &person in people {
        let data = serde_json::json!({
            "user_id": person, "module": "visit-planning", "due_date": due,
            "reason": "failure", "inspection_id": null, "critical": false,
        });
        enqueue_mail(&txn, MailKind::TrainingAssigned, &[person], &data)
            .await
            .unwrap();
        enqueue(&txn, &[Event::new(EventName::TrainingAssigned, data)])
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    (due, after)
}

/// The trainings' outbox rows queued after `after` (not the scheduled mail the worker
/// queues meanwhile).
async fn rows_after(app: &TestApp, after: i32) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Id.gt(after))
        .filter(outbox::Column::Event.is_in(["training.assigned", "mail.training_assigned"]))
        .all(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_burst_is_delivered_whole_and_failures_settle_alone() {
    use decorum::domain::notify::EventName;
    for backend in BACKENDS {
        let test = format!("notify_http::burst ({backend:?})");
        let dir = tempfile::tempdir().unwrap();
        let Some(smtp) = Smtp::start(&test, dir.path()) else {
            return;
        };
        let (hook_url, received) = start_receiver().await;
        let Some(app) =
            TestApp::spawn_with(backend, "notify_burst", configure(smtp.port, true)).await
        else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        let emails: Vec<String> = (0..60).map(|i| format!("burst{i}@t.test")).collect();
        let people = add_staff(&app, &emails).await;
        decorum::store::outbox::add_endpoint(
            db,
            w.admin,
            &hook_url,
            SECRET,
            &[EventName::TrainingAssigned],
        )
        .await
        .unwrap();

        // 1. A burst of 60 events to 60 people: each gets exactly their own mail, each
        //    event reaches the receiver once, every row is settled delivered at the
        //    first try, and the mails share a few connections.
        let (due, after) = queue_trainings(&app, &people).await;
        let work = worker(&app);
        until("the burst delivered", async || {
            let rows = rows_after(&app, after).await;
            rows.len() == 120 && rows.iter().all(|r| r.status == DeliveryStatus::Delivered)
        })
        .await;
        work.abort();
        let burst = rows_after(&app, after).await;
        assert!(burst.iter().all(|r| r.attempts == 1), "{burst:?}");
        let mails: Vec<Value> = smtp
            .messages()
            .into_iter()
            .filter(|m| m["to"][0].as_str().unwrap().starts_with("burst"))
            .collect();
        assert_eq!(mails.len(), 60, "{mails:?}");
        for email in &emails {
            let theirs = smtp.to(email);
            assert_eq!(theirs.len(), 1, "{email}: {theirs:?}");
            assert_eq!(theirs[0]["to"], serde_json::json!([email]), "only to them");
            assert!(theirs[0]["text"].as_str().unwrap().contains(&due));
        }
        let peers: std::collections::HashSet<&str> =
            mails.iter().map(|m| m["peer"].as_str().unwrap()).collect();
        // 8 mails in flight, each connection kept for the next: a connection per mail
        // would be 60.
        assert!(
            peers.len() <= 8,
            "60 mails over {} connections: the worker keeps them open",
            peers.len()
        );
        {
            let r = received.lock().unwrap();
            assert!(r.got.iter().all(|g| g.signed));
            let mut got: Vec<&str> = r.got.iter().map(|g| g.delivery.as_str()).collect();
            got.sort();
            let mut sent: Vec<&str> = burst
                .iter()
                .filter(|r| r.channel == Channel::Webhook)
                .map(|r| r.delivery_id.as_str())
                .collect();
            sent.sort();
            assert_eq!(got, sent, "each event once");
        }

        // 2. One tick where an endpoint answers 500 and the SMTP server refuses one
        //    mailbox for now: exactly those rows wait for a retry, the rest are delivered.
        let (failing_url, failing) = start_receiver().await;
        failing.lock().unwrap().mode = Some(Mode::Fail);
        let failing_endpoint = decorum::store::outbox::add_endpoint(
            db,
            w.admin,
            &failing_url,
            SECRET,
            &[EventName::TrainingAssigned],
        )
        .await
        .unwrap();
        let busy = add_staff(&app, &["busy.one@t.test".to_string()]).await[0];
        let mut some = people[..5].to_vec();
        some.push(busy);
        let (_, after) = queue_trainings(&app, &some).await;
        let state = AppState::new(db.clone(), app.test_db.config.clone()).unwrap();
        decorum::notify::tick(&state).await.unwrap();
        let rows = rows_after(&app, after).await;
        assert_eq!(rows.len(), 6 + 12, "{rows:?}");
        for row in &rows {
            let refused =
                row.recipient_id == Some(busy) || row.endpoint_id == Some(failing_endpoint.id);
            assert_eq!(row.attempts, 1, "{row:?}");
            if refused {
                assert_eq!(row.status, DeliveryStatus::Pending, "{row:?}");
                assert!(row.next_attempt_at > row.created_at, "{row:?}");
                let code = if row.channel == Channel::Mail {
                    450
                } else {
                    500
                };
                assert_eq!(row.response_code, Some(code), "{row:?}");
                assert!(row.last_error.is_some(), "{row:?}");
            } else {
                assert_eq!(row.status, DeliveryStatus::Delivered, "{row:?}");
                assert!(row.last_error.is_none(), "{row:?}");
            }
        }
        assert!(smtp.to("busy.one@t.test").is_empty());
        for email in &emails[..5] {
            assert_eq!(smtp.to(email).len(), 2, "{email}: the burst's and this one");
        }
        assert_eq!(failing.lock().unwrap().got.len(), 6);
    }
}

/// A webhook goes out once the write that queued it is answered, not at the worker's
/// next tick (two minutes here): a write wakes the worker of the instance that served it;
/// and one another instance queued is found by the worker's look each second.
#[tokio::test]
async fn a_write_wakes_the_webhook_loop() {
    use decorum::domain::notify::EventName;
    use decorum::store::outbox::Event;
    use sea_orm::TransactionTrait;
    for backend in BACKENDS {
        let (hook_url, received) = start_receiver().await;
        let Some(app) = TestApp::spawn_with(backend, "notify_wake", |c| {
            c.webhooks_allow_private = true;
            c.outbox_tick = Duration::from_secs(120);
            c.webhook_timeout = Duration::from_secs(2);
        })
        .await
        else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        decorum::store::outbox::add_endpoint(
            db,
            w.admin,
            &hook_url,
            SECRET,
            &[EventName::InspectionSubmitted],
        )
        .await
        .unwrap();
        let work = decorum::notify::start(app.state.clone());
        // The worker's first look, at its start, finds nothing; its next tick is far.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let got = |inspection: &str| {
            received
                .lock()
                .unwrap()
                .got
                .iter()
                .any(|g| g.body["data"]["inspection_id"] == inspection)
        };
        let within_10s = async |inspection: &str| {
            for _ in 0..100 {
                if got(inspection) {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            got(inspection)
        };

        // 1. A submission over HTTP: its event goes out when the server answers.
        let (supervisor, csrf) = app.sign_in("supervisor.a@t.test").await;
        let id = submit_critical(&app, &w, &supervisor, &csrf).await;
        let woken = within_10s(&id).await;

        // 2. An event queued by another instance (here straight into the database, which
        //    wakes no one): found by a look, not left for the tick.
        let txn = db.begin().await.unwrap();
        let data = serde_json::json!({ "inspection_id": "from-elsewhere" });
        decorum::store::outbox::enqueue(&txn, &[Event::new(EventName::InspectionSubmitted, data)])
            .await
            .unwrap();
        txn.commit().await.unwrap();
        let looked = within_10s("from-elsewhere").await;
        work.abort();
        assert!(
            woken,
            "{backend:?}: the webhook waited for the worker's tick"
        );
        assert!(
            looked,
            "{backend:?}: another instance's webhook waited for the tick"
        );
    }
}
