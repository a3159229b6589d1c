//! Authoring the standard over HTTP on SQLite and PostgreSQL: only the quality department
//! and admins reach the editor (supervisors, managers and staff get 403, writes too); the
//! server's lint answers the editor at line and column; a proposal is refused until it
//! lints clean; its page shows the diff against the published version and what it
//! reaches; its author cannot approve it (unless the setting allows), another quality
//! user can, which publishes a new version that the next form uses while an inspection
//! scored earlier keeps its version; a proposal is sent back with a comment.

mod common;

use common::authoring::{add_second_quality, get, get_unfollowed, post};
use common::{BACKENDS, Backend, TestApp, World, seed_world, submit_perfect_lobby};
use entity::states::ProposalStatus;
use entity::{audit_log, inspection, proposal};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const EDITOR: &str = "/authoring/checklists/lobby-reception";

async fn authoring_app(
    backend: Backend,
    name: &str,
    allow_self_approval: bool,
) -> Option<(TestApp, World)> {
    let app = TestApp::spawn_with(backend, name, |c| {
        c.allow_self_approval = allow_self_approval;
    })
    .await?;
    let world = seed_world(&app.test_db.db).await;
    add_second_quality(&app.test_db.db).await;
    Some((app, world))
}

async fn lint(client: &Client, app: &TestApp, csrf: &str, source: &str) -> serde_json::Value {
    let r = client
        .post(app.url(&format!("{EDITOR}/lint")))
        .header("accept", "application/json")
        .form(&[("_csrf", csrf), ("source", source)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn shipped_lobby() -> String {
    std::fs::read_to_string(common::repo_path("checklists/lobby-reception.toml")).unwrap()
}

async fn proposals(app: &TestApp) -> u64 {
    proposal::Entity::find()
        .count(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_quality_and_admins_author_the_standard() {
    for backend in BACKENDS {
        let Some((app, w)) = authoring_app(
            backend,
            "only_quality_and_admins_author_the_standard",
            false,
        )
        .await
        else {
            continue;
        };
        let source = shipped_lobby();
        for who in ["quality@t.test", "admin@t.test"] {
            let (client, _) = app.sign_in(who).await;
            for path in ["/authoring", EDITOR] {
                let (status, body) = get(&client, &app, path).await;
                assert_eq!(status, 200, "{who} GET {path} on {backend:?}: {body}");
            }
            let (_, home) = get(&client, &app, "/").await;
            assert!(home.contains("href=\"/authoring\""), "{who} has the link");
        }
        for who in ["manager.a@t.test", "supervisor.a@t.test", "staff.a@t.test"] {
            let (client, csrf) = app.sign_in(who).await;
            for path in ["/authoring", EDITOR, "/authoring/proposals/1"] {
                let (status, _) = get(&client, &app, path).await;
                assert_eq!(status, 403, "{who} GET {path} on {backend:?}");
            }
            let (_, home) = get(&client, &app, "/").await;
            assert!(!home.contains("href=\"/authoring\""), "{who} has no link");
            for path in [
                EDITOR.to_string(),
                format!("{EDITOR}/lint"),
                format!("{EDITOR}/preview"),
                "/authoring/proposals/1/review".to_string(),
            ] {
                let (status, _, _) = post(
                    &client,
                    &app,
                    &path,
                    &[
                        ("_csrf", &csrf),
                        ("source", &source),
                        ("reason", "mine"),
                        ("decision", "approve"),
                    ],
                )
                .await;
                assert_eq!(status, 403, "{who} POST {path} on {backend:?}");
            }
        }
        assert_eq!(proposals(&app).await, 0);
        // Without the form's token nothing is stored, even for the quality user (400).
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (status, _, _) = post(
            &quality,
            &app,
            EDITOR,
            &[("source", &source), ("reason", "no token")],
        )
        .await;
        assert_eq!(status, 400, "{backend:?}");
        assert_eq!(proposals(&app).await, 0);
        let _ = w;
    }
}

#[tokio::test]
async fn a_change_is_linted_proposed_approved_by_another_and_published() {
    for backend in BACKENDS {
        let Some((app, w)) = authoring_app(
            backend,
            "a_change_is_linted_proposed_approved_by_another_and_published",
            false,
        )
        .await
        else {
            continue;
        };
        let db = &app.test_db.db;
        let v1 = common::lobby(db).await;
        // An inspection scored on the published version, before the change.
        let (supervisor, supervisor_csrf) = app.sign_in("supervisor.a@t.test").await;
        let earlier =
            submit_perfect_lobby(&app, (&supervisor, &supervisor_csrf), (w.site_a, w.staff_a))
                .await;

        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let (status, page) = get(&quality, &app, EDITOR).await;
        assert_eq!(status, 200);
        assert!(page.contains("key = &quot;lobby-reception&quot;"), "{page}");
        let shipped = shipped_lobby();
        assert_eq!(
            lint(&quality, &app, &csrf, &shipped).await["clean"],
            true,
            "{backend:?}"
        );

        // An error is reported at its line.
        let line = shipped
            .lines()
            .position(|l| l.starts_with("pass_mark"))
            .unwrap()
            + 1;
        let broken = shipped.replace("pass_mark = 80", "pass_mark = \"eighty\"");
        let answer = lint(&quality, &app, &csrf, &broken).await;
        assert_eq!(answer["clean"], false);
        let problems = answer["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["line"] == line),
            "a problem at line {line}: {answer}"
        );
        // Proposing it is refused, on the editor with the problem, and stores nothing.
        let (status, _, body) = post(
            &quality,
            &app,
            EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &broken),
                ("reason", "stricter"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{backend:?}");
        assert!(body.contains(&format!("line {line}:")), "{body}");
        assert_eq!(proposals(&app).await, 0);
        // So is a clean change without a reason.
        let fixed = shipped.replace("pass_mark = 80", "pass_mark = 85");
        let (status, _, _) = post(
            &quality,
            &app,
            EDITOR,
            &[("_csrf", &csrf), ("source", &fixed), ("reason", " ")],
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(proposals(&app).await, 0);

        // The preview is the tablet form, scored by the engine.
        let (status, _, preview) = post(
            &quality,
            &app,
            &format!("{EDITOR}/preview"),
            &[
                ("_csrf", &csrf),
                ("source", &fixed),
                ("gender", "female"),
                ("position", "lobby-concierge"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{preview}");
        assert!(preview.contains("id=\"spotcheck\""));
        assert!(
            preview.contains("id=\"live-percent\">100.0%"),
            "a sample card scores 100%"
        );

        // Proposed with a reason, it is filed and shown with its diff and reach.
        let (status, location, _) = post(
            &quality,
            &app,
            EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &fixed),
                ("reason", "A stricter pass mark"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}");
        assert!(location.starts_with("/authoring/proposals/"));
        let (status, page) = get(&quality, &app, &location).await;
        assert_eq!(status, 200);
        assert!(page.contains("A stricter pass mark"));
        assert!(
            page.contains("80%") && page.contains("85%"),
            "the diff: {page}"
        );
        assert!(page.contains("lobby-concierge"), "the curricula it reaches");
        assert!(page.contains("id=\"no-self-approval\""));

        // Its author cannot approve it; nothing is published.
        let review = format!("{location}/review");
        let (status, _, _) = post(
            &quality,
            &app,
            &review,
            &[("_csrf", &csrf), ("decision", "approve")],
        )
        .await;
        assert_eq!(status, 409, "{backend:?}");
        assert_eq!(common::lobby(db).await.version, v1.version);

        // Another quality user approves it: a new version, audited.
        let (second, second_csrf) = app.sign_in("quality.two@t.test").await;
        let (_, page) = get(&second, &app, &location).await;
        assert!(page.contains("id=\"approve-button\""));
        let (status, _, body) = post(
            &second,
            &app,
            &review,
            &[("_csrf", &second_csrf), ("decision", "approve")],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}: {body}");
        let v2 = common::lobby(db).await;
        assert_eq!(v2.version, v1.version + 1);
        assert_eq!(v2.checklist.pass_mark, 85.0);
        let id: i32 = location.rsplit('/').next().unwrap().parse().unwrap();
        let row = proposal::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, ProposalStatus::Approved);
        assert_eq!(row.published_version, Some(v2.version));
        let approvals = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("approve"))
            .filter(audit_log::Column::EntityId.eq(id.to_string()))
            .count(db)
            .await
            .unwrap();
        assert_eq!(approvals, 1);
        // Reviewed once only.
        let (status, _, _) = post(
            &second,
            &app,
            &review,
            &[
                ("_csrf", &second_csrf),
                ("decision", "send_back"),
                ("comment", "late"),
            ],
        )
        .await;
        assert_eq!(status, 409);

        // The inspection keeps the version it was scored on; the next form uses the new one.
        let scored = inspection::Entity::find_by_id(earlier)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(scored.checklist_version_id, v1.version_id);
        let form_url = format!(
            "/spotchecks/{}?site={}&subject={}&checklist=lobby-reception",
            uuid::Uuid::new_v4(),
            w.site_a,
            w.staff_a
        );
        let (status, form) = get(&supervisor, &app, &form_url).await;
        assert_eq!(status, 200, "{form}");
        assert!(
            form.contains(&format!("name=\"version\" value=\"{}\"", v2.version_id)),
            "the next form is on v{}",
            v2.version
        );
        // The editor now opens what was published.
        let (_, page) = get(&quality, &app, EDITOR).await;
        assert!(page.contains("pass_mark = 85"));

        // A restart imports the library from disk again: the unchanged file does not undo
        // the approved change, while a file changed on disk still becomes a new version.
        let dir = &app.test_db.config.checklists_dir;
        let library = decorum::library_files::load(dir).unwrap();
        decorum::store::library::import(db, &library).await.unwrap();
        assert_eq!(common::lobby(db).await.version, v2.version, "{backend:?}");
        let mut edited = library.clone();
        let lobby = edited
            .checklists
            .iter_mut()
            .find(|c| c.key == "lobby-reception")
            .unwrap();
        lobby.pass_mark = 70.0;
        decorum::store::library::import(db, &edited).await.unwrap();
        let v3 = common::lobby(db).await;
        assert_eq!((v3.version, v3.checklist.pass_mark), (v2.version + 1, 70.0));
    }
}

#[tokio::test]
async fn a_proposal_is_sent_back_with_a_comment_or_self_approved_where_allowed() {
    for backend in BACKENDS {
        let Some((app, _)) = authoring_app(
            backend,
            "a_proposal_is_sent_back_with_a_comment_or_self_approved_where_allowed",
            true,
        )
        .await
        else {
            continue;
        };
        let db = &app.test_db.db;
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let shipped = shipped_lobby();
        let first = shipped.replace("pass_mark = 80", "pass_mark = 90");
        let (status, location, _) = post(
            &quality,
            &app,
            EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &first),
                ("reason", "too strict?"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (second, second_csrf) = app.sign_in("quality.two@t.test").await;
        let review = format!("{location}/review");
        let (status, _, _) = post(
            &second,
            &app,
            &review,
            &[
                ("_csrf", &second_csrf),
                ("decision", "send_back"),
                ("comment", ""),
            ],
        )
        .await;
        assert_eq!(status, 422, "a comment is needed");
        let (status, _, _) = post(
            &second,
            &app,
            &review,
            &[
                ("_csrf", &second_csrf),
                ("decision", "send_back"),
                ("comment", "90 fails half the sites <b>"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}");
        let (_, page) = get(&quality, &app, &location).await;
        assert!(page.contains("Sent back"));
        assert!(page.contains("90 fails half the sites &lt;b&gt;"));
        assert!(!page.contains("id=\"approve-button\""));

        // With allow_self_approval the author approves their own change.
        let before = common::lobby(db).await.version;
        let second_try = shipped.replace("pass_mark = 80", "pass_mark = 82");
        let (status, location, _) = post(
            &quality,
            &app,
            EDITOR,
            &[
                ("_csrf", &csrf),
                ("source", &second_try),
                ("reason", "a gentler step"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, _) = post(
            &quality,
            &app,
            &format!("{location}/review"),
            &[("_csrf", &csrf), ("decision", "approve")],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}");
        let after = common::lobby(db).await;
        assert_eq!(after.version, before + 1);
        assert_eq!(after.checklist.pass_mark, 82.0);

        // Rolling back publishes the earlier content as a new version.
        let (status, _, _) = post(
            &quality,
            &app,
            &format!("{EDITOR}/rollback"),
            &[("_csrf", &csrf), ("version", "1")],
        )
        .await;
        assert_eq!(status, 303, "{backend:?}");
        let rolled = common::lobby(db).await;
        assert_eq!(rolled.version, after.version + 1);
        assert_eq!(rolled.checklist.pass_mark, 80.0);
        let (status, _, _) = post(
            &quality,
            &app,
            &format!("{EDITOR}/rollback"),
            &[("_csrf", &csrf), ("version", "99")],
        )
        .await;
        assert_eq!(status, 422);

        // A new checklist starts as a copy under its new key.
        let (status, location, _) = get_unfollowed(
            &quality,
            &app,
            "/authoring/new?kind=checklists&key=lobby-copy&from=lobby-reception",
        )
        .await;
        assert_eq!(status, 303);
        let (status, page) = get(&quality, &app, &location).await;
        assert_eq!(status, 200);
        assert!(page.contains("key = &quot;lobby-copy&quot;"), "{page}");
    }
}

/// In a real Chromium: a quality user opens a checklist, introduces an error (listed at
/// its line as they type), fixes it, previews, proposes; a second quality user approves;
/// the supervisor's next form is on the new version while an inspection scored earlier
/// keeps the old one.
#[tokio::test]
async fn in_a_browser_a_change_is_written_previewed_proposed_and_approved() {
    use fantoccini::Locator;
    use std::time::{Duration, Instant};

    let Some((app, w)) = authoring_app(Backend::Sqlite, "browser_authoring", false).await else {
        return;
    };
    let db = &app.test_db.db;
    let v1 = common::lobby(db).await;
    let (supervisor, supervisor_csrf) = app.sign_in("supervisor.a@t.test").await;
    let earlier =
        submit_perfect_lobby(&app, (&supervisor, &supervisor_csrf), (w.site_a, w.staff_a)).await;

    let Some(chromium) = common::browser::start(
        &["--window-size=1200,1000", "--lang=en-US"],
        serde_json::json!({ "prefs": { "intl.accept_languages": "en-US,en" } }),
    )
    .await
    else {
        return;
    };
    let browser = chromium.client.clone();
    let wait = |css: String| {
        let browser = browser.clone();
        async move {
            browser
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css(&css))
                .await
                .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
        }
    };
    let sign_in = |email: &'static str| {
        let browser = browser.clone();
        let url = app.url("/signin");
        async move {
            browser.goto(&url).await.unwrap();
            let form = browser.form(Locator::Css("form")).await.unwrap();
            form.set_by_name("email", email).await.unwrap();
            form.set_by_name("password", common::PASSWORD)
                .await
                .unwrap();
            form.submit().await.unwrap();
            browser
                .wait()
                .for_element(Locator::Css("body[data-user]"))
                .await
                .unwrap();
        }
    };
    let edit = |from: &'static str, to: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .execute(
                    "var s = document.getElementById('source');\
                     s.value = s.value.replace(arguments[0], arguments[1]);\
                     s.dispatchEvent(new Event('input'));",
                    vec![from.into(), to.into()],
                )
                .await
                .unwrap();
        }
    };

    // The quality user opens the lobby checklist: it lints clean.
    sign_in("quality@t.test").await;
    browser.goto(&app.url(EDITOR)).await.unwrap();
    wait("#lint-state[data-state=clean]".into()).await;
    let line = shipped_lobby()
        .lines()
        .position(|l| l.starts_with("pass_mark"))
        .unwrap()
        + 1;
    // An error, listed at its line as they type; then fixed.
    edit("pass_mark = 80", "pass_mark = \"eighty\"").await;
    let problem = wait(format!("#lint-problems li[data-line='{line}']")).await;
    assert!(
        problem
            .text()
            .await
            .unwrap()
            .starts_with(&format!("{line}:"))
    );
    wait("#lint-state[data-state=problems]".into()).await;
    edit("pass_mark = \"eighty\"", "pass_mark = 85").await;
    wait("#lint-state[data-state=clean]".into()).await;

    // The preview opens as the tablet form in a new tab.
    let editor_window = browser.window().await.unwrap();
    browser
        .find(Locator::Css("#preview-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    let preview_window = loop {
        let windows = browser.windows().await.unwrap();
        if let Some(w) = windows.into_iter().find(|w| *w != editor_window) {
            break w;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no preview tab"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    browser.switch_to_window(preview_window).await.unwrap();
    wait("form#spotcheck".into()).await;
    // Above the form, the person and context picks and which items apply.
    wait("#preview-picker select[name=gender]".into()).await;
    wait("#preview-applies tr[data-applies=yes]".into()).await;
    let percent = wait("#live-percent".into()).await.text().await.unwrap();
    assert_eq!(percent.trim(), "100.0%");
    browser.close_window().await.unwrap();
    browser.switch_to_window(editor_window).await.unwrap();

    // Proposed with a reason.
    browser
        .find(Locator::Css("input[name=reason]"))
        .await
        .unwrap()
        .send_keys("A stricter pass mark")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#propose-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait("#proposal-summary".into()).await;
    wait("#no-self-approval".into()).await;
    let proposal_url = browser.current_url().await.unwrap().to_string();

    // A second quality user approves it.
    browser.delete_all_cookies().await.unwrap();
    sign_in("quality.two@t.test").await;
    browser.goto(&proposal_url).await.unwrap();
    wait("#approve-button".into()).await.click().await.unwrap();
    // The click navigates: read the state from the page it leads to, not the one it left.
    let started = Instant::now();
    let state = loop {
        let state = match browser.find(Locator::Css("#proposal-state")).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if state == "Approved and published" || started.elapsed() > Duration::from_secs(20) {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(state, "Approved and published");
    let v2 = common::lobby(db).await;
    assert_eq!(v2.version, v1.version + 1);
    assert_eq!(v2.checklist.pass_mark, 85.0);

    // The supervisor's next form is on the new version; the earlier inspection keeps v1.
    browser.delete_all_cookies().await.unwrap();
    sign_in("supervisor.a@t.test").await;
    browser
        .goto(&app.url(&format!(
            "/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
            w.site_a, w.staff_a
        )))
        .await
        .unwrap();
    let version = wait("form#spotcheck input[name=version]".into())
        .await
        .attr("value")
        .await
        .unwrap();
    assert_eq!(version, Some(v2.version_id.to_string()));
    let scored = inspection::Entity::find_by_id(earlier)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scored.checklist_version_id, v1.version_id);
    browser
        .goto(&app.url(&format!("/inspections/{earlier}")))
        .await
        .unwrap();
    let page = wait("body".into()).await.text().await.unwrap();
    assert!(
        page.contains(&format!("version {}", v1.version)),
        "the earlier inspection shows the version it was scored on: {page}"
    );
    assert!(!page.contains(&format!("version {}", v2.version)));

    browser.close().await.unwrap();
    drop(chromium);
}
