//! Importing the library makes immutable versions, and submitting a spot-check stores
//! it once with its responses and the training its failures call for — on SQLite and
//! on PostgreSQL.

mod common;

use chrono::{NaiveDate, Utc};
use common::{BACKENDS, TestDb};
use decorum::auth::Role;
use decorum::domain::Lang;
use decorum::domain::scoring::{Answer, Answers, Context, Subject};
use decorum::domain::{ItemKind, Value};
use decorum::library_files;
use decorum::store::StoreError;
use decorum::store::inspections::{Submission, submit};
use decorum::store::library::{StoredChecklist, current_checklists, import};
use decorum::store::users::{self, NewUser};
use entity::states::InspectionStatus;
use entity::{checklist_version, inspection, inspection_response, site, training_assignment};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

#[tokio::test]
async fn import_versions_only_what_changed() {
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "import_versions_only_what_changed").await else {
            continue;
        };
        let library = library_files::load(&t.config.checklists_dir).unwrap();
        let first = import(&t.db, &library).await.unwrap();
        assert_eq!(
            first.new_versions.len(),
            library.checklists.len() + library.modules.len()
        );
        let again = import(&t.db, &library).await.unwrap();
        assert!(
            again.new_versions.is_empty(),
            "{backend:?}: unchanged library made {:?}",
            again.new_versions
        );

        let mut changed = library.clone();
        let lobby = changed
            .checklists
            .iter_mut()
            .find(|c| c.key == "lobby-reception")
            .unwrap();
        lobby
            .title
            .set("en", format!("{} (revised)", lobby.title.get(Lang::En)));
        let report = import(&t.db, &changed).await.unwrap();
        assert_eq!(report.new_versions, vec!["lobby-reception v2".to_string()]);
        let versions = checklist_version::Entity::find()
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(versions as usize, library.checklists.len() + 1);
        let current = current_checklists(&t.db).await.unwrap();
        let lobby = current
            .iter()
            .find(|c| c.checklist.key == "lobby-reception")
            .unwrap();
        assert_eq!(lobby.version, 2);
        assert!(lobby.checklist.title.get(Lang::En).ends_with("(revised)"));
    }
}

struct World {
    site: i32,
    inspector: i32,
    subject_id: i32,
    subject: Subject,
    lobby: StoredChecklist,
}

async fn world(t: &TestDb) -> World {
    t.import_library().await;
    let site = site::ActiveModel {
        code: Set("S1".into()),
        name: Set("大堂 Lobby".into()),
        kind: Set("lobby".into()),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .unwrap();
    let person = |email: &str, role, position: Option<&str>| NewUser {
        email: email.into(),
        name: email.into(),
        role,
        password: None,
        position: position.map(Into::into),
        gender: Some(decorum::domain::scoring::Gender::Female),
        hire_date: None,
        sites: vec!["S1".into()],
    };
    let inspector = users::add_atomic(&t.db, person("sup@x.test", Role::Supervisor, None), None)
        .await
        .unwrap();
    let subject = users::add_atomic(
        &t.db,
        person("amy@x.test", Role::Staff, Some("lobby-concierge")),
        None,
    )
    .await
    .unwrap();
    let lobby = current_checklists(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    World {
        site: site.id,
        inspector: inspector.id,
        subject: users::subject(&t.db, &subject).await.unwrap(),
        subject_id: subject.id,
        lobby,
    }
}

/// Perfect answers for every item that applies, then the given overrides.
fn answers(w: &World, overrides: &[(&str, Answer)]) -> Answers {
    let mut a = common::perfect_answers(&w.lobby.checklist, &w.subject, &Context::new());
    for (k, v) in overrides {
        a.insert(k.to_string(), v.clone());
    }
    a
}

fn submission(w: &World, id: Uuid, answers: Answers) -> Submission {
    Submission {
        id,
        site_id: w.site,
        shift_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        shift_period: entity::states::ShiftPeriod::Morning,
        subject_id: w.subject_id,
        inspector_id: w.inspector,
        context: Context::new(),
        answers,
        notes: [("greeting".to_string(), "<b>很好</b>".to_string())].into(),
        submitted_at: Utc::now(),
        recheck_of: None,
        photos: Default::default(),
        recheck: None,
    }
}

fn first_check_item(w: &World, critical: bool) -> String {
    w.lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .find(|i| matches!(i.kind, ItemKind::Check) && i.critical == critical && i.when.is_empty())
        .map(|i| i.key.clone())
        .expect("lobby checklist has such a check item")
}

#[tokio::test]
async fn a_submission_is_stored_once_with_responses_and_training() {
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "submission_once").await else {
            continue;
        };
        let w = world(&t).await;
        let failing = first_check_item(&w, false);
        let id = Uuid::new_v4();
        let a = answers(&w, &[(&failing, Answer::Fail)]);
        let first = submit(&t.db, &w.lobby, &w.subject, submission(&w, id, a.clone()))
            .await
            .unwrap();
        assert!(first.created);
        let card = first.scorecard.unwrap();
        assert_eq!(card.failed, vec![failing.clone()]);
        let again = submit(&t.db, &w.lobby, &w.subject, submission(&w, id, a.clone()))
            .await
            .unwrap();
        assert!(
            !again.created,
            "{backend:?}: a retry must not store a second inspection"
        );
        assert_eq!(inspection::Entity::find().count(&t.db).await.unwrap(), 1);

        let stored = inspection::Entity::find_by_id(id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, InspectionStatus::Submitted);
        assert_eq!(stored.checklist_version_id, w.lobby.version_id);
        assert!((stored.percent.unwrap() - card.percent.unwrap()).abs() < 1e-9);
        let responses = inspection_response::Entity::find()
            .filter(inspection_response::Column::InspectionId.eq(id))
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(responses.len(), a.len());
        let failed_row = responses.iter().find(|r| r.item_key == failing).unwrap();
        assert_eq!(
            (failed_row.outcome, failed_row.points),
            (entity::states::Outcome::Failed, 0.0)
        );

        let item = w.lobby.checklist.item(&failing).unwrap();
        let assignments = failure_assignments(&t).await;
        assert_eq!(
            assignments.len(),
            item.training.len(),
            "{backend:?}: one assignment per linked module"
        );
        assert!(assignments.iter().all(|a| a.user_id == w.subject_id
            && !a.critical
            && a.inspection_id == Some(id)
            && a.failed_items == serde_json::json!([failing])));
        // Due in the module's 7 days, or sooner where the new-hire curriculum had it due.
        let week = common::site_today() + chrono::Duration::days(7);
        assert!(assignments.iter().all(|a| a.due_date <= week));
        let total = training_assignment::Entity::find()
            .count(&t.db)
            .await
            .unwrap();

        // A second failure of the same item on another day adds no duplicate assignment.
        let second = submit(
            &t.db,
            &w.lobby,
            &w.subject,
            submission(&w, Uuid::new_v4(), a),
        )
        .await
        .unwrap();
        assert!(second.created);
        let after = training_assignment::Entity::find()
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(after, total, "no assignment is made twice");
        assert_eq!(failure_assignments(&t).await.len(), item.training.len());
    }
}

