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
    /// For `POST`: the fields sent with the viewer's CSRF token.
    form: Vec<(&'static str, String)>,
}

async fn stored_inspection(
    app: &TestApp,
    site: i32,
    subject: i32,
    inspector: i32,
    gender: Gender,
) -> Uuid {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    stored_inspection_on(app, date, site, subject, inspector, gender).await
}

async fn stored_inspection_on(
    app: &TestApp,
    date: chrono::NaiveDate,
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
            shift_date: date,
            shift_period: entity::states::ShiftPeriod::Morning,
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

/// An open corrective action on `inspection` (at site A): owned by staff.a, raised by
/// supervisor.a.
async fn raised_action(app: &TestApp, inspection: Uuid, w: &common::World) -> i32 {
    use decorum::domain::actions::{NewAction, Origin, Owner, Priority};
    use decorum::store::actions::{RaisedBy, insert_raised};
    let stored = entity::inspection::Entity::find_by_id(inspection)
        .one(&app.test_db.db)
        .await
        .unwrap()
        .unwrap();
    let item = "bow".to_string();
    insert_raised(
        &app.test_db.db,
        RaisedBy {
            inspection,
            version: stored.checklist_version_id,
            site: w.site_a,
            inspector: w.supervisor_a,
            at: chrono::Utc::now(),
        },
        &[NewAction {
            item: item.clone(),
            text: Some("Practise the bow".into()),
            owner: Owner::Person(w.staff_a),
            due: chrono::Utc::now().date_naive() + chrono::Days::new(7),
            priority: Priority::Normal,
            photo_required: false,
            origin: Origin::Inspector,
        }],
    )
    .await
    .unwrap();
    entity::corrective_action::Entity::find()
        .filter(entity::corrective_action::Column::InspectionId.eq(inspection))
        .all(&app.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .max()
        .expect("the action just raised")
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
        let action_a = raised_action(&app, ins_a, &w).await;
        let lobby_source =
            std::fs::read_to_string("checklists/lobby-reception.toml").expect("shipped file");
        let proposal = {
            let (quality, csrf) = &clients[2];
            let filed = quality
                .post(app.url("/authoring/checklists/lobby-reception"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("source", lobby_source.as_str()),
                    ("reason", "Matrix probe"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(filed.status(), 303, "quality files a proposal");
            entity::proposal::Entity::find()
                .all(&app.test_db.db)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .max()
                .expect("the proposal just filed")
        };
        let rows = vec![
            Row {
                method: "GET",
                path: "/".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={a}"),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={a}&subject={}", w.staff_a),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}&subject={}", w.staff_b),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/new?site={b}&subject={}", w.staff_a),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!(
                    "/spotchecks/start?site={a}&subject={}&checklist=lobby-reception",
                    w.staff_a
                ),
                expect: ["S", "F", "F", "F", "F", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!(
                    "/spotchecks/start?site={b}&subject={}&checklist=lobby-reception",
                    w.staff_b
                ),
                expect: ["S", "F", "F", "403", "403", "F", "403", "403"],
                form: vec![],
            },
            // A draft is its inspector's alone: an admin neither opens nor saves it.
            Row {
                method: "GET",
                path: format!("/spotchecks/{draft_a}"),
                expect: ["S", "403", "403", "403", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/inspections".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections?site={b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_a}"),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_b}"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{}", Uuid::new_v4()),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/spotchecks/{ins_a}"),
                expect: ["S", "303", "303", "303", "303", "403", "303", "403"],
                form: vec![],
            },
            Row {
                method: "DRAFT_A",
                path: String::new(),
                expect: ["401", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "DRAFT_B",
                path: String::new(),
                expect: ["401", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "SUBMIT_A",
                path: String::new(),
                expect: ["401", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "SUBMIT_B",
                path: String::new(),
                expect: ["401", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "ACK",
                path: format!("/inspections/{ins_a}/acknowledge"),
                expect: ["S", "403", "403", "403", "403", "403", "303", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/training".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/training/assign".into(),
                expect: ["S", "200", "403", "200", "200", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/training/effectiveness".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            // staff.a's first curriculum assignment: only staff.a may open it.
            Row {
                method: "GET",
                path: format!("/training/{staff_a_training}"),
                expect: ["S", "403", "403", "403", "403", "403", "200", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/training/999999".into(),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/admin".into(),
                expect: ["S", "200", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // Webhook endpoints receive every site's events: admins only.
            Row {
                method: "GET",
                path: "/admin/webhooks".into(),
                expect: ["S", "200", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // The submission writer's batch sizes (the benchmark's fair limit): admins only.
            Row {
                method: "GET",
                path: "/admin/writer.json".into(),
                expect: ["S", "200", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // The standard is written by the quality department and admins.
            Row {
                method: "GET",
                path: "/authoring".into(),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/quality".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/quality?site={b}"),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/quality/inspections.csv".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/plan".into(),
                expect: ["S", "200", "200", "200", "200", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/audit".into(),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_a}/report.pdf"),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/inspections/{ins_b}/report.pdf"),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/reports/site.pdf?site={a}"),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/reports/staff/{}.pdf", w.staff_a),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
                form: vec![],
            },
            // A record is for those above the person at their sites: a supervisor
            // does not read their manager's, nor a colleague at another site theirs.
            Row {
                method: "GET",
                path: format!("/reports/staff/{}.pdf", w.manager_a),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/reports/staff/{}.pdf", w.supervisor_a),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/reports/staff/{}.pdf", w.supervisor_b),
                expect: ["S", "200", "200", "403", "403", "200", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/reports/staff/999999.pdf".into(),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // Corrective actions: everyone has a list of their own; one action (owned by
            // staff.a, raised by supervisor.a at A) is seen by its owner, its raiser and
            // those above staff who see its site.
            Row {
                method: "GET",
                path: "/actions".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/actions/{action_a}"),
                expect: ["S", "200", "200", "200", "200", "403", "200", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: "/actions/999999".into(),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // Closed by its owner or a manager of its site (each try on a fresh action).
            Row {
                method: "CLOSE",
                path: "/actions/{fresh}/close".into(),
                expect: ["S", "303", "403", "303", "403", "403", "303", "403"],
                form: vec![],
            },
            // Mail preferences are everyone's own.
            Row {
                method: "GET",
                path: "/settings/mail".into(),
                expect: ["S", "200", "200", "200", "200", "200", "200", "200"],
                form: vec![],
            },
            // Emailing a result: those who may open it, staff excepted...
            Row {
                method: "GET",
                path: format!("/inspections/{ins_a}/email"),
                expect: ["S", "200", "200", "200", "200", "403", "403", "403"],
                form: vec![],
            },
            // ...and never to someone who may not open it (staff.b is at site B).
            Row {
                method: "POST",
                path: format!("/inspections/{ins_a}/email"),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![("to:STAFF_B", "on".into())],
            },
            // The staff filter's suggestions: the viewer's sites only.
            Row {
                method: "GET",
                path: "/quality/people?q=".into(),
                expect: ["S", "200", "200", "200", "403", "403", "403", "403"],
                form: vec![],
            },
            Row {
                method: "GET",
                path: format!("/quality/people?q=&site={b}"),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![],
            },
            // Authoring writes: the quality department and admins only.
            Row {
                method: "POST",
                path: "/authoring/checklists/lobby-reception/lint".into(),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![("source", lobby_source.clone())],
            },
            Row {
                method: "POST",
                path: "/authoring/checklists/lobby-reception/preview".into(),
                expect: ["S", "200", "200", "403", "403", "403", "403", "403"],
                form: vec![("source", lobby_source.clone())],
            },
            Row {
                method: "POST",
                path: "/authoring/checklists/lobby-reception/rollback".into(),
                expect: ["S", "ANY", "ANY", "403", "403", "403", "403", "403"],
                form: vec![("version", "1".into())],
            },
            Row {
                method: "POST",
                path: "/authoring/checklists/lobby-reception".into(),
                expect: ["S", "303", "303", "403", "403", "403", "403", "403"],
                form: vec![
                    ("source", lobby_source.clone()),
                    ("reason", "Matrix probe".into()),
                ],
            },
            // quality's proposal: the admin approves it; quality may not approve their
            // own (409); no one else reaches it.
            Row {
                method: "POST",
                path: format!("/authoring/proposals/{proposal}/review"),
                expect: ["S", "303", "409", "403", "403", "403", "403", "403"],
                form: vec![("decision", "approve".into())],
            },
            // An unknown proposal is refused like a foreign one.
            Row {
                method: "POST",
                path: "/authoring/proposals/999999/review".into(),
                expect: ["S", "403", "403", "403", "403", "403", "403", "403"],
                form: vec![("decision", "approve".into())],
            },
            // The API takes a bearer token, never a browser session.
            Row {
                method: "GET",
                path: "/api/v1/inspections".into(),
                expect: ["401", "401", "401", "401", "401", "401", "401", "401"],
                form: vec![],
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
                    "POST" => {
                        let mut form = vec![("_csrf".to_string(), csrf.clone())];
                        for (k, v) in &row.form {
                            let k = k.replace("STAFF_B", &w.staff_b.to_string());
                            form.push((k, v.clone()));
                        }
                        client
                            .post(app.url(&row.path))
                            .form(&form)
                            .send()
                            .await
                            .unwrap()
                    }
                    "CLOSE" => {
                        let fresh = raised_action(&app, ins_a, &w).await;
                        let form = reqwest::multipart::Form::new()
                            .text("_csrf", csrf.clone())
                            .text("note", "Pressed and re-hemmed.");
                        client
                            .post(app.url(&row.path.replace("{fresh}", &fresh.to_string())))
                            .multipart(form)
                            .send()
                            .await
                            .unwrap()
                    }
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
                    // Allowed: whatever the handler makes of the request, but not a refusal.
                    "ANY" => {
                        status < 500
                            && status != 401
                            && status != 403
                            && !(status == 303 && location.starts_with("/signin"))
                    }
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

// ---- rows, not only routes ------------------------------------------------------------

/// A GET's status and body.
async fn fetch(client: &Client, app: &TestApp, path: &str) -> (u16, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn page(client: &Client, app: &TestApp, path: &str) -> String {
    let (status, body) = fetch(client, app, path).await;
    assert_eq!(status, 200, "GET {path}");
    String::from_utf8(body).unwrap()
}

async fn pdf_text(client: &Client, app: &TestApp, path: &str) -> String {
    let (status, body) = fetch(client, app, path).await;
    assert_eq!(status, 200, "GET {path}");
    common::pdf::text(&body, None)
}

/// What a read model shows one viewer: `shows` must all be in it, `hides` none.
#[track_caller]
fn sees(what: &str, who: &str, body: &str, shows: &[&str], hides: &[&str]) {
    for s in shows {
        assert!(body.contains(s), "{what} as {who} lacks {s:?}:\n{body}");
    }
    for h in hides {
        assert!(!body.contains(h), "{what} as {who} shows {h:?}:\n{body}");
    }
}

/// A person at both sites, checked at site B three days ago and at site A forty days
/// ago; a colleague of another role at site A, a staff member beside them, and a
/// supervisor at site B. Every read model shows each viewer the rows they may open and
/// nothing else: the dates, inspectors and site names of the other site's checks are
/// absent, the coverage's "last spot-check" is the one the viewer may open, and a
/// record or a filter on a person out of reach answers as if the person did not exist.
#[tokio::test]
async fn every_read_model_shows_only_rows_the_viewer_may_open() {
    use decorum::auth::Role;
    use decorum::store::{tokens, users};

    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "authorization_rows").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let both = users::add_atomic(
            db,
            users::NewUser {
                email: "staff.ab@t.test".into(),
                name: "staff.ab".into(),
                role: Role::Staff,
                password: Some(common::PASSWORD.into()),
                position: Some("lobby-concierge".into()),
                gender: Some(Gender::Female),
                hire_date: None,
                sites: vec!["A".into(), "B".into()],
            },
            None,
        )
        .await
        .unwrap()
        .id;
        let today = chrono::Local::now().date_naive();
        // Not a Monday, so no week label of a chart can spell it.
        let mut at_b = today - chrono::Duration::days(3);
        if chrono::Datelike::weekday(&at_b) == chrono::Weekday::Mon {
            at_b -= chrono::Duration::days(1);
        }
        let at_a = today - chrono::Duration::days(40);
        let staff_a_day = today - chrono::Duration::days(5);
        let (b_day, a_day) = (at_b.to_string(), at_a.to_string());
        let b_id =
            stored_inspection_on(&app, at_b, w.site_b, both, w.supervisor_b, Gender::Female).await;
        let a_id =
            stored_inspection_on(&app, at_a, w.site_a, both, w.supervisor_a, Gender::Female).await;
        let (b_id, a_id) = (b_id.to_string(), a_id.to_string());
        stored_inspection_on(
            &app,
            staff_a_day,
            w.site_a,
            w.staff_a,
            w.manager_a,
            Gender::Female,
        )
        .await;
        let range = format!("from={}&to={today}", today - chrono::Duration::days(60));

        let (manager, _) = app.sign_in("manager.a@t.test").await;
        let (sup_a, _) = app.sign_in("supervisor.a@t.test").await;
        let (sup_b, _) = app.sign_in("supervisor.b@t.test").await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (staff_a2, _) = app.sign_in("staff.a2@t.test").await;
        let (themself, _) = app.sign_in("staff.ab@t.test").await;

        // The staff record: each viewer the checks at their sites, the person all.
        let record = format!("/reports/staff/{both}.pdf?{range}&lang=en");
        let text = pdf_text(&sup_a, &app, &record).await;
        sees(
            "record",
            "supervisor.a",
            &text,
            &[&a_day, "supervisor.a", "A Lobby"],
            &[&b_day, "supervisor.b", "B Lobby"],
        );
        let text = pdf_text(&manager, &app, &record).await;
        sees(
            "record",
            "manager.a",
            &text,
            &[&a_day],
            &[&b_day, "supervisor.b", "B Lobby"],
        );
        let text = pdf_text(&sup_b, &app, &record).await;
        sees(
            "record",
            "supervisor.b",
            &text,
            &[&b_day, "supervisor.b"],
            &[&a_day, "supervisor.a", "A Lobby"],
        );
        for (who, client) in [("staff.ab", &themself), ("quality", &quality)] {
            let text = pdf_text(client, &app, &record).await;
            sees(
                "record",
                who,
                &text,
                &[&a_day, &b_day, "supervisor.a", "supervisor.b"],
                &[],
            );
        }
        assert_eq!(fetch(&staff_a2, &app, &record).await.0, 403);

        // The site report: staff.ab has not been checked at A for forty days, and that
        // is the date beside their name, not the site B check manager.a cannot open.
        for path in [
            format!("/reports/site.pdf?site={}&{range}&lang=en", w.site_a),
            format!("/reports/site.pdf?{range}&lang=en"),
        ] {
            let text = pdf_text(&manager, &app, &path).await;
            sees(
                &path,
                "manager.a",
                &text,
                &["staff.ab", &a_day, "not spot-checked"],
                &[&b_day, "B Lobby"],
            );
        }
        let site_a_report = format!("/reports/site.pdf?site={}&{range}&lang=en", w.site_a);
        let text = pdf_text(&quality, &app, &site_a_report).await;
        sees(
            "site A report",
            "quality",
            &text,
            &["staff.ab", &a_day],
            &[&b_day],
        );
        // The dashboard's coverage panel names the same people as the report.
        let text = pdf_text(&manager, &app, &site_a_report).await;
        let coverage = text
            .split("Coverage")
            .nth(1)
            .and_then(|rest| rest.split("Items to work on").next())
            .expect("a coverage section");
        let in_report = ["2 of 3 staff were not spot-checked", "staff.a2", "staff.ab"];
        sees("site A coverage", "manager.a", coverage, &in_report, &[]);
        let board = page(
            &manager,
            &app,
            &format!("/quality?site={}&{range}", w.site_a),
        )
        .await;
        let panel = board
            .split("最近四週未被抽查的員工")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .expect("the dashboard's coverage panel");
        assert!(
            panel.contains("(2)") && panel.contains("staff.a2、staff.ab"),
            "{panel}"
        );

        // The inspection list, its filter lists, and the dashboard's drill-down to it.
        let list = page(&sup_a, &app, "/inspections").await;
        sees(
            "/inspections",
            "supervisor.a",
            &list,
            &[&a_day, "staff.ab", "staff.a2"],
            &[&b_day, "supervisor.b", "staff.b<"],
        );
        let list = page(&sup_b, &app, "/inspections").await;
        sees(
            "/inspections",
            "supervisor.b",
            &list,
            &[&b_day, "staff.ab"],
            &[&a_day, "supervisor.a", "staff.a2"],
        );
        let drill = page(&manager, &app, &format!("/inspections?subject={both}")).await;
        sees(
            "drill-down",
            "manager.a",
            &drill,
            &[&a_day],
            &[&b_day, "supervisor.b"],
        );
        let list = page(&themself, &app, "/inspections").await;
        sees("/inspections", "staff.ab", &list, &[&a_day, &b_day], &[]);

        // The dashboard's panels (staff, calibration) and its person filter.
        let board = page(&manager, &app, &format!("/quality?{range}")).await;
        sees(
            "/quality",
            "manager.a",
            &board,
            &["staff.ab", "supervisor.a"],
            &["supervisor.b", "staff.b<"],
        );
        let chosen = page(&manager, &app, &format!("/quality?subject={both}")).await;
        sees(
            "/quality?subject=staff.ab",
            "manager.a",
            &chosen,
            &["staff.ab"],
            &[],
        );
        let unknown = 999_999;
        let (status, nobody) = fetch(&manager, &app, &format!("/quality?subject={unknown}")).await;
        let nobody = String::from_utf8(nobody).unwrap();
        for (filter, id, name) in [
            ("subject", w.staff_b, "staff.b"),
            ("subject", w.supervisor_b, "supervisor.b"),
            ("inspector", w.supervisor_b, "supervisor.b"),
        ] {
            let (foreign_status, body) =
                fetch(&manager, &app, &format!("/quality?{filter}={id}")).await;
            let body = String::from_utf8(body).unwrap();
            assert_eq!(foreign_status, status, "{filter}={id}");
            sees(
                &format!("/quality?{filter}={id}"),
                "manager.a",
                &body,
                &[],
                &[name],
            );
            if filter == "subject" {
                // The same page as for nobody at all, but for the id typed.
                assert_eq!(
                    body.replace(&format!("subject={id}"), "subject=ID"),
                    nobody.replace(&format!("subject={unknown}"), "subject=ID"),
                    "{filter}={id}"
                );
            }
        }

        // The exports: CSV and the API's JSON.
        for path in [
            format!("/quality/inspections.csv?{range}"),
            format!("/quality/responses.csv?{range}"),
        ] {
            let csv = page(&manager, &app, &path).await;
            sees(
                &path,
                "manager.a",
                &csv,
                &[&a_id],
                &[&b_id, &b_day, "supervisor.b"],
            );
        }
        let token = tokens::create(db, "manager.a@t.test", "rows")
            .await
            .unwrap();
        for api in ["inspections", "responses"] {
            let json = app
                .client
                .get(app.url(&format!("/api/v1/{api}?{range}")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            sees(api, "manager.a's token", &json, &[&a_id], &[&b_id, &b_day]);
        }

        // Training: a supervisor follows their staff's, not their manager's; the
        // manager their supervisor's, and quality everyone's.
        let staff_training = entity::training_assignment::Entity::find()
            .filter(entity::training_assignment::Column::UserId.eq(w.staff_a))
            .one(db)
            .await
            .unwrap()
            .expect("staff.a has the new-hire curriculum");
        for person in [w.manager_a, w.supervisor_a] {
            use sea_orm::{ActiveModelTrait, Set};
            let mut theirs: entity::training_assignment::ActiveModel =
                staff_training.clone().into();
            theirs.id = sea_orm::ActiveValue::NotSet;
            theirs.user_id = Set(person);
            theirs.insert(db).await.unwrap();
        }
        let team = page(&sup_a, &app, "/training").await;
        sees(
            "/training",
            "supervisor.a",
            &team,
            &["staff.ab", "staff.a2"],
            &["manager.a", "staff.b<"],
        );
        let team = page(&manager, &app, "/training").await;
        sees(
            "/training",
            "manager.a",
            &team,
            &["staff.ab", "supervisor.a"],
            &["staff.b<"],
        );
        let team = page(&quality, &app, "/training").await;
        sees(
            "/training",
            "quality",
            &team,
            &["manager.a", "supervisor.a", "staff.b<"],
            &[],
        );
    }
}

/// Only the inspector who started a draft saves or submits it: an admin's autosave or
/// submission is refused, the draft stays the supervisor's, and they carry on with it.
#[tokio::test]
async fn a_draft_is_its_inspectors_alone() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "authorization_drafts").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (sup_a, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let (admin, admin_csrf) = app.sign_in("admin@t.test").await;
        let draft = Uuid::new_v4();
        let post = async |client: &Client, csrf: &str, action: &str| {
            let body = spot_check_body(&app, csrf, w.site_a, w.staff_a, Gender::Female).await;
            client
                .post(app.url(&format!("/spotchecks/{draft}/{action}")))
                .header("accept", "application/json")
                .form(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        let stored = async || {
            entity::inspection::Entity::find_by_id(draft)
                .one(&app.test_db.db)
                .await
                .unwrap()
                .expect("the draft")
        };
        assert_eq!(post(&sup_a, &sup_csrf, "draft").await, 200);
        assert_eq!(post(&admin, &admin_csrf, "draft").await, 403, "{backend:?}");
        assert_eq!(
            post(&admin, &admin_csrf, "submit").await,
            403,
            "{backend:?}"
        );
        let row = stored().await;
        assert_eq!(
            (row.inspector_id, row.status.as_str()),
            (w.supervisor_a, "draft")
        );
        assert_eq!(post(&sup_a, &sup_csrf, "draft").await, 200, "{backend:?}");
        assert_eq!(post(&sup_a, &sup_csrf, "submit").await, 200, "{backend:?}");
        let row = stored().await;
        assert_eq!(
            (row.inspector_id, row.status.as_str()),
            (w.supervisor_a, "submitted")
        );
    }
}
