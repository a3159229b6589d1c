//! Times are shown in the zone of the site each row belongs to (issue 21), on SQLite and
//! PostgreSQL. Two sites, Hong Kong and New York, each with a spot-check submitted at
//! 2026-01-15 14:00 UTC: 22:00 HKT in Hong Kong, 09:00 EST in New York. A viewer of both
//! sees each row's local time with its zone named beside it (the inspections list, the
//! result pages, the inspection PDF, the CSV export); a viewer of one site sees the times
//! without a zone on every row, the zone named once in the column heading; rows of no
//! site (the audit log, the webhook delivery log) are in the configured zone, named once.

mod common;

use chrono::{DateTime, Utc};
use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::clock::parse_time_zone;
use decorum::domain::scoring::Gender;
use entity::site;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

fn two_pm_utc() -> DateTime<Utc> {
    "2026-01-15T14:00:00Z".parse().unwrap()
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

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let r = client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

async fn submit(
    app: &TestApp,
    email: &str,
    (site, subject): (i32, i32),
    gender: Gender,
    period: &str,
) -> uuid::Uuid {
    let (client, csrf) = app.sign_in(email).await;
    let body = common::perfect_lobby_form(
        &app.test_db.db,
        &csrf,
        (site, subject),
        gender,
        ("2026-01-15", period),
    )
    .await;
    let id = uuid::Uuid::new_v4();
    let reply = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    let status = reply.status();
    assert_eq!(status, 200, "{}", reply.text().await.unwrap_or_default());
    id
}

/// The `<td class="submitted-at">` cells of an inspections list, in order.
fn submitted_cells(page: &str) -> Vec<String> {
    page.split(r#"<td class="submitted-at">"#)
        .skip(1)
        .map(|rest| rest.split("</td>").next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_row_shows_its_sites_local_time_with_the_zone_named_where_sites_differ() {
    for backend in BACKENDS {
        let london = parse_time_zone("Europe/London").unwrap();
        let Some(app) = TestApp::spawn_with(backend, "time_zones_shown", |config| {
            config.fixed_now = Some(two_pm_utc());
            *config = config.clone().with_time_zone(london);
        })
        .await
        else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        set_zone(&app, w.site_a, "Asia/Hong_Kong").await;
        set_zone(&app, w.site_b, "America/New_York").await;
        let hk = submit(
            &app,
            "supervisor.a@t.test",
            (w.site_a, w.staff_a),
            Gender::Female,
            "night",
        )
        .await;
        let ny = submit(
            &app,
            "supervisor.b@t.test",
            (w.site_b, w.staff_b),
            Gender::Male,
            "morning",
        )
        .await;

        // Quality sees both sites: each time with its zone, the heading plain.
        let (quality, _) = app.sign_in("quality@t.test").await;
        let list = get(&quality, &app, "/inspections").await;
        let mut cells = submitted_cells(&list);
        cells.sort();
        assert_eq!(
            cells,
            ["2026-01-15 09:00 EST", "2026-01-15 22:00 HKT"],
            "{backend:?}"
        );
        assert!(list.contains("<th>Submitted</th>"), "{backend:?}");
        assert!(!list.contains("14:00"), "{backend:?}: no UTC time");

        // The supervisor of the Hong Kong site: no zone on the row, named in the heading.
        let (sup_a, _) = app.sign_in("supervisor.a@t.test").await;
        let list = get(&sup_a, &app, "/inspections").await;
        assert_eq!(submitted_cells(&list), ["2026-01-15 22:00"], "{backend:?}");
        assert!(
            list.contains("<th>Submitted (Asia/Hong_Kong)</th>"),
            "{backend:?}"
        );
        assert!(!list.contains("HKT"), "{backend:?}: no per-row zone noise");
        // In Chinese too.
        let r = sup_a
            .get(app.url("/inspections"))
            .header("accept-language", "zh-TW")
            .send()
            .await
            .unwrap();
        let zh = r.text().await.unwrap();
        assert!(zh.contains("提交時間（Asia/Hong_Kong）"), "{backend:?}");

        // Each result page: its site's time, named.
        let page = get(&quality, &app, &format!("/inspections/{hk}")).await;
        assert!(page.contains("2026-01-15 22:00 HKT"), "{backend:?}");
        let page = get(&quality, &app, &format!("/inspections/{ny}")).await;
        assert!(page.contains("2026-01-15 09:00 EST"), "{backend:?}");
        assert!(!page.contains("14:00"), "{backend:?}");

        // A corrective action at the New York site, closed at the same instant: its
        // history says New York's time, not UTC's.
        let lobby = common::lobby(&app.test_db.db).await;
        let action = entity::corrective_action::ActiveModel {
            inspection_id: Set(ny),
            checklist_version_id: Set(lobby.version_id),
            item_key: Set("ready-appearance".into()),
            site_id: Set(w.site_b),
            text: Set(Some("Fix the badge".into())),
            owner_id: Set(Some(w.supervisor_b)),
            owner_role: Set(None),
            due_date: Set(chrono::NaiveDate::from_ymd_opt(2026, 1, 20).unwrap()),
            priority: Set(entity::states::ActionPriority::Normal),
            origin: Set("inspector".into()),
            photo_required: Set(false),
            status: Set(entity::states::ActionStatus::Closed),
            raised_by: Set(w.supervisor_b),
            created_at: Set(two_pm_utc()),
            close_note: Set(Some("Done".into())),
            closed_by: Set(Some(w.supervisor_b)),
            closed_at: Set(Some(two_pm_utc())),
            ..Default::default()
        }
        .insert(&app.test_db.db)
        .await
        .unwrap();
        let page = get(&quality, &app, &format!("/actions/{}", action.id)).await;
        assert!(page.contains("2026-01-15 09:00 EST"), "{backend:?}: {page}");
        assert!(!page.contains(" UTC"), "{backend:?}");

        // The inspection PDF says New York's time with its zone.
        let pdf = quality
            .get(app.url(&format!("/inspections/{ny}/report.pdf")))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), 200);
        let text = common::pdf::text(&pdf.bytes().await.unwrap(), None);
        assert!(text.contains("2026-01-15 09:00 EST"), "{backend:?}: {text}");

        // The CSV: each row its site's local time beside the zone.
        let csv = get(
            &quality,
            &app,
            "/quality/inspections.csv?from=2026-01-01&to=2026-01-31",
        )
        .await;
        let row_of = |zone: &str| {
            csv.lines()
                .find(|l| l.contains(zone))
                .unwrap_or_else(|| panic!("{backend:?}: no {zone} row in {csv}"))
                .to_string()
        };
        assert!(row_of("Asia/Hong_Kong").contains("2026-01-15 22:00:00"));
        assert!(row_of("America/New_York").contains("2026-01-15 09:00:00"));

        // Rows of no site: the configured zone (quality and admins belong to no site),
        // named once above the times, none of which carries a zone.
        let audit = get(&quality, &app, "/audit").await;
        assert!(
            audit.contains("<strong>Europe/London</strong>"),
            "{backend:?}"
        );
        for noise in [" HKT<", " EST<", " GMT<", " BST<", " UTC<"] {
            assert!(
                !audit.contains(noise),
                "{backend:?}: {noise} in the audit log"
            );
        }
        let (admin, _) = app.sign_in("admin@t.test").await;
        let hooks = get(&admin, &app, "/admin/webhooks").await;
        assert!(
            hooks.contains("<strong>Europe/London</strong>"),
            "{backend:?}"
        );
    }
}
