//! What one submission costs the database, on SQLite and PostgreSQL: every statement the
//! app sends for a submission over HTTP is counted (sea-orm's statement callback on the
//! app's own connection), so a change that adds round trips to the submit path fails
//! here. One tablet's rate is bound by these round trips (docs/performance.md).

mod common;

use std::sync::Arc;

use common::{BACKENDS, Statements, TestApp, TestDb, seed_world};
use decorum::domain::scoring::{Answer, Answers, Context, Gender, Subject};
use entity::states::AssignmentStatus;
use entity::{corrective_action, outbox, training_assignment};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The app on a connection whose statements are counted.
async fn counted_app(backend: common::Backend, test: &str) -> Option<(TestApp, Arc<Statements>)> {
    let mut test_db = TestDb::new(backend, test).await?;
    let statements = test_db.count_statements();
    Some((
        TestApp::serve(test_db, axum::Router::new()).await,
        statements,
    ))
}

fn show(label: &str, statements: &[String]) -> String {
    let mut out = format!("{label}: {} statements\n", statements.len());
    for s in statements {
        let short: String = s.chars().take(140).collect();
        out.push_str(&format!("  {short}\n"));
    }
    out
}

#[tokio::test]
async fn a_submission_costs_few_statements() {
    for backend in BACKENDS {
        let Some((app, statements)) = counted_app(backend, "submit_path").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        let lobby = common::lobby(db).await;
        let subject = Subject {
            gender: Some(Gender::Female),
            position: Some("lobby-concierge".into()),
        };
        let perfect = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
        // The bench's spot-checks fail an item or two, now and then a critical one: here
        // an item whose module the person has no open assignment of (new training, a
        // mail) and the critical item (a corrective action, an alert to the managers).
        // The curriculum a new hire gets is done.
        training_assignment::Entity::update_many()
            .col_expr(
                training_assignment::Column::Status,
                AssignmentStatus::Completed.as_str().into(),
            )
            .filter(training_assignment::Column::UserId.eq(w.staff_a))
            .exec(db)
            .await
            .unwrap();
        let mut failed = perfect.clone();
        let failing = lobby
            .checklist
            .items()
            .map(|(_, i)| i)
            .find(|i| {
                matches!(i.kind, decorum::domain::ItemKind::Check)
                    && !i.critical
                    && !i.training.is_empty()
                    && perfect.contains_key(&i.key)
            })
            .expect("a lobby item that assigns training");
        let critical = lobby
            .checklist
            .items()
            .map(|(_, i)| i)
            .find(|i| i.critical && perfect.contains_key(&i.key))
            .expect("a critical lobby item");
        failed.insert(failing.key.clone(), Answer::Fail);
        failed.insert(critical.key.clone(), Answer::Fail);

        let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;
        let shift = common::recent_shift_date();
        let send = async |id: uuid::Uuid, answers: &Answers| {
            let body = common::form_with(
                &csrf,
                lobby.version_id,
                (w.site_a, w.staff_a),
                answers,
                (&shift, "morning"),
            );
            let r = sup
                .post(app.url(&format!("/spotchecks/{id}/submit")))
                .header("accept", "application/json")
                .form(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        };
        // A first submission fills the instance's caches (the checklist version).
        let (status, body) = send(uuid::Uuid::new_v4(), &perfect).await;
        assert_eq!(status, 200, "{body}");

        let (reply, passed) = statements
            .during(async || send(uuid::Uuid::new_v4(), &perfect).await)
            .await;
        assert_eq!(reply.0, 200, "{}", reply.1);
        let failing_id = uuid::Uuid::new_v4();
        let (reply, failure) = statements
            .during(async || send(failing_id, &failed).await)
            .await;
        assert_eq!(reply.0, 200, "{}", reply.1);
        let assigned = training_assignment::Entity::find()
            .filter(training_assignment::Column::InspectionId.eq(failing_id))
            .all(db)
            .await
            .unwrap();
        let modules: std::collections::HashSet<&String> =
            failing.training.iter().chain(&critical.training).collect();
        assert_eq!(
            assigned.len(),
            modules.len(),
            "{backend:?}: the failures assigned their training"
        );
        let actions = corrective_action::Entity::find()
            .filter(corrective_action::Column::InspectionId.eq(failing_id))
            .all(db)
            .await
            .unwrap();
        assert!(
            !actions.is_empty(),
            "{backend:?}: the critical failure raised an action"
        );
        let mails: Vec<(String, Option<i32>)> = outbox::Entity::find()
            .filter(outbox::Column::Channel.eq(outbox::Channel::Mail))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.event, m.recipient_id))
            .collect();
        for expected in [
            ("mail.training_assigned".to_string(), Some(w.staff_a)),
            ("mail.critical_alert".to_string(), Some(w.manager_a)),
        ] {
            assert!(
                mails.contains(&expected),
                "{backend:?}: {expected:?} in {mails:?}"
            );
        }
        let (reply, retry) = statements
            .during(async || send(failing_id, &failed).await)
            .await;
        assert_eq!(reply.0, 200, "{}", reply.1);
        assert!(reply.1.contains("\"created\":false"), "{}", reply.1);

        let report = format!(
            "{backend:?}\n{}{}{}",
            show("passed", &passed),
            show("failed, training assigned", &failure),
            show("retry", &retry)
        );
        eprintln!("{report}");
        // The running totals (stat_running, stat_last_check) add a read of the frontier
        // and two upserts; PostgreSQL reads the frontier again under its lock.
        let running = match backend {
            common::Backend::Sqlite => 3,
            common::Backend::Postgres => 4,
        };
        assert!(passed.len() <= PASSED_MAX + running, "{report}");
        assert!(failure.len() <= FAILURE_MAX + running, "{report}");
        assert!(retry.len() <= RETRY_MAX, "{report}");
    }
}

