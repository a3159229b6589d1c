//! Voiding is the only way to undo a submitted inspection and it is audited; the audit
//! log is browsable by the quality department and editable by no one; oversized bodies
//! are refused; `decorum backup` makes a copy that restores every record.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::store::inspections::{Submission, submit};
use decorum::store::library::current_checklists;
use entity::{audit_log, inspection};
use sea_orm::{ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

async fn submitted(app: &TestApp, site: i32, subject: i32, inspector: i32) -> Uuid {
    let lobby = current_checklists(&app.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    let who = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let id = Uuid::new_v4();
    submit(
        &app.test_db.db,
        &lobby,
        &who,
        Submission {
            id,
            site_id: site,
            shift_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            shift_period: entity::states::ShiftPeriod::Morning,
            subject_id: subject,
            inspector_id: inspector,
            context: Context::new(),
            answers: common::perfect_answers(&lobby.checklist, &who, &Context::new()),
            notes: Default::default(),
            submitted_at: chrono::Utc::now(),
            recheck_of: None,
            photos: Default::default(),
            recheck: None,
        },
    )
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn voiding_is_audited_and_only_for_site_managers() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "void").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let id = submitted(&app, w.site_a, w.staff_a, w.supervisor_a).await;
        let path = app.url(&format!("/inspections/{id}/void"));

        for who in ["supervisor.a@t.test", "quality@t.test", "staff.a@t.test"] {
            let (client, csrf) = app.sign_in(who).await;
            let r = client
                .post(&path)
                .form(&[("_csrf", csrf.as_str()), ("reason", "x")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{who} may not void");
        }
        let (manager, csrf) = app.sign_in("manager.a@t.test").await;
        let page = manager
            .get(app.url(&format!("/inspections/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("/void\""),
            "the manager is offered the void form"
        );
        let r = manager
            .post(&path)
            .form(&[("_csrf", csrf.as_str()), ("reason", "  ")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "a reason is required");
        let r = manager
            .post(&path)
            .form(&[("reason", "wrong person")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "CSRF");
        let r = manager
            .post(&path)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("reason", "Scored the wrong person <b>"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let row = inspection::Entity::find_by_id(id)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.void_reason.as_deref()),
            ("void", Some("Scored the wrong person <b>"))
        );
        let r = manager
            .post(&path)
            .form(&[("_csrf", csrf.as_str()), ("reason", "again")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            409,
            "{backend:?}: a void inspection cannot be voided again"
        );

        let audit = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("void"))
            .filter(audit_log::Column::EntityId.eq(id.to_string()))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the void is audited");
        assert_eq!(audit.actor_id, Some(w.manager_a));
        assert_eq!(audit.before.unwrap()["status"], "submitted");
        assert_eq!(audit.after.unwrap()["status"], "void");

        // The quality department browses the log, escaped; staff and managers do not.
        let (quality, _) = app.sign_in("quality@t.test").await;
        let r = quality
            .get(app.url("/audit?entity=inspection"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("void") && html.contains(&id.to_string()));
        assert!(html.contains("&lt;b&gt;") && !html.contains("person <b>"));
        for who in ["staff.a@t.test", "manager.a@t.test"] {
            let (client, _) = app.sign_in(who).await;
            assert_eq!(
                client.get(app.url("/audit")).send().await.unwrap().status(),
                403
            );
        }
        // No route edits or deletes the log.
        let before = audit_log::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap();
        for method in [
            reqwest::Method::POST,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
        ] {
            let r = quality
                .request(method, app.url("/audit"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 405);
        }
        assert_eq!(
            audit_log::Entity::find()
                .count(&app.test_db.db)
                .await
                .unwrap(),
            before
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let Some(app) = TestApp::spawn(common::Backend::Sqlite, "body_limit").await else {
        return;
    };
    seed_world(&app.test_db.db).await;
    let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;
    let huge = "長".repeat(600_000);
    let r = sup
        .post(app.url(&format!("/spotchecks/{}/draft", Uuid::new_v4())))
        .form(&[("_csrf", csrf.as_str()), ("n.x", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        inspection::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_backup_restores_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| common::run_decorum(Some(&data), args);
    assert_eq!(run(&["migrate"]).0, 0);
    for (email, role) in [
        ("a@t.test", "admin"),
        ("b@t.test", "quality"),
        ("c@t.test", "supervisor"),
    ] {
        let (code, _, err) = run(&[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "陳美玲",
            "--role",
            role,
            "--no-login",
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let copy = dir.path().join("backup.db");
    let (code, out, err) = run(&["backup", copy.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("backed up to"));
    let restored = Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .unwrap();
    assert_eq!(
        entity::user::Entity::find().count(&restored).await.unwrap(),
        3
    );
    let original = Database::connect(format!(
        "sqlite://{}?mode=ro",
        data.join("decorum.db").display()
    ))
    .await
    .unwrap();
    assert_eq!(
        entity::audit_log::Entity::find()
            .count(&restored)
            .await
            .unwrap(),
        entity::audit_log::Entity::find()
            .count(&original)
            .await
            .unwrap()
    );
    let (code, _, err) = run(&["backup", copy.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
}
