//! The read-only JSON API (token auth, scoping, OpenAPI document) and the weekly
//! sampling plan, over HTTP on SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::store::inspections::{Submission, submit};
use decorum::store::library::current_checklists;
use decorum::store::tokens;
use entity::planned_check;
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;

async fn spot_check(
    app: &TestApp,
    site: i32,
    subject: i32,
    inspector: i32,
    gender: Gender,
    date: NaiveDate,
) -> Uuid {
    let lobby = current_checklists(&app.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    let who = Subject {
        gender: Some(gender),
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
            shift_date: date,
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

async fn two_checks(app: &TestApp, w: &World) -> (Uuid, Uuid) {
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    (
        spot_check(
            app,
            w.site_a,
            w.staff_a,
            w.supervisor_a,
            Gender::Female,
            day,
        )
        .await,
        spot_check(app, w.site_b, w.staff_b, w.supervisor_b, Gender::Male, day).await,
    )
}

#[tokio::test]
async fn the_api_answers_only_with_a_token_and_within_its_scope() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "api").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (a, b) = two_checks(&app, &w).await;
        let client = app.new_client();
        let url = app.url("/api/v1/inspections?from=2026-11-01&to=2026-11-30");

        let none = client.get(&url).send().await.unwrap();
        assert_eq!(none.status(), 401);
        let body: serde_json::Value = none.json().await.unwrap();
        assert!(body["messages"].is_array(), "errors are JSON");
        assert_eq!(
            client
                .get(&url)
                .bearer_auth("dct_wrong")
                .send()
                .await
                .unwrap()
                .status(),
            401
        );

        let quality = tokens::create(&app.test_db.db, "quality@t.test", "BI")
            .await
            .unwrap();
        let all: Vec<serde_json::Value> = client
            .get(&url)
            .bearer_auth(&quality)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<&str> = all.iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(all.len(), 2, "{backend:?}");
        assert!(ids.contains(&a.to_string().as_str()) && ids.contains(&b.to_string().as_str()));
        assert_eq!(all[0]["checklist"], "lobby-reception");
        assert_eq!(all[0]["percent"], 100.0);

        let manager = tokens::create(&app.test_db.db, "manager.a@t.test", "site A sheet")
            .await
            .unwrap();
        let mine: Vec<serde_json::Value> = client
            .get(&url)
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["id"], a.to_string());
        let foreign = client
            .get(app.url(&format!("/api/v1/inspections?site={}", w.site_b)))
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 403);

        let responses: Vec<serde_json::Value> = client
            .get(app.url("/api/v1/responses?from=2026-11-01&to=2026-11-30"))
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(!responses.is_empty());
        assert!(
            responses
                .iter()
                .all(|r| r["inspection_id"] == a.to_string() && r["outcome"] == "passed")
        );

        let staff = tokens::create(&app.test_db.db, "staff.a@t.test", "mine")
            .await
            .unwrap();
        assert_eq!(
            client
                .get(&url)
                .bearer_auth(&staff)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let bad = client
            .get(app.url("/api/v1/inspections?from=soon"))
            .bearer_auth(&quality)
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.unwrap().contains("is not a date"));
        assert!(
            tokens::create(&app.test_db.db, "nobody@t.test", "x")
                .await
                .is_err()
        );

        let doc: serde_json::Value = client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"]["/api/v1/inspections"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/responses"]["get"].is_object());
    }
}

#[tokio::test]
async fn the_weekly_plan_covers_everyone_due_and_ticks_off_done_checks() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "plan").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (sup, _) = app.sign_in("supervisor.a@t.test").await;
        let monday = "2026-11-30";
        let page = sup
            .get(app.url(&format!("/plan?week={monday}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        // Nobody at site A was ever checked: both are due and planned; site B is not shown.
        assert!(
            html.contains("staff.a<") || html.contains("staff.a "),
            "{backend:?}"
        );
        assert!(html.contains("staff.a2"));
        assert!(!html.contains("staff.b"));
        assert!(html.contains(&format!(
            "/spotchecks/new?site={}&amp;subject={}",
            w.site_a, w.staff_a
        )));
        let stored = planned_check::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap();
        // Viewing again (or from another app instance) does not plan twice.
        sup.get(app.url(&format!("/plan?week={monday}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            planned_check::Entity::find()
                .count(&app.test_db.db)
                .await
                .unwrap(),
            stored
        );

        // A spot-check that week ticks staff.a off.
        let id = spot_check(
            &app,
            w.site_a,
            w.staff_a,
            w.supervisor_a,
            Gender::Female,
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        )
        .await;
        let html = sup
            .get(app.url(&format!("/plan?week={monday}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!("/inspections/{id}")));
        assert!(html.contains("1 / "), "one of the plan done");

        // The quality department sees every site's plan; staff see none.
        let (quality, _) = app.sign_in("quality@t.test").await;
        let html = quality
            .get(app.url(&format!("/plan?week={monday}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("staff.b"));
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        assert_eq!(
            staff.get(app.url("/plan")).send().await.unwrap().status(),
            403
        );
        assert_eq!(
            sup.get(app.url("/plan?week=someday"))
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
    }
}

/// The probe's week had all ten checks on one Friday afternoon and evening: a site's
/// checks are dealt over the working days and the on-post hours instead.
#[tokio::test]
async fn the_weekly_plan_spreads_a_sites_checks_over_the_days_and_shifts() {
    use decorum::auth::Role;
    use decorum::store::users::{NewUser, add_atomic};
    for backend in BACKENDS {
        // Pinned to the Monday morning the week starts, in the site's (default) zone.
        let Some(app) = TestApp::spawn_with(backend, "plan_spread", |config| {
            config.fixed_now = Some("2026-11-30T01:31:00Z".parse().unwrap());
        })
        .await
        else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        for i in 0..8 {
            add_atomic(
                &app.test_db.db,
                NewUser {
                    email: format!("desk{i}@t.test"),
                    name: format!("desk{i}"),
                    role: Role::Staff,
                    password: None,
                    position: Some("lobby-concierge".into()),
                    gender: Some(Gender::Female),
                    hire_date: None,
                    sites: vec!["A".into()],
                },
                None,
            )
            .await
            .unwrap();
        }
        let (sup, _) = app.sign_in("supervisor.a@t.test").await;
        let html = sup
            .get(app.url("/plan"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // Ten people never checked at site A: ten checks, Monday to Saturday, at most
        // two a day, half in each of the on-post spans.
        let days: Vec<usize> = (0..6)
            .map(|d| {
                let date =
                    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + chrono::Duration::days(d);
                html.matches(&format!("<td>{date}</td>")).count()
            })
            .collect();
        assert_eq!(days.iter().sum::<usize>(), 10, "{backend:?}: {days:?}");
        assert!(
            days.iter().all(|&n| (1..=2).contains(&n)),
            "{backend:?}: {days:?}"
        );
        assert!(!html.contains("<td>2026-12-06</td>"), "nothing on Sunday");
        let in_hours = |hours: &str| {
            html.matches(&format!(r#"<span class="muted">{hours}</span>"#))
                .count()
        };
        assert_eq!(in_hours("08:30–12:00"), 5, "{backend:?}");
        assert_eq!(in_hours("14:30–18:00"), 5, "{backend:?}");
    }
}
