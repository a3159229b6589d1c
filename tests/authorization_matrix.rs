//! Every spot-check and inspection route × every role × own or foreign site × own or
//! foreign person: allowed or refused, as a table. Refusals are 403 pages that do not say
//! whether the thing exists; no one signed in is sent to sign in (401 for API calls).

mod common;

use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Context, Gender, Subject};
use decorum::store::inspections::{Submission, submit};
use decorum::store::library::current_checklists;
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The people the table has a column for, in order.
const WHO: [&str; 8] = [
    "anon",
    "admin",
    "quality",
    "manager.a",
    "supervisor.a",
    "supervisor.b",
    "staff.a",
    "staff.a2",
];

/// One expectation per person in `WHO`: a status, or `S` for "sent to sign in",
/// `F` for "sent on to the form".
struct Row {
    method: &'static str,
    path: String,
    expect: [&'static str; 8],
}

async fn stored_inspection(
    app: &TestApp,
    site: i32,
    subject: i32,
    inspector: i32,
    gender: Gender,
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
    let answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    submit(
        &app.test_db.db,
        &lobby,
        &who,
        Submission {
            id,
            site_id: site,
            shift_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            shift_period: "morning".into(),
            subject_id: subject,
            inspector_id: inspector,
            context: Context::new(),
            answers,
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

async fn spot_check_body(
    app: &TestApp,
    csrf: &str,
    site: i32,
    subject: i32,
    gender: Gender,
) -> Vec<(String, String)> {
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
    let answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), lobby.version_id.to_string()),
        ("site".into(), site.to_string()),
        ("subject".into(), subject.to_string()),
        ("shift_date".into(), common::recent_shift_date()),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, &Default::default(), &Context::new()));
    body
}

#[tokio::test]
async fn every_route_allows_exactly_the_right_people() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "authorization_matrix").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let ins_a =
            stored_inspection(&app, w.site_a, w.staff_a, w.supervisor_a, Gender::Female).await;
        let ins_b =
            stored_inspection(&app, w.site_b, w.staff_b, w.supervisor_b, Gender::Male).await;

        let mut clients: Vec<(Client, String)> = vec![(app.new_client(), String::new())];
        for who in &WHO[1..] {
            clients.push(app.sign_in(&format!("{who}@t.test")).await);
        }
        // A draft that belongs to supervisor.a.
        let draft_a = Uuid::new_v4();
        let (sup_a, sup_a_csrf) = &clients[4];
        let body = spot_check_body(&app, sup_a_csrf, w.site_a, w.staff_a, Gender::Female).await;
        let saved = sup_a
            .post(app.url(&format!("/spotchecks/{draft_a}/draft")))
            .form(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 200);

        let (a, b) = (w.site_a, w.site_b);
        let staff_a_training = entity::training_assignment::Entity::find()
            .filter(entity::training_assignment::Column::UserId.eq(w.staff_a))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("staff.a has the new-hire curriculum")
            .id;
        let rows = vec![
            Row {
                method: "GET",
                path: "/".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={a}"),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={a}&subject={}", w.staff_a),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}&subject={}", w.staff_b),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}&subject={}", w.staff_a),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!(
                    "/spotchecks/start?site={a}&subject={}&checklist=lobby-reception",
                    w.staff_a
                ),
                expect: ["S", "F", "F", "F", "F", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!(
                    "/spotchecks/start?site={b}&subject={}&checklist=lobby-reception",
                    w.staff_b
                ),
                expect: ["S", "F", "F", "403", "403", "F", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/{draft_a}"),
                expect: ["S", "200", "403", "403", "200", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/inspections".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
            },
            Row {
                method: "GET",
                path: format!("/inspections?site={b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_a}"),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{}", Uuid::new_v4()),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/{ins_a}"),
                expect: ["S", "303", "303", "303", "303", "403", "303", "403"],
            },
            Row {
                method: "DRAFT_A",
                path: String::new(),
                expect: ["401", "200", "200", "200", "200", "403", "403", "403"],
            },
            Row {
                method: "DRAFT_B",
                path: String::new(),
                expect: ["401", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "SUBMIT_A",
                path: String::new(),
                expect: ["401", "200", "200", "200", "200", "403", "403", "403"],
            },
            Row {
                method: "SUBMIT_B",
                path: String::new(),
                expect: ["401", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "ACK",
                path: format!("/inspections/{ins_a}/acknowledge"),
                expect: ["S", "403", "403", "403", "403", "403", "303", "403"],
            },
            Row {
                method: "GET",
                path: "/training".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
            },
            Row {
                method: "GET",
                path: "/training/assign".into(),
                expect: ["S", "200", "403", "200", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/training/effectiveness".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
            },
            // staff.a's first curriculum assignment: only staff.a may open it.
            Row {
                method: "GET",
                path: format!("/training/{staff_a_training}"),
                expect: ["S", "403", "403", "403", "403", "403", "200", "403"],
            },
            Row {
                method: "GET",
                path: "/training/999999".into(),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/admin".into(),
                expect: ["S", "200", "403", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/quality".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/quality?site={b}"),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/quality/inspections.csv".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/plan".into(),
                expect: ["S", "200", "200", "200", "200", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: "/audit".into(),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_a}/report.pdf"),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_b}/report.pdf"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/reports/site.pdf?site={a}"),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
            },
            Row {
                method: "GET",
                path: format!("/reports/staff/{}.pdf", w.staff_a),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
            },
            // The API takes a bearer token, never a browser session.
            Row {
                method: "GET",
                path: "/api/v1/inspections".into(),
                expect: ["401", "401", "401", "401", "401", "401", "401", "401"],
            },
        ];

        let mut failures = Vec::new();
        for row in &rows {
            for (n, (client, csrf)) in clients.iter().enumerate() {
                let who = WHO[n];
                let response = match row.method {
                    "GET" => client.get(app.url(&row.path)).send().await.unwrap(),
                    "ACK" => client
                        .post(app.url(&row.path))
                        .form(&[("_csrf", csrf.as_str())])
                        .send()
                        .await
                        .unwrap(),
                    kind => {
                        let (site, subject, gender) = if kind.ends_with("_A") {
                            (w.site_a, w.staff_a, Gender::Female)
                        } else {
                            (w.site_b, w.staff_b, Gender::Male)
                        };
                        let action = if kind.starts_with("DRAFT") {
                            "draft"
                        } else {
                            "submit"
                        };
                        let body = spot_check_body(&app, csrf, site, subject, gender).await;
                        client
                            .post(app.url(&format!("/spotchecks/{}/{action}", Uuid::new_v4())))
                            .header("accept", "application/json")
                            .form(&body)
                            .send()
                            .await
                            .unwrap()
                    }
                };
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = response.text().await.unwrap_or_default();
                let expected = row.expect[n];
                let ok = match expected {
                    "S" => status == 303 && location.starts_with("/signin"),
                    "F" => status == 303 && location.starts_with("/spotchecks/"),
                    code => status.to_string() == code,
                };
                if !ok {
                    failures.push(format!(
                        "{} {} as {who}: expected {expected}, got {status} {location}",
                        row.method, row.path
                    ));
                }
                if status == 403 {
                    // A refusal never tells whether the thing exists.
                    assert!(
                        !body.contains("not found") && !body.contains("does not exist"),
                        "{body}"
                    );
                }
            }
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
    }
}
