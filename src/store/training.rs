//! Training assignments: new-hire curricula, assignments by hand, taking a module and
//! its quiz, and the re-checks that completing failure training puts on the list.

use crate::i18n::Message;
use entity::states::{AssignmentReason, AssignmentStatus, RecheckStatus};
use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, Utc};
use entity::{
    inspection, inspection_response, position, recheck, training_assignment, training_module,
    training_module_version, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, prelude::Expr, prelude::Uuid,
};
use serde_json::json;

use super::outbox::{self, Event};
use super::{StoreError, StoreResult, audit};
use crate::domain::access::Scope;
use crate::domain::notify::{EventName, MailKind};
use crate::domain::training::{
    Module, ModuleEffect, ModuleTotals, Position, QuizResult, curriculum_due, curriculum_to_assign,
};

/// How long after training completes the re-check is due.
pub const RECHECK_DAYS: i64 = 7;

/// A module's current version.
#[derive(Debug, Clone)]
pub struct StoredModule {
    pub id: i32,
    pub key: String,
    pub version_id: i32,
    pub version: i32,
    pub module: Module,
}

pub async fn module<C: ConnectionTrait>(db: &C, module_id: i32) -> StoreResult<StoredModule> {
    let parent = training_module::Entity::find_by_id(module_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("training module {module_id}")))?;
    let row = training_module_version::Entity::find()
        .filter(training_module_version::Column::ModuleId.eq(module_id))
        .order_by_desc(training_module_version::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!("a version of training module {}", parent.key))
        })?;
    let module: Module = serde_json::from_str(&row.definition).map_err(|e| {
        StoreError::Invalid(
            Message::new("refuse-module-unreadable")
                .arg("id", row.id)
                .arg("detail", e),
        )
    })?;
    Ok(StoredModule {
        id: parent.id,
        key: parent.key,
        version_id: row.id,
        version: row.version,
        module,
    })
}

pub async fn module_by_key<C: ConnectionTrait>(db: &C, key: &str) -> StoreResult<StoredModule> {
    let parent = training_module::Entity::find()
        .filter(training_module::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(Message::new("refuse-no-training-module").arg("key", key))
        })?;
    module(db, parent.id).await
}

/// Every module's current version, by key.
pub async fn all_modules<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<StoredModule>> {
    let parents = training_module::Entity::find()
        .filter(training_module::Column::Active.eq(true))
        .order_by_asc(training_module::Column::Key)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(parents.len());
    for p in parents {
        out.push(module(db, p.id).await?);
    }
    Ok(out)
}

fn domain_position(row: &position::Model) -> Position {
    Position {
        key: row.key.clone(),
        name: super::org::position_name(row),
        curriculum: row
            .curriculum
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        curriculum_due_days: row.curriculum_due_days.max(1) as u32,
    }
}

/// Modules a person has open or has completed.
async fn modules_held<C: ConnectionTrait>(db: &C, user_id: i32) -> StoreResult<BTreeSet<String>> {
    let rows = training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(user_id))
        .find_also_related(training_module::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, m)| m.map(|m| m.key))
        .collect())
}

