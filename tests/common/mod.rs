//! Shared test helpers: a fresh database per test (a SQLite file in a temporary
//! directory, or a new schema in the PostgreSQL at 127.0.0.1:5432), the real app served
//! on a random port, and the repository's checklist library.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod authoring;
pub mod browser;
pub mod pdf;
pub mod reliability;
pub mod smtp;
use std::time::Duration;

use decorum::app::{self, AppState};
use decorum::config::Config;
use decorum::{db, library_files, store};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// The server our machines and CI have; override with DECORUM_TEST_POSTGRES_URL.
pub fn postgres_url() -> String {
    std::env::var("DECORUM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A test cannot run because a service it needs (PostgreSQL, Chromium…) is missing.
/// Locally that is a SKIP line; under CI (`CI=true`, as `.ci/run` runs) it fails the
/// test, so a run without the service can never be green by accident.
pub fn skip_or_fail(test: &str, why: &str) {
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!in_ci, "{test} cannot run under CI: {why}");
    eprintln!("SKIP {test}: {why}");
}

/// Connect to the PostgreSQL test server, or say why the test cannot run (see
/// `skip_or_fail`).
pub async fn postgres_admin(test: &str) -> Option<DatabaseConnection> {
    let mut options = sea_orm::ConnectOptions::new(postgres_url());
    options
        .connect_timeout(Duration::from_secs(3))
        .sqlx_logging(false)
        .max_connections(2);
    match Database::connect(options).await {
        Ok(db) => Some(db),
        Err(e) => {
            skip_or_fail(
                &format!("{test} on PostgreSQL"),
                &format!("no server answers at {} ({e})", postgres_url()),
            );
            None
        }
    }
}

/// A fresh, isolated database for one test. Keeps its temporary directory alive.
pub struct TestDb {
    pub backend: Backend,
    pub config: Config,
    pub db: DatabaseConnection,
    _dir: tempfile::TempDir,
}

impl TestDb {
    /// `None` (with a printed SKIP line; a failure under CI) when the backend is PostgreSQL
    /// and none answers.
    pub async fn new(backend: Backend, test: &str) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let admin = postgres_admin(test).await?;
                let schema = format!("dt_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("create test schema");
                Some(format!("{}?options[search_path]={schema}", postgres_url()))
            }
        };
        let config = Config::new(url, dir.path().join("data"), repo_path("checklists"));
        let db = db::connect(&config).await.expect("connect");
        db::migrate(&db).await.expect("migrate");
        Some(TestDb {
            backend,
            config,
            db,
            _dir: dir,
        })
    }

    /// Count the statements sent on this connection (and its clones made later, such
    /// as the app's) while the returned watch is on (sea-orm's statement callback).
    pub fn count_statements(&mut self) -> std::sync::Arc<Statements> {
        let statements = std::sync::Arc::new(Statements::default());
        let watch = statements.clone();
        self.db.set_metric_callback(move |info| {
            if watch.on.load(std::sync::atomic::Ordering::SeqCst) {
                watch.seen.lock().unwrap().push(info.statement.sql.clone());
            }
        });
        statements
    }

    /// Import the repository's checklist library.
    pub async fn import_library(&self) {
        let library = library_files::load(&self.config.checklists_dir)
            .expect("the shipped library lints clean");
        store::library::import(&self.db, &library)
            .await
            .expect("import");
    }
}

/// The statements sent while `on` (see [`TestDb::count_statements`]).
#[derive(Default)]
pub struct Statements {
    on: std::sync::atomic::AtomicBool,
    seen: std::sync::Mutex<Vec<String>>,
}

impl Statements {
    /// Run `f` and return the statements it sent.
    pub async fn during<T>(&self, f: impl AsyncFnOnce() -> T) -> (T, Vec<String>) {
        use std::sync::atomic::Ordering;
        self.seen.lock().unwrap().clear();
        self.on.store(true, Ordering::SeqCst);
        let out = f().await;
        self.on.store(false, Ordering::SeqCst);
        (out, std::mem::take(&mut *self.seen.lock().unwrap()))
    }
}

/// The app, served on a random loopback port.
pub struct TestApp {
    pub base: String,
    pub test_db: TestDb,
    pub client: reqwest::Client,
    /// The server's own state (a worker started on it is woken by the server's writes).
    pub state: AppState,
}

impl TestApp {
    pub async fn spawn(backend: Backend, test: &str) -> Option<TestApp> {
        Self::spawn_with(backend, test, |_| {}).await
    }