#[tokio::test]
async fn a_critical_failure_gets_the_short_due_date() {
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "critical_due").await else {
            continue;
        };
        let w = world(&t).await;
        let Some(critical) = w
            .lobby
            .checklist
            .items()
            .map(|(_, i)| i)
            .find(|i| i.critical && i.when.is_empty())
            .map(|i| i.key.clone())
        else {
            panic!("the lobby checklist should have a critical item");
        };
        let a = answers(&w, &[(&critical, fail_for(&w, &critical))]);
        let done = submit(
            &t.db,
            &w.lobby,
            &w.subject,
            submission(&w, Uuid::new_v4(), a),
        )
        .await
        .unwrap();
        let card = done.scorecard.unwrap();
        assert!(!card.passed && card.critical_failures == vec![critical.clone()]);
        let stored = inspection::Entity::find_by_id(done.inspection.id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.critical_failure && stored.passed == Some(false));
        let assignments = failure_assignments(&t).await;
        assert!(!assignments.is_empty());
        for a in assignments {
            assert!(a.critical);
            assert_eq!(a.due_date, common::site_today() + chrono::Duration::days(2));
        }
    }
}

/// Assignments a failure made or added to (the new-hire curriculum's own are left out).
async fn failure_assignments(t: &TestDb) -> Vec<training_assignment::Model> {
    training_assignment::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.failed_items != serde_json::json!([]))
        .collect()
}

fn fail_for(w: &World, key: &str) -> Answer {
    match &w.lobby.checklist.item(key).unwrap().kind {
        ItemKind::Check => Answer::Fail,
        ItemKind::Scale { .. } => Answer::Scale(0),
        ItemKind::Measure { allowed, .. } => {
            Answer::Measure(allowed.bounds().1.unwrap_or(0.0) + 1.0)
        }
        ItemKind::Script { .. } => Answer::Heard(vec![]),
        ItemKind::Steps { .. } => Answer::Done(vec![]),
        ItemKind::Limit { .. } => Answer::Amount(1e8),
    }
}

#[tokio::test]
async fn an_incomplete_or_invalid_submission_stores_nothing() {
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "incomplete").await else {
            continue;
        };
        let w = world(&t).await;
        let mut a = answers(&w, &[]);
        let dropped = a.keys().next().unwrap().clone();
        a.remove(&dropped);
        let err = submit(
            &t.db,
            &w.lobby,
            &w.subject,
            submission(&w, Uuid::new_v4(), a),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.to_string().contains(&dropped)),
            "{err}"
        );

        let a = answers(&w, &[("no-such-item", Answer::Pass)]);
        let err = submit(
            &t.db,
            &w.lobby,
            &w.subject,
            submission(&w, Uuid::new_v4(), a),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("no-such-item"), "{err}");

        let mut bad_context = submission(&w, Uuid::new_v4(), answers(&w, &[]));
        bad_context
            .context
            .insert("weather".into(), Value::Text("rain".into()));
        let err = submit(&t.db, &w.lobby, &w.subject, bad_context)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("weather"), "{err}");

        assert_eq!(inspection::Entity::find().count(&t.db).await.unwrap(), 0);
        assert!(failure_assignments(&t).await.is_empty());
    }
}