async fn insert_assignment<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    module_id: i32,
    reason: AssignmentReason,
    due: NaiveDate,
    assigned_by: Option<i32>,
) -> StoreResult<training_assignment::Model> {
    Ok(training_assignment::ActiveModel {
        user_id: Set(user_id),
        module_id: Set(module_id),
        reason: Set(reason),
        inspection_id: Set(None),
        failed_items: Set(json!([])),
        critical: Set(false),
        status: Set(AssignmentStatus::Assigned),
        due_date: Set(due),
        assigned_by: Set(assigned_by),
        completed_version_id: Set(None),
        quiz_percent: Set(None),
        attempts: Set(0),
        assigned_at: Set(Utc::now()),
        completed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Assign a position's curriculum to a person (on hire or on a move), skipping modules
/// they already have. Returns how many were assigned.
pub async fn assign_curriculum<C: ConnectionTrait>(
    db: &C,
    person: &user::Model,
    today: NaiveDate,
    actor: Option<i32>,
) -> StoreResult<usize> {
    let Some(position_id) = person.position_id else {
        return Ok(0);
    };
    let Some(row) = position::Entity::find_by_id(position_id).one(db).await? else {
        return Ok(0);
    };
    let position = domain_position(&row);
    let held = modules_held(db, person.id).await?;
    let due = curriculum_due(&position, person.hire_date, today);
    let mut count = 0;
    for key in curriculum_to_assign(&position, &held) {
        let Some(module) = training_module::Entity::find()
            .filter(training_module::Column::Key.eq(key))
            .one(db)
            .await?
        else {
            continue;
        };
        insert_assignment(
            db,
            person.id,
            module.id,
            AssignmentReason::Curriculum,
            due,
            actor,
        )
        .await?;
        count += 1;
    }
    if count > 0 {
        audit::record(
            db,
            actor,
            "assign_curriculum",
            "user",
            person.id,
            None,
            Some(json!({ "position": position.key, "modules": count, "due": due })),
        )
        .await?;
    }
    Ok(count)
}

/// Assign a module by hand to each of `people` who does not already have it open.
/// Returns how many were assigned.
pub async fn assign_manual(
    db: &DatabaseConnection,
    actor: i32,
    module_key: &str,
    people: &[i32],
    due: NaiveDate,
) -> StoreResult<usize> {
    let txn = crate::store::begin_write(db).await?;
    let module = module_by_key(&txn, module_key).await?;
    let mut count = 0;
    for &person in people {
        let open = training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.eq(person))
            .filter(training_assignment::Column::ModuleId.eq(module.id))
            .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
            .one(&txn)
            .await?;
        if open.is_some() {
            continue;
        }
        let row = insert_assignment(
            &txn,
            person,
            module.id,
            AssignmentReason::Manual,
            due,
            Some(actor),
        )
        .await?;
        audit::record(
            &txn,
            Some(actor),
            "assign",
            "training_assignment",
            row.id,
            None,
            Some(json!({ "user": person, "module": module_key, "due": due })),
        )
        .await?;
        let data = json!({
            "user_id": person,
            "module": module_key,
            "due_date": due,
            "reason": AssignmentReason::Manual,
            "inspection_id": null,
            "critical": false,
        });
        outbox::enqueue_mail(&txn, MailKind::TrainingAssigned, &[person], &data).await?;
        outbox::enqueue(&txn, &[Event::new(EventName::TrainingAssigned, data)]).await?;
        count += 1;
    }
    txn.commit().await?;
    Ok(count)
}

/// An assignment of the person, with its module; opening it marks it in progress.
pub async fn open_for(
    db: &DatabaseConnection,
    assignment_id: i32,
    user_id: i32,
) -> StoreResult<(training_assignment::Model, StoredModule)> {
    let row = training_assignment::Entity::find_by_id(assignment_id)
        .one(db)
        .await?
        .filter(|a| a.user_id == user_id)
        .ok_or_else(|| StoreError::NotFound(format!("assignment {assignment_id}")))?;
    let module = module(db, row.module_id).await?;
    let row = if row.status == AssignmentStatus::Assigned {
        let mut active: training_assignment::ActiveModel = row.into();
        active.status = Set(AssignmentStatus::InProgress);
        active.update(db).await?
    } else {
        row
    };
    Ok((row, module))
}

/// What a quiz attempt changed.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub result: QuizResult,
    pub assignment: training_assignment::Model,
    /// Set when passing put a re-check on the list.
    pub recheck: Option<recheck::Model>,
}

/// Grade a quiz attempt. A pass completes the assignment with the module version taken;
/// when the assignment came from a failed spot-check, a re-check of those items goes on
/// the supervisor's list — all in one transaction.
pub async fn record_attempt(
    db: &DatabaseConnection,
    assignment_id: i32,
    user_id: i32,
    chosen: &[BTreeSet<usize>],
) -> StoreResult<Attempt> {
    let txn = crate::store::begin_write(db).await?;
    let row = training_assignment::Entity::find_by_id(assignment_id)
        .one(&txn)
        .await?
        .filter(|a| a.user_id == user_id)
        .ok_or_else(|| StoreError::NotFound(format!("assignment {assignment_id}")))?;
    if row.status == AssignmentStatus::Completed {
        return Err(StoreError::Conflict(Message::new(
            "refuse-training-completed",
        )));
    }
    let module = module(&txn, row.module_id).await?;
    if chosen.len() != module.module.questions.len() {
        return Err(StoreError::Invalid(
            Message::new("refuse-answer-all")
                .count("count", module.module.questions.len())
                .arg("got", chosen.len()),
        ));
    }
    let result = module.module.grade(chosen);
    let now = Utc::now();
    let mut active: training_assignment::ActiveModel = row.clone().into();
    active.attempts = Set(row.attempts + 1);
    active.quiz_percent = Set(Some(result.percent));
    if result.passed {
        active.status = Set(AssignmentStatus::Completed);
        active.completed_at = Set(Some(now));
        active.completed_version_id = Set(Some(module.version_id));
    } else {
        active.status = Set(AssignmentStatus::InProgress);
    }
    let assignment = active.update(&txn).await?;
    let mut new_recheck = None;
    let failed_items: Vec<String> =
        serde_json::from_value(assignment.failed_items.clone()).unwrap_or_default();
    if result.passed
        && !failed_items.is_empty()
        && let Some(inspection_id) = assignment.inspection_id
        && let Some(original) = inspection::Entity::find_by_id(inspection_id)
            .one(&txn)
            .await?
    {
        new_recheck = Some(
            recheck::ActiveModel {
                assignment_id: Set(assignment.id),
                inspection_id: Set(inspection_id),
                subject_id: Set(assignment.user_id),
                site_id: Set(original.site_id),
                items: Set(assignment.failed_items.clone()),
                status: Set(RecheckStatus::Open),
                due_date: Set(super::org::today_at(&txn, &[original.site_id]).await?
                    + Duration::days(RECHECK_DAYS)),
                done_inspection_id: Set(None),
                created_at: Set(now),
                before_percent: Set(Some(
                    before_percent(&txn, inspection_id, &failed_items).await?,
                )),
                module_id: Set(Some(assignment.module_id)),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    audit::record(
        &txn,
        Some(user_id),
        if result.passed {
            "complete"
        } else {
            "quiz_failed"
        },
        "training_assignment",
        assignment.id,
        None,
        Some(json!({ "percent": result.percent, "module_version": module.version_id })),
    )
    .await?;
    if result.passed {
        outbox::enqueue(
            &txn,
            &[Event::new(
                EventName::TrainingCompleted,
                json!({
                    "assignment_id": assignment.id,
                    "user_id": assignment.user_id,
                    "module": module.module.key,
                    "quiz_percent": result.percent,
                    "inspection_id": assignment.inspection_id,
                    "completed_at": assignment.completed_at,
                }),
            )],
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Attempt {
        result,
        assignment,
        recheck: new_recheck,
    })
}

/// A person's assignments with their modules, soonest due first.
pub async fn for_person(
    db: &DatabaseConnection,
    user_id: i32,
) -> StoreResult<Vec<(training_assignment::Model, StoredModule)>> {
    let rows = training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(user_id))
        .order_by_asc(training_assignment::Column::DueDate)
        .all(db)
        .await?;
    with_modules(db, rows).await
}

/// A person's assignments not yet completed, soonest due first, with their module rows.
pub async fn not_completed(
    db: &DatabaseConnection,
    user_id: i32,
) -> StoreResult<Vec<(training_assignment::Model, Option<training_module::Model>)>> {
    Ok(training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(user_id))
        .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
        .order_by_asc(training_assignment::Column::DueDate)
        .find_also_related(training_module::Entity)
        .all(db)
        .await?)
}

async fn with_modules(
    db: &DatabaseConnection,
    rows: Vec<training_assignment::Model>,
) -> StoreResult<Vec<(training_assignment::Model, StoredModule)>> {
    let mut cache: HashMap<i32, StoredModule> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let m = match cache.entry(row.module_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(module(db, row.module_id).await?).clone()
            }
        };
        out.push((row, m));
    }
    Ok(out)
}

/// The people whose training the scope follows (everyone for admins and quality): the
/// viewer and those at their sites whose record they may read
/// (`Scope::can_read_record_of`), so a supervisor does not see their manager's quizzes.
async fn people_in_scope(db: &DatabaseConnection, scope: &Scope) -> StoreResult<Option<Vec<i32>>> {
    let Some(sites) = scope.site_filter() else {
        return Ok(None);
    };
    let below: Vec<&str> = scope.roles_below().iter().map(|r| r.as_str()).collect();
    let mut people: Vec<i32> = entity::user_site::Entity::find()
        .inner_join(entity::user::Entity)
        .filter(entity::user_site::Column::SiteId.is_in(sites.to_vec()))
        .filter(entity::user::Column::Role.is_in(below))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    people.push(scope.user_id);
    Ok(Some(people))
}

/// Open assignments past their due date, for the people the scope covers.
pub async fn overdue(
    db: &DatabaseConnection,
    scope: &Scope,
    today: NaiveDate,
) -> StoreResult<Vec<(training_assignment::Model, StoredModule)>> {
    let mut query = training_assignment::Entity::find()
        .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
        .filter(training_assignment::Column::DueDate.lt(today));
    if let Some(people) = people_in_scope(db, scope).await? {
        query = query.filter(training_assignment::Column::UserId.is_in(people));
    }
    let rows = query
        .order_by_asc(training_assignment::Column::DueDate)
        .all(db)
        .await?;
    with_modules(db, rows).await
}

/// All assignments of the people the scope covers, for the team view.
pub async fn for_team(
    db: &DatabaseConnection,
    scope: &Scope,
) -> StoreResult<Vec<(training_assignment::Model, StoredModule)>> {
    let mut query = training_assignment::Entity::find();
    if let Some(people) = people_in_scope(db, scope).await? {
        query = query.filter(training_assignment::Column::UserId.is_in(people));
    }
    let rows = query
        .order_by_asc(training_assignment::Column::Status)
        .order_by_asc(training_assignment::Column::DueDate)
        .all(db)
        .await?;
    with_modules(db, rows).await
}

/// Re-checks waiting at the scope's sites, soonest due first.
pub async fn open_rechecks(
    db: &DatabaseConnection,
    scope: &Scope,
) -> StoreResult<Vec<recheck::Model>> {
    let mut query = recheck::Entity::find().filter(recheck::Column::Status.eq(RecheckStatus::Open));
    if let Some(sites) = scope.site_filter() {
        query = query.filter(recheck::Column::SiteId.is_in(sites.to_vec()));
    }
    Ok(query.order_by_asc(recheck::Column::DueDate).all(db).await?)
}

/// An open re-check by id (`None` once done, or never).
pub async fn open_recheck<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> StoreResult<Option<recheck::Model>> {
    Ok(recheck::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.status == RecheckStatus::Open))
}

