//! Shared by the reliability tests: the database they prepare before any server starts,
//! the `decorum serve` process they start, kill and restart, the simulated tablets, and
//! the check that every acknowledged spot-check is stored exactly once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use decorum::config::Config;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::{db, library_files, store};
use entity::{audit_log, inspection, inspection_response};
use reqwest::Client;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

/// How long a `decorum serve` start may take (migrations and the library import).
pub const STARTUP: Duration = Duration::from_secs(120);

/// The fields of a finished spot-check form, without the session's CSRF token.
#[derive(Clone)]
pub struct SpotCheckForm {
    pub fields: Vec<(String, String)>,
}

impl SpotCheckForm {
    pub fn body(&self, csrf: &str) -> Vec<(String, String)> {
        let mut body = vec![("_csrf".to_string(), csrf.to_string())];
        body.extend(self.fields.iter().cloned());
        body
    }
}

/// A `decorum serve` process. Dropping it kills it.
pub struct Server {
    pub child: Child,
    pub base: String,
    #[allow(dead_code)]
    pub port: u16,
}

impl Server {
    /// Start `decorum serve --addr ADDR` and wait for its "Decorum is serving on …" line.
    /// Its log (stderr) is appended to `log`.
    pub fn start(
        data_dir: &Path,
        addr: &str,
        database_url: Option<&str>,
        log: &Path,
    ) -> Result<Server, String> {
        let library = super::repo_path("checklists");
        Server::start_with_library(data_dir, addr, database_url, log, &library)
    }

    /// The same, serving the checklist library in `library`.
    pub fn start_with_library(
        data_dir: &Path,
        addr: &str,
        database_url: Option<&str>,
        log: &Path,
        library: &Path,
    ) -> Result<Server, String> {
        assert!(addr.starts_with("127.0.0.1:"), "loopback only");
        let log_out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
        command
            .current_dir(super::repo_path(""))
            .args(["serve", "--addr", addr])
            .env("DECORUM_DATA_DIR", data_dir)
            .env("DECORUM_CHECKLISTS", library)
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
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A tablet: its own cookie jar with one signed-in session, and that session's CSRF token.
pub struct Tablet {
    pub client: Client,
    pub csrf: String,
}

impl Tablet {
    pub async fn sign_in(base: &str, email: &str, timeout: Duration) -> Result<Tablet, String> {
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
        let token = super::csrf_in(&page);
        let response = client
            .post(format!("{base}/signin"))
            .form(&[
                ("email", email),
                ("password", super::PASSWORD),
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
        let csrf = super::csrf_in(&page.text().await.map_err(|e| e.to_string())?);
        Ok(Tablet { client, csrf })
    }
}

/// How the server answered one submission.
pub enum Outcome {
    /// 200 with the spot-check's id and whether this request stored it.
    Ack { id: Uuid, created: bool },
    /// Any other answer.
    Status(u16, String),
    /// No answer: the connection failed, was dropped, or timed out.
    Transport(String),
}

pub async fn submit(tablet: &Tablet, base: &str, id: Uuid, form: &SpotCheckForm) -> Outcome {
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
pub struct StoredCheck {
    /// Inspection id → status.
    pub inspections: HashMap<Uuid, String>,
    /// Inspection id → stored responses.
    pub responses: HashMap<Uuid, i64>,
    /// Inspection id → "submit" audit entries.
    pub audits: HashMap<String, i64>,
    pub expected_responses: usize,
}

pub struct Verdict {
    pub stored: usize,
    pub lost: Vec<Uuid>,
    pub duplicated: Vec<String>,
    pub strays: Vec<Uuid>,
}

impl StoredCheck {
    pub async fn read(db: &DatabaseConnection, expected_responses: usize) -> StoredCheck {
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
    pub fn verdict(&self, attempted: &[Uuid], acknowledged: &[Uuid]) -> Verdict {
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
    pub fn assert_clean(&self) {
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

/// A whole number from the environment, for the knobs that size a run.
pub fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// The default SQLite database under `dir/data`.
pub fn sqlite_config(dir: &Path) -> Config {
    Config::new(None, dir.join("data"), super::repo_path("checklists"))
}

/// The PostgreSQL database at `url`, with the data directory under `dir/data`.
pub fn postgres_config(dir: &Path, url: &str) -> Config {
    Config::new(
        Some(url.to_string()),
        dir.join("data"),
        super::repo_path("checklists"),
    )
}

/// What a tablet needs to submit a perfect lobby spot-check of staff A at site A.
pub struct Fixture {
    pub form: SpotCheckForm,
    /// Responses one stored spot-check has (one per applicable item).
    pub expected_responses: usize,
}

/// Migrate, import the library and seed the people, before any server starts.
pub async fn prepare(config: &Config) -> Fixture {
    let db = db::connect(config).await.expect("connect");
    db::migrate(&db).await.expect("migrate");
    let library = library_files::load(&config.checklists_dir).expect("the library lints clean");
    store::library::import(&db, &library).await.expect("import");
    let fixture = seed(&db).await;
    db.close().await.expect("close");
    fixture
}

async fn seed(db: &DatabaseConnection) -> Fixture {
    let world = super::seed_world(db).await;
    let lobby = super::lobby(db).await;
    let subject = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let answers = super::perfect_answers(&lobby.checklist, &subject, &Context::new());
    let mut fields = vec![
        ("version".to_string(), lobby.version_id.to_string()),
        ("site".into(), world.site_a.to_string()),
        ("subject".into(), world.staff_a.to_string()),
        ("shift_date".into(), super::recent_shift_date()),
        ("shift_period".into(), "afternoon".into()),
    ];
    fields.extend(to_fields(&answers, &BTreeMap::new(), &Context::new()));
    Fixture {
        form: SpotCheckForm { fields },
        expected_responses: answers.len(),
    }
}