#[tokio::test]
async fn a_batch_stores_each_submission_as_if_alone() {
    use decorum::store::submit::{prepare, store_batch};
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "batch_as_if_alone").await else {
            continue;
        };
        let w = world(&t).await;
        let failing = first_check_item(&w, false);
        let a = answers(&w, &[(&failing, Answer::Fail)]);
        let twice = Uuid::new_v4();
        let scored = |s: Submission| prepare(&w.lobby, &w.subject, s).unwrap();
        let mut closed_recheck = submission(&w, Uuid::new_v4(), a.clone());
        closed_recheck.recheck = Some(987_654);
        let mut nowhere = submission(&w, Uuid::new_v4(), a.clone());
        nowhere.site_id = 987_654;
        let results = store_batch(
            &t.db,
            vec![
                scored(submission(&w, twice, a.clone())),
                scored(submission(&w, twice, a.clone())),
                scored(submission(&w, Uuid::new_v4(), a.clone())),
                scored(closed_recheck),
                scored(nowhere),
            ],
        )
        .await;
        assert_eq!(results.len(), 5);
        let first = results[0].as_ref().expect("first stored");
        assert!(first.created && first.inspection.id == twice);
        let doubled = results[1].as_ref().expect("the double is acknowledged");
        assert!(
            !doubled.created && doubled.inspection.id == twice,
            "{backend:?}: the same UUID twice in a batch is stored once"
        );
        assert!(results[2].as_ref().is_ok_and(|s| s.created));
        assert!(
            matches!(results[3], Err(StoreError::Conflict(_))),
            "{backend:?}: a re-check that is not open is refused: {:?}",
            results[3].as_ref().err()
        );
        assert!(
            results[4].is_err(),
            "{backend:?}: a spot-check at a site that does not exist is refused"
        );

        // The bad one failed alone: the others are stored, each once, with everything.
        assert_eq!(inspection::Entity::find().count(&t.db).await.unwrap(), 2);
        let responses = inspection_response::Entity::find()
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(responses as usize, 2 * a.len());
        let item = w.lobby.checklist.item(&failing).unwrap();
        assert_eq!(
            failure_assignments(&t).await.len(),
            item.training.len(),
            "{backend:?}: two failures in one batch make one assignment per module"
        );
        let counted: i64 = entity::stat_inspection::Entity::find()
            .filter(entity::stat_inspection::Column::Grain.eq("month"))
            .all(&t.db)
            .await
            .unwrap()
            .iter()
            .map(|s| i64::from(s.inspections))
            .sum();
        assert_eq!(counted, 2, "{backend:?}: the aggregates count each once");
        let audited = entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::Action.eq("submit"))
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(audited, 2);
    }
}

/// No write changes who inspected a stored row: saving or submitting someone else's
/// draft is refused in the store itself, whatever the handler let through, and the
/// draft stays as its inspector left it.
#[tokio::test]
async fn a_draft_keeps_its_inspector() {
    use decorum::store::inspections::{Draft, save_draft};
    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "draft_keeps_inspector").await else {
            continue;
        };
        let w = world(&t).await;
        let id = Uuid::new_v4();
        let draft = |inspector: i32| Draft {
            id,
            site_id: w.site,
            shift_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            shift_period: entity::states::ShiftPeriod::Morning,
            subject_id: w.subject_id,
            inspector_id: inspector,
            context: Context::new(),
            answers: answers(&w, &[]),
            notes: Default::default(),
            recheck_of: None,
            recheck: None,
        };
        save_draft(&t.db, &w.lobby, draft(w.inspector))
            .await
            .unwrap();
        let someone_else = w.subject_id;
        let saved = save_draft(&t.db, &w.lobby, draft(someone_else)).await;
        assert!(
            matches!(saved, Err(StoreError::Forbidden(_))),
            "{backend:?}: {saved:?}"
        );
        let taken = Submission {
            inspector_id: someone_else,
            ..submission(&w, id, answers(&w, &[]))
        };
        let submitted = submit(&t.db, &w.lobby, &w.subject, taken).await;
        assert!(
            matches!(submitted, Err(StoreError::Forbidden(_))),
            "{backend:?}: {:?}",
            submitted.map(|s| s.created)
        );
        let row = inspection::Entity::find_by_id(id)
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.inspector_id, row.status.as_str()),
            (w.inspector, "draft")
        );
        let mine = submit(
            &t.db,
            &w.lobby,
            &w.subject,
            submission(&w, id, answers(&w, &[])),
        )
        .await
        .unwrap();
        assert!(mine.created);
        assert_eq!(mine.inspection.inspector_id, w.inspector);
    }
}