pub fn recheck_items(row: &recheck::Model) -> Vec<String> {
    serde_json::from_value(row.items.clone()).unwrap_or_default()
}

/// The percent on `items` in the spot-check that failed them: a re-check's "before",
/// kept on the re-check when it is created.
pub async fn before_percent<C: ConnectionTrait>(
    db: &C,
    inspection_id: Uuid,
    items: &[String],
) -> StoreResult<f64> {
    let rows = inspection_response::Entity::find()
        .filter(inspection_response::Column::InspectionId.eq(inspection_id))
        .filter(inspection_response::Column::ItemKey.is_in(items.to_vec()))
        .all(db)
        .await?;
    let (points, max) = rows.iter().fold((0.0, 0.0), |(p, m), row| {
        (p + row.points, m + row.max_points)
    });
    Ok(if max > 0.0 { points / max * 100.0 } else { 0.0 })
}

/// A module's key, its re-checks, how many passed, and the sums of before and after.
type ModuleSums = (Option<i32>, i64, Option<i64>, Option<f64>, Option<f64>);

/// How well each module works at the scope's sites: the finished re-checks of the
/// people who took it after a failure, added up per module by the database (before is
/// the percent on the same items in the spot-check that failed them, after the
/// re-check's, both kept on the re-check row: one pass over the re-checks, no join to
/// the spot-checks).
pub async fn module_effects(
    db: &DatabaseConnection,
    scope: &Scope,
) -> StoreResult<Vec<ModuleEffect>> {
    use recheck::Column as R;
    // Grouped by the module's id, so the database reads only the covering index on
    // (status, module, site, outcome) and never the re-check rows or the modules: the
    // few modules' keys are looked up apart.
    let mut query = recheck::Entity::find()
        .select_only()
        .column(R::ModuleId)
        .column_as(R::Id.count(), "rechecks")
        .column_as(
            Expr::cust("sum(case when recheck.after_passed then 1 else 0 end)"),
            "passed",
        )
        .column_as(
            Expr::cust("sum(coalesce(recheck.before_percent, 0.0))"),
            "before_sum",
        )
        .column_as(
            Expr::cust("sum(coalesce(recheck.after_percent, 0.0))"),
            "after_sum",
        )
        .filter(R::Status.eq(RecheckStatus::Done))
        .filter(R::ModuleId.is_not_null())
        .group_by(R::ModuleId);
    if let Some(sites) = scope.site_filter() {
        query = query.filter(R::SiteId.is_in(sites.to_vec()));
    }
    let keys: HashMap<i32, String> = training_module::Entity::find()
        .select_only()
        .columns([training_module::Column::Id, training_module::Column::Key])
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<ModuleSums> = query.into_tuple().all(db).await?;
    let mut effects: Vec<ModuleEffect> = rows
        .into_iter()
        .filter_map(|(module, rechecks, passed, before, after)| {
            ModuleTotals {
                module: keys.get(&module?)?.clone(),
                rechecks: rechecks.max(0) as usize,
                passed: passed.unwrap_or(0).max(0) as usize,
                before_sum: before.unwrap_or(0.0),
                after_sum: after.unwrap_or(0.0),
            }
            .effect()
        })
        .collect();
    effects.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(effects)
}