/// The most statements a submission may send, from the session's read to the last write
/// (`BEGIN` and `COMMIT` not counted), on either database: a spot-check that passes (14
/// before issue 20); one that fails an item and the critical item, so that it assigns
/// training, raises an action and mails the person and the managers (34 before); a
/// retry of a stored one (3). Without the running totals' statements (counted apart).
const PASSED_MAX: usize = 11;
const FAILURE_MAX: usize = 19;
const RETRY_MAX: usize = 3;

/// The writer counts the transactions it writes by size, and admins can read the counts:
/// every submission is in exactly one of them.
#[tokio::test]
async fn the_writer_counts_its_transactions_by_size() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "writer_sizes").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;
        let sent = 12;
        let mut tasks = Vec::new();
        for _ in 0..sent {
            let body = common::perfect_lobby_form(
                &app.test_db.db,
                &csrf,
                (w.site_a, w.staff_a),
                Gender::Female,
                (&common::recent_shift_date(), "morning"),
            )
            .await;
            let request = sup
                .post(app.url(&format!("/spotchecks/{}/submit", uuid::Uuid::new_v4())))
                .header("accept", "application/json")
                .form(&body);
            tasks.push(tokio::spawn(async move {
                request.send().await.unwrap().status().as_u16()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
        let (admin, _) = app.sign_in("admin@t.test").await;
        let status: serde_json::Value = admin
            .get(app.url("/admin/writer.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let sizes: Vec<(usize, u64)> =
            serde_json::from_value(status["batch_sizes"].clone()).unwrap();
        let submissions: u64 = sizes.iter().map(|&(size, n)| size as u64 * n).sum();
        let transactions: u64 = sizes.iter().map(|(_, n)| n).sum();
        assert_eq!(submissions, sent, "{backend:?}: {status}");
        assert_eq!(status["submissions"], sent, "{status}");
        assert_eq!(status["transactions"], transactions, "{status}");
        assert!(
            sizes.iter().all(|&(size, n)| size >= 1 && n >= 1),
            "{status}"
        );
        let supervisor = sup
            .get(app.url("/admin/writer.json"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(supervisor, 403, "{backend:?}: admins only");
    }
}
