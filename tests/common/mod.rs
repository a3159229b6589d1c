//! Shared test helpers: a fresh database per test (a SQLite file in a temporary
//! directory, or a new schema in the PostgreSQL at 127.0.0.1:5432), the real app served
//! on a random port, and the repository's checklist library.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
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

/// Connect to the PostgreSQL test server, or print why the test is skipped.
pub async fn postgres_admin(test: &str) -> Option<DatabaseConnection> {
    let mut options = sea_orm::ConnectOptions::new(postgres_url());
    options
        .connect_timeout(Duration::from_secs(3))
        .sqlx_logging(false)
        .max_connections(2);
    match Database::connect(options).await {
        Ok(db) => Some(db),
        Err(e) => {
            eprintln!(
                "SKIP {test} on PostgreSQL: no server answers at {} ({e})",
                postgres_url()
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
    /// `None` (with a printed SKIP line) when the backend is PostgreSQL and none answers.
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

    /// Import the repository's checklist library.
    pub async fn import_library(&self) {
        let library = library_files::load(&self.config.checklists_dir)
            .expect("the shipped library lints clean");
        store::library::import(&self.db, &library)
            .await
            .expect("import");
    }
}

/// The app, served on a random loopback port.
pub struct TestApp {
    pub base: String,
    pub test_db: TestDb,
    pub client: reqwest::Client,
}

impl TestApp {
    pub async fn spawn(backend: Backend, test: &str) -> Option<TestApp> {
        let test_db = TestDb::new(backend, test).await?;
        test_db.import_library().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state = AppState {
            db: test_db.db.clone(),
            config: Arc::new(test_db.config.clone()),
        };
        tokio::spawn(async move {
            axum::serve(listener, app::build(state))
                .await
                .expect("serve");
        });
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Some(TestApp {
            base,
            test_db,
            client,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
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
