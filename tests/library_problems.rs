//! A broken checklist file at start-up, on SQLite and PostgreSQL: the real `decorum serve`
//! starts, imports the files that lint clean, keeps serving the last imported version of
//! the broken one, logs its problems as file:line:column, and lists them to admins (only)
//! on the checklist page.

mod common;

use std::path::Path;

use common::reliability::Server;
use common::{BACKENDS, TestDb, copy_dir, page_text, repo_path, seed_world, sign_in_at};
use decorum::store::library::{StoredChecklist, current_checklists};

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

async fn current(db: &sea_orm::DatabaseConnection, key: &str) -> StoredChecklist {
    current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == key)
        .unwrap()
}

fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn a_broken_checklist_file_leaves_the_service_up_and_is_shown_to_admins() {
    for backend in BACKENDS {
        let Some(test_db) = TestDb::new(backend, "library_problems").await else {
            continue;
        };
        // The library as it was last imported, and the people.
        test_db.import_library().await;
        let world = seed_world(&test_db.db).await;
        let lobby_before = current(&test_db.db, "lobby-reception").await;
        let sales_before = current(&test_db.db, "sales-hall-reception").await;

        // Then a bad edit to one file and a good edit to another, and a restart.
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("checklists");
        copy_dir(&repo_path("checklists"), &library);
        let broken = library.join("lobby-reception.toml");
        edit(&broken, "pass_mark = 80", "pass_mark = 180");
        edit(
            &library.join("sales-hall-reception.toml"),
            "pass_mark = 80",
            "pass_mark = 85",
        );
        let problems = decorum::library_files::lint(std::slice::from_ref(&library), None);
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|p| p.file == broken), "{problems:?}");

        let log = dir.path().join("serve.log");
        let server = Server::start_with_library(
            &dir.path().join("data"),
            "127.0.0.1:0",
            Some(&test_db.config.database_url),
            &log,
            &library,
        )
        .unwrap_or_else(|e| panic!("{backend:?}: the service must start: {e}"));
        let base = server.base.clone();

        // The clean file was imported; the broken one's last version is still current.
        let sales = current(&test_db.db, "sales-hall-reception").await;
        assert_ne!(sales.version_id, sales_before.version_id);
        assert_eq!(sales.checklist.pass_mark, 85.0);
        let lobby = current(&test_db.db, "lobby-reception").await;
        assert_eq!(lobby.version_id, lobby_before.version_id, "{backend:?}");
        assert_eq!(lobby.checklist.pass_mark, 80.0);

        // Each problem is logged as file:line:column: message.
        let logged = std::fs::read_to_string(&log).unwrap();
        for p in &problems {
            let located = format!(
                "{}:{}:{}: {}",
                p.file.display(),
                p.line,
                p.column,
                p.message
            );
            assert_eq!(p.to_string(), located);
            assert!(
                logged.contains(&located),
                "{located} not in the log:\n{logged}"
            );
        }

        // Spot-checks go on, on the broken file's last good version too.
        let (supervisor, _) = sign_in_at(&base, "supervisor.a@t.test").await;
        let r = supervisor
            .get(format!(
                "{base}/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
                world.site_a, world.staff_a
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{backend:?}");
        let form = supervisor
            .get(format!(
                "{base}{}",
                r.headers()["location"].to_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), 200);

        // Admins see the problems on the checklist page; no one else sees the page.
        let (admin, _) = sign_in_at(&base, "admin@t.test").await;
        // In English, as the log says them (the page speaks the viewer's language).
        let page = admin
            .get(format!("{base}/admin/checklists"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("lobby-reception"));
        for p in &problems {
            assert!(
                page.contains(&html_escaped(&p.to_string())),
                "{p} not on the page"
            );
        }
        let (quality, _) = sign_in_at(&base, "quality@t.test").await;
        let r = quality
            .get(format!("{base}/admin/checklists"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(!r.text().await.unwrap().contains("lobby-reception.toml"));

        // Fixed on disk, the page stops listing it (read at each visit, on every instance).
        edit(&broken, "pass_mark = 180", "pass_mark = 80");
        let page = page_text(&admin, &format!("{base}/admin/checklists")).await;
        assert!(!page.contains("lobby-reception.toml:"), "{page}");
        drop(server);
    }
}
