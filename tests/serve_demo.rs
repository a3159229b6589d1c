//! The newcomer's first command: `decorum serve --demo` on a fresh data directory loads
//! the demo, prints the demo accounts and answers /healthz — on SQLite and PostgreSQL.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BACKENDS, Backend};
use sea_orm::ConnectionTrait;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_demo_answers_healthz_on_every_backend() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
        command
            .current_dir(common::repo_path(""))
            .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
            .env("DECORUM_DATA_DIR", dir.path())
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if backend == Backend::Postgres {
            let Some(admin) = common::postgres_admin("serve --demo").await else {
                continue;
            };
            let schema = format!("dt_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .unwrap();
            command.env(
                "DATABASE_URL",
                format!("{}?options[search_path]={schema}", common::postgres_url()),
            );
        }
        let mut child = command.spawn().expect("start decorum serve");
        let stdout = child.stdout.take().unwrap();
        let server = Server(child);

        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut printed = Vec::new();
        let base = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(300).saturating_sub(started.elapsed()))
                .unwrap_or_else(|_| {
                    panic!(
                        "{backend:?}: the server did not start; it printed:\n{}",
                        printed.join("\n")
                    )
                });
            if let Some(url) = line.strip_prefix("Decorum is serving on ") {
                break url.to_string();
            }
            printed.push(line);
        };
        let out = printed.join("\n");
        assert!(out.contains("demo data loaded"), "{out}");
        for email in [
            "admin@decorum.demo",
            "supervisor@decorum.demo",
            "staff@decorum.demo",
        ] {
            assert!(
                out.contains(email),
                "{backend:?}: demo account {email} not printed:\n{out}"
            );
        }
        assert!(out.contains("decorum-demo"), "the demo password is printed");

        let response = reqwest::get(format!("{base}/healthz")).await.unwrap();
        assert_eq!(response.status(), 200, "{backend:?}");
        if backend == Backend::Sqlite {
            assert!(
                dir.path().join("decorum.db").exists(),
                "the SQLite file is created in the data directory"
            );
        }
        drop(server);
    }
}