    /// The app with its configuration adjusted first (a pinned clock, a time zone…).
    pub async fn spawn_with(
        backend: Backend,
        test: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Option<TestApp> {
        Self::spawn_with_routes(backend, test, configure, axum::Router::new()).await
    }

    /// The app with its configuration adjusted and `extra` routes added, served by the
    /// same function as `decorum serve`.
    pub async fn spawn_with_routes(
        backend: Backend,
        test: &str,
        configure: impl FnOnce(&mut Config),
        extra: axum::Router<AppState>,
    ) -> Option<TestApp> {
        let mut test_db = TestDb::new(backend, test).await?;
        configure(&mut test_db.config);
        Some(Self::serve(test_db, extra).await)
    }

    /// The app on an existing test database (one whose connection a test has set up,
    /// e.g. to watch its statements), with the library imported and `extra` routes.
    pub async fn serve(test_db: TestDb, extra: axum::Router<AppState>) -> TestApp {
        test_db.import_library().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state =
            AppState::new(test_db.db.clone(), test_db.config.clone()).expect("file storage");
        let header_read_timeout = test_db.config.header_read_timeout;
        tokio::spawn(app::serve(
            listener,
            app::build_with(state.clone(), extra),
            header_read_timeout,
            std::future::pending(),
        ));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base,
            test_db,
            client,
            state,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// Copy a directory tree (a checklist library to edit in a test).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let path = entry.expect("directory entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// Run the `decorum` binary from the repository root: (exit code, stdout, stderr).
/// The database is the default SQLite file under `data_dir` unless `envs` says otherwise.
pub fn run_decorum(data_dir: Option<&std::path::Path>, args: &[&str]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"));
    command
        .current_dir(repo_path(""))
        .env_remove("DATABASE_URL")
        .args(args);
    if let Some(dir) = data_dir {
        command.env("DECORUM_DATA_DIR", dir);
    }
    let output = command.output().expect("run decorum");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The password every test account uses.
pub const PASSWORD: &str = "password-123";

/// Two sites and people in every role: the fixture the HTTP tests share.
pub struct World {
    pub site_a: i32,
    pub site_b: i32,
    pub admin: i32,
    pub quality: i32,
    pub manager_a: i32,
    pub supervisor_a: i32,
    pub supervisor_b: i32,
    /// Staff at site A: a female lobby concierge.
    pub staff_a: i32,
    /// Another staff member at site A.
    pub staff_a2: i32,
    /// Staff at site B: a male lobby concierge.
    pub staff_b: i32,
}

pub async fn seed_world(db: &sea_orm::DatabaseConnection) -> World {
    use decorum::auth::Role;
    use decorum::domain::scoring::Gender;
    use decorum::store::users::{NewUser, add_atomic as add};
    use sea_orm::{ActiveModelTrait, Set};

    let mut sites = Vec::new();
    for (code, name) in [("A", "大堂 A Lobby"), ("B", "大堂 B Lobby")] {
        let site = entity::site::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
            kind: Set("lobby".into()),
            active: Set(true),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("site");
        sites.push(site.id);
    }
    let person = async |email: &str,
                        role: Role,
                        sites: &[&str],
                        position: Option<&str>,
                        gender: Option<Gender>| {
        add(
            db,
            NewUser {
                email: email.into(),
                name: email.split('@').next().unwrap_or(email).into(),
                role,
                password: Some(PASSWORD.into()),
                position: position.map(Into::into),
                gender,
                hire_date: None,
                sites: sites.iter().map(|s| s.to_string()).collect(),
            },
            None,
        )
        .await
        .expect("person")
        .id
    };
    World {
        site_a: sites[0],
        site_b: sites[1],
        admin: person("admin@t.test", Role::Admin, &[], None, None).await,
        quality: person("quality@t.test", Role::Quality, &[], None, None).await,
        manager_a: person("manager.a@t.test", Role::Manager, &["A"], None, None).await,
        supervisor_a: person("supervisor.a@t.test", Role::Supervisor, &["A"], None, None).await,
        supervisor_b: person("supervisor.b@t.test", Role::Supervisor, &["B"], None, None).await,
        staff_a: person(
            "staff.a@t.test",
            Role::Staff,
            &["A"],
            Some("lobby-concierge"),
            Some(Gender::Female),
        )
        .await,
        staff_a2: person(
            "staff.a2@t.test",
            Role::Staff,
            &["A"],
            Some("lobby-concierge"),
            Some(Gender::Male),
        )
        .await,
        staff_b: person(
            "staff.b@t.test",
            Role::Staff,
            &["B"],
            Some("lobby-concierge"),
            Some(Gender::Male),
        )
        .await,
    }
}

/// The value of the first hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a _csrf field")
        + "name=\"_csrf\" value=\"".len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

/// A fresh browser-like client (own cookie jar, redirects not followed), not signed in.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The body of a GET, whatever its status.
pub async fn page_text(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.expect("GET");
    response.text().await.expect("body")
}

/// Sign in through the form of the app at `base`; returns the client and the session's
/// CSRF token.
pub async fn sign_in_at(base: &str, email: &str) -> (reqwest::Client, String) {
    let client = browser();
    let page = page_text(&client, &format!("{base}/signin")).await;
    let token = csrf_in(&page);
    let response = client
        .post(format!("{base}/signin"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("_csrf", &token),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign-in as {email} failed");
    let home = page_text(&client, &format!("{base}/inspections")).await;
    let csrf = csrf_in(&home);
    (client, csrf)
}

impl TestApp {
    /// A fresh browser-like client (own cookie jar), not signed in.
    pub fn new_client(&self) -> reqwest::Client {
        browser()
    }

    /// The sign-in page as `client` gets it (with its form's CSRF token in a cookie);
    /// `query` follows `/signin`.
    pub async fn sign_in_page(&self, client: &reqwest::Client, query: &str) -> String {
        let page = client
            .get(self.url(&format!("/signin{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "GET /signin{query}");
        page.text().await.unwrap()
    }

    /// Sign in through the form; returns the client and the session's CSRF token.
    pub async fn sign_in(&self, email: &str) -> (reqwest::Client, String) {
        sign_in_at(&self.base, email).await
    }
}

/// A perfect answer to an item: the check passes, the scale is full, the measure on target…
pub fn perfect_answer(kind: &decorum::domain::ItemKind) -> decorum::domain::scoring::Answer {
    decorum::domain::authoring::best_answer(kind)
}

/// Perfect answers to every item that applies to this person and context.
pub fn perfect_answers(
    checklist: &decorum::domain::Checklist,
    subject: &decorum::domain::scoring::Subject,
    context: &decorum::domain::scoring::Context,
) -> decorum::domain::scoring::Answers {
    let (context, _) = decorum::domain::scoring::resolve_context(checklist, context);
    checklist
        .items()
        .map(|(_, item)| item)
        .filter(|item| decorum::domain::scoring::applies(item, subject, &context))
        .map(|item| (item.key.clone(), perfect_answer(&item.kind)))
        .collect()
}

/// The lobby checklist's current version, which the test library always has.
pub async fn lobby(db: &DatabaseConnection) -> store::library::StoredChecklist {
    store::library::current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .expect("the lobby checklist is imported")
}

/// The fields of a spot-check form with perfect answers to the lobby checklist for a
/// lobby concierge of this gender, on the given shift.
pub async fn perfect_lobby_form(
    db: &DatabaseConnection,
    csrf: &str,
    (site, subject): (i32, i32),
    gender: decorum::domain::scoring::Gender,
    (shift_date, shift_period): (&str, &str),
) -> Vec<(String, String)> {
    use decorum::domain::scoring::{Context, Subject};
    let lobby = lobby(db).await;
    let who = Subject {
        gender: Some(gender),
        position: Some("lobby-concierge".into()),
    };
    let answers = perfect_answers(&lobby.checklist, &who, &Context::new());
    form_with(
        csrf,
        lobby.version_id,
        (site, subject),
        &answers,
        (shift_date, shift_period),
    )
}

/// The fields of a spot-check form with these answers to a checklist version, on the
/// given shift.
pub fn form_with(
    csrf: &str,
    version: i32,
    (site, subject): (i32, i32),
    answers: &decorum::domain::scoring::Answers,
    (shift_date, shift_period): (&str, &str),
) -> Vec<(String, String)> {
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), version.to_string()),
        ("site".into(), site.to_string()),
        ("subject".into(), subject.to_string()),
        ("shift_date".into(), shift_date.into()),
        ("shift_period".into(), shift_period.into()),
    ];
    body.extend(decorum::domain::form::to_fields(
        answers,
        &Default::default(),
        &decorum::domain::scoring::Context::new(),
    ));
    body
}

/// A shift date the server accepts (its window runs from 60 days back to 1 day ahead of
/// today): three days ago, so fixed dates in tests do not age out of the window.
pub fn recent_shift_date() -> String {
    (chrono::Local::now().date_naive() - chrono::Duration::days(3)).to_string()
}

/// Submit, as the signed-in `client`, a perfect lobby spot-check of `subject` (a female
/// lobby concierge) at `site` on a recent morning shift; returns its id.
pub async fn submit_perfect_lobby(
    app: &TestApp,
    (client, csrf): (&reqwest::Client, &str),
    (site, subject): (i32, i32),
) -> uuid::Uuid {
    let id = uuid::Uuid::new_v4();
    let body = perfect_lobby_form(
        &app.test_db.db,
        csrf,
        (site, subject),
        decorum::domain::scoring::Gender::Female,
        (&recent_shift_date(), "morning"),
    )
    .await;
    let reply = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .expect("POST");
    let status = reply.status();
    assert_eq!(status, 200, "{}", reply.text().await.unwrap_or_default());
    id
}

/// Today at a test site with no zone of its own (the default zone, Shanghai): dates the
/// app counts from "today" (due dates, curricula) are the site's local date, which after
/// 16:00 UTC is already tomorrow's.
pub fn site_today() -> chrono::NaiveDate {
    decorum::domain::clock::local_date(
        decorum::domain::clock::DEFAULT_TIME_ZONE,
        chrono::Utc::now(),
    )
}
