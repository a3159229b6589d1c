//! Sites' time zones over HTTP on SQLite and PostgreSQL: the default shift and the times
//! shown are the site's local ones (the server's clock is pinned at 01:31 UTC, which is
//! 09:31 in Hong Kong), and an admin sets a site's zone, with a bad one refused.

mod common;

use chrono::{DateTime, Utc};
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::clock::parse_time_zone;
use decorum::domain::scoring::Gender;
use entity::site;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

/// 01:31 UTC: the UTC clock says "night", Hong Kong and Shanghai say 09:31, morning.
fn half_past_one_utc() -> DateTime<Utc> {
    "2026-11-30T01:31:00Z".parse().unwrap()
}

async fn set_zone(app: &TestApp, site_id: i32, zone: &str) {
    let row = site::Entity::find_by_id(site_id)
        .one(&app.test_db.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: site::ActiveModel = row.into();
    row.time_zone = Set(zone.into());
    row.update(&app.test_db.db).await.unwrap();
}

async fn stored_zone(app: &TestApp, site_id: i32) -> String {
    site::Entity::find_by_id(site_id)
        .one(&app.test_db.db)
        .await
        .unwrap()
        .unwrap()
        .time_zone
}

async fn text(response: reqwest::Response) -> (u16, String) {
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Open a new spot-check form for `subject` at `site`; its page.
async fn open_form(app: &TestApp, client: &reqwest::Client, site: i32, subject: i32) -> String {
    let start = client
        .get(app.url(&format!(
            "/spotchecks/start?site={site}&subject={subject}&checklist=lobby-reception"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let page = client.get(app.url(&location)).send().await.unwrap();
    text(page).await.1
}

#[tokio::test]
async fn a_hong_kong_site_at_half_past_nine_gets_the_morning_shift_and_local_times() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn_with(backend, "time_zone_shift", |config| {
            config.fixed_now = Some(half_past_one_utc());
        })
        .await
        else {
            continue;
        };
        let World {
            site_a,
            site_b,
            staff_a,
            staff_b,
            ..
        } = seed_world(&app.test_db.db).await;
        set_zone(&app, site_a, "Asia/Hong_Kong").await;
        let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;

        let form = open_form(&app, &sup, site_a, staff_a).await;
        assert!(
            form.contains(r#"<option value="morning" selected>"#),
            "{backend:?}: 09:31 in Hong Kong is the morning shift, not UTC's night"
        );
        assert!(!form.contains(r#"<option value="night" selected>"#));
        assert!(form.contains(r#"name="shift_date" value="2026-11-30""#));

        // Submitted, the result shows the Hong Kong time it was submitted at.
        let body = common::perfect_lobby_form(
            &app.test_db.db,
            &csrf,
            (site_a, staff_a),
            Gender::Female,
            ("2026-11-30", "morning"),
        )
        .await;
        let id = uuid::Uuid::new_v4();
        let submitted = sup
            .post(app.url(&format!("/spotchecks/{id}/submit")))
            .form(&body)
            .send()
            .await
            .unwrap();
        let (status, page) = text(submitted).await;
        assert!(
            status == 303 || status == 200,
            "{backend:?}: {status} {page}"
        );
        let result = text(
            sup.get(app.url(&format!("/inspections/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await
        .1;
        assert!(
            result.contains("2026-11-30 09:31 HKT"),
            "{backend:?}: the submission time is Hong Kong's"
        );
        assert!(!result.contains("01:31"), "no UTC time is shown");

        // A site with no zone recorded runs on the configured default (Asia/Shanghai).
        let (sup_b, _) = app.sign_in("supervisor.b@t.test").await;
        let form_b = open_form(&app, &sup_b, site_b, staff_b).await;
        assert!(form_b.contains(r#"<option value="morning" selected>"#));

        // A site in New York at the same instant is on the evening of the day before.
        set_zone(&app, site_b, "America/New_York").await;
        let form_b = open_form(&app, &sup_b, site_b, staff_b).await;
        assert!(
            form_b.contains(r#"<option value="evening" selected>"#),
            "{backend:?}: 20:31 EST"
        );
        assert!(form_b.contains(r#"name="shift_date" value="2026-11-29""#));
    }
}

#[tokio::test]
async fn an_admin_sets_a_sites_time_zone_and_a_bad_one_is_refused() {
    for backend in BACKENDS {
        let london = parse_time_zone("Europe/London").unwrap();
        let Some(app) = TestApp::spawn_with(backend, "time_zone_admin", |config| {
            *config = config.clone().with_time_zone(london);
        })
        .await
        else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (admin, csrf) = app.sign_in("admin@t.test").await;

        // A site with none recorded shows the configured default; so does a new site.
        let (_, edit) = text(
            admin
                .get(app.url(&format!("/admin/sites/{}", w.site_a)))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            edit.contains(r#"name="time_zone" value="Europe/London""#),
            "{backend:?}"
        );
        assert!(
            edit.contains(r#"<option value="Asia/Hong_Kong">"#),
            "zones to pick from"
        );
        let (_, new) = text(admin.get(app.url("/admin/sites/new")).send().await.unwrap()).await;
        assert!(new.contains(r#"name="time_zone" value="Europe/London""#));

        let edit_with = |zone: &str| {
            vec![
                ("_csrf", csrf.clone()),
                ("name", "大堂 A Lobby".to_string()),
                ("kind", "lobby".to_string()),
                ("active", "on".to_string()),
                ("time_zone", zone.to_string()),
            ]
        };
        let post = |body: Vec<(&'static str, String)>, path: String| {
            let request = admin.post(app.url(&path)).form(&body);
            async move { text(request.send().await.unwrap()).await }
        };
        let site_path = format!("/admin/sites/{}", w.site_a);

        let (status, page) = post(edit_with("Mars/Olympus"), site_path.clone()).await;
        assert_eq!(status, 422, "{backend:?}: {page}");
        assert!(
            page.contains("`Mars/Olympus`"),
            "the message names what was typed"
        );
        assert!(
            page.contains("Asia/Hong_Kong"),
            "and says what a zone looks like"
        );
        assert_eq!(stored_zone(&app, w.site_a).await, "", "nothing was stored");

        let (status, _) = post(edit_with(" Asia/Hong_Kong "), site_path.clone()).await;
        assert_eq!(status, 303, "{backend:?}");
        assert_eq!(stored_zone(&app, w.site_a).await, "Asia/Hong_Kong");
        let (_, list) = text(admin.get(app.url("/admin/sites")).send().await.unwrap()).await;
        assert!(list.contains("Asia/Hong_Kong"));

        // The audit log spans sites: an admin with none sees the configured zone, named.
        let (_, audit) = text(admin.get(app.url("/audit")).send().await.unwrap()).await;
        assert!(
            audit.contains("<strong>Europe/London</strong>"),
            "{backend:?}"
        );
        assert!(audit.contains("Asia/Hong_Kong"), "the change is logged");
        assert!(!audit.contains(" UTC<"), "no UTC times");

        // A new site keeps the zone chosen; left empty, it gets the configured default.
        let create_with = |zone: &str| {
            vec![
                ("_csrf", csrf.clone()),
                ("code", "NY".to_string()),
                ("name", "New York Lobby".to_string()),
                ("kind", "lobby".to_string()),
                ("time_zone", zone.to_string()),
            ]
        };
        let (status, page) = post(create_with("Asia/Nowhere"), "/admin/sites".into()).await;
        assert_eq!(status, 422, "{backend:?}: {page}");
        let (status, _) = post(create_with("America/New_York"), "/admin/sites".into()).await;
        assert_eq!(status, 303, "{backend:?}");
        let mut second = create_with("");
        second[1].1 = "LDN".into();
        let (status, _) = post(second, "/admin/sites".into()).await;
        assert_eq!(status, 303, "{backend:?}");
        let zone_of = |code: &'static str| {
            let db = app.test_db.db.clone();
            async move {
                site::Entity::find()
                    .all(&db)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|s| s.code == code)
                    .unwrap()
                    .time_zone
            }
        };
        assert_eq!(zone_of("NY").await, "America/New_York");
        assert_eq!(zone_of("LDN").await, "Europe/London");
    }
}

/// Sites from before zones existed get the configured zone when the app next starts (so
/// a later change of the default does not move them); a zone that is not one is refused.
#[tokio::test]
async fn existing_sites_get_the_configured_zone_and_a_bad_one_stops_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = common::run_decorum(Some(&data), &["migrate"]);
    assert_eq!(code, 0, "{err}");
    let config = decorum::config::Config::new(None, data.clone(), common::repo_path("checklists"));
    let db = decorum::db::connect(&config).await.unwrap();
    let old = site::ActiveModel {
        code: Set("OLD".into()),
        name: Set("Before zones".into()),
        kind: Set("lobby".into()),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(old.time_zone, "", "what the migration gives existing rows");

    let (code, _, err) =
        common::run_decorum(Some(&data), &["migrate", "--time-zone", "Mars/Olympus"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("`Mars/Olympus` is not an IANA time zone"),
        "{err}"
    );

    let (code, _, err) =
        common::run_decorum(Some(&data), &["migrate", "--time-zone", "Asia/Hong_Kong"]);
    assert_eq!(code, 0, "{err}");
    let zone = |db: sea_orm::DatabaseConnection| async move {
        site::Entity::find_by_id(old.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .time_zone
    };
    assert_eq!(zone(db.clone()).await, "Asia/Hong_Kong");
    // The default changing later leaves it where it is.
    let (code, _, _) = common::run_decorum(Some(&data), &["migrate", "--time-zone", "UTC"]);
    assert_eq!(code, 0);
    assert_eq!(zone(db).await, "Asia/Hong_Kong");
}
