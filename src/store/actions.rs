//! Corrective actions and sign-offs in the database: written with their spot-check, listed
//! for their owners and the sites' managers, closed, verified and reopened with an audit
//! row each, and counted when overdue per site.
//!
//! Every change goes through [`emit`] inside its transaction: the one place where mail
//! and webhooks hook on (an outbox row written there commits or rolls back with the change).

use crate::i18n::Message;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::states::{ActionPriority, ActionStatus};
use entity::{audit_log, corrective_action, inspection_signoff, user, user_site};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::outbox::{Notices, To};
use super::{StoreError, StoreResult, audit, begin_write};
use crate::domain::access::Scope;
use crate::domain::actions::{Facts, NewAction, Owner, OwnerRole, Priority, Stage};
use crate::domain::notify::{EventName, MailKind};

/// Something that happened to an action, for whoever listens (mail, webhooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionEvent {
    Raised,
    Closed,
    Verified,
    Reopened,
}

impl ActionEvent {
    /// The event's name as webhooks publish it.
    pub fn name(self) -> &'static str {
        match self {
            ActionEvent::Raised => "action.raised",
            ActionEvent::Closed => "action.closed",
            ActionEvent::Verified => "action.verified",
            ActionEvent::Reopened => "action.reopened",
        }
    }
}

/// The hook for notifications: called inside the transaction that makes the change, with
/// the action as stored. Raising and closing are webhook events (`action.raised`,
/// `action.closed`), written to the outbox in the same transaction: sent at least once,
/// and never for a change that rolled back. Verifying and reopening are logged.
pub async fn emit<C: ConnectionTrait>(
    db: &C,
    event: ActionEvent,
    action: &corrective_action::Model,
) -> StoreResult<()> {
    let mut notices = Notices::default();
    notice(&mut notices, event, action);
    super::outbox::enqueue_notices(db, notices).await
}

/// [`emit`]'s notifications, gathered into `notices` for the caller to queue.
fn notice(notices: &mut Notices, event: ActionEvent, action: &corrective_action::Model) {
    tracing::info!(
        event = event.name(),
        action = action.id,
        site = action.site_id,
        inspection = %action.inspection_id,
        "corrective action"
    );
    let name = match event {
        ActionEvent::Raised => EventName::ActionRaised,
        ActionEvent::Closed => EventName::ActionClosed,
        ActionEvent::Verified | ActionEvent::Reopened => return,
    };
    let data = json!({
        "action_id": action.id,
        "inspection_id": action.inspection_id,
        "site_id": action.site_id,
        "item": action.item_key,
        "text": action.text,
        "owner_id": action.owner_id,
        "owner_role": action.owner_role,
        "due_date": action.due_date,
        "priority": priority(action.priority).as_str(),
        "status": action.status.as_str(),
    });
    if event == ActionEvent::Raised {
        // Its owner hears of it at once: the person, or who holds the role at the site
        // (not the one who raised it: they know).
        let to = match owner(action) {
            Owner::Person(id) => To::People(
                Some(id)
                    .filter(|&id| id != action.raised_by)
                    .into_iter()
                    .collect(),
            ),
            Owner::Role(role) => To::Holders {
                site: action.site_id,
                role: role.as_str().to_string(),
                except: Some(action.raised_by),
            },
        };
        notices.mail(MailKind::ActionRaised, to, data.clone());
    }
    notices.event(name, data);
}

fn priority_of(p: Priority) -> ActionPriority {
    match p {
        Priority::Low => ActionPriority::Low,
        Priority::Normal => ActionPriority::Normal,
        Priority::High => ActionPriority::High,
    }
}

pub fn priority(p: ActionPriority) -> Priority {
    match p {
        ActionPriority::Low => Priority::Low,
        ActionPriority::Normal => Priority::Normal,
        ActionPriority::High => Priority::High,
    }
}

pub fn stage(s: ActionStatus) -> Stage {
    match s {
        ActionStatus::Open => Stage::Open,
        ActionStatus::Closed => Stage::Closed,
        ActionStatus::Verified => Stage::Verified,
    }
}

/// Who owns a stored action (a row with neither owner falls to the site's manager).
pub fn owner(row: &corrective_action::Model) -> Owner {
    match (
        row.owner_id,
        row.owner_role.as_deref().and_then(OwnerRole::parse),
    ) {
        (Some(id), _) => Owner::Person(id),
        (None, Some(role)) => Owner::Role(role),
        (None, None) => Owner::Role(OwnerRole::Manager),
    }
}

/// What the access rules read of a stored action.
pub fn facts(row: &corrective_action::Model) -> Facts {
    Facts {
        site: row.site_id,
        owner: owner(row),
        raised_by: row.raised_by,
        closed_by: row.closed_by,
        stage: stage(row.status),
        due: row.due_date,
    }
}

/// The spot-check an action is stored with.
#[derive(Debug, Clone, Copy)]
pub struct RaisedBy {
    pub inspection: Uuid,
    pub version: i32,
    pub site: i32,
    pub inspector: i32,
    pub at: DateTime<Utc>,
}

/// Store the actions a spot-check raised, inside the caller's transaction, with their
/// audit rows and notifications.
pub async fn insert_raised<C: ConnectionTrait>(
    db: &C,
    by: RaisedBy,
    actions: &[NewAction],
) -> StoreResult<()> {
    let mut notices = Notices::default();
    let mut audit_rows = Vec::new();
    insert_raised_gathered(db, &[(by, actions)], &mut notices, &mut audit_rows).await?;
    audit::record_all(db, audit_rows).await?;
    super::outbox::enqueue_notices(db, notices).await
}

/// Store the actions spot-checks raised, inside the caller's transaction, set-based:
/// one insert of them all and one read of their ids. Their audit rows are added to
/// `audit_rows` and their notifications to `notices`, for the caller to write with its own.
pub async fn insert_raised_gathered<C: ConnectionTrait>(
    db: &C,
    raised: &[(RaisedBy, &[NewAction])],
    notices: &mut Notices,
    audit_rows: &mut Vec<audit_log::ActiveModel>,
) -> StoreResult<()> {
    let rows: Vec<corrective_action::ActiveModel> = raised
        .iter()
        .flat_map(|(by, actions)| actions.iter().map(move |a| (by, a)))
        .map(|(by, a)| {
            let (owner_id, owner_role) = match a.owner {
                Owner::Person(id) => (Some(id), None),
                Owner::Role(r) => (None, Some(r.as_str().to_string())),
            };
            corrective_action::ActiveModel {
                inspection_id: Set(by.inspection),
                checklist_version_id: Set(by.version),
                item_key: Set(a.item.clone()),
                site_id: Set(by.site),
                text: Set(a.text.clone()),
                owner_id: Set(owner_id),
                owner_role: Set(owner_role),
                due_date: Set(a.due),
                priority: Set(priority_of(a.priority)),
                origin: Set(a.origin.as_str().to_string()),
                photo_required: Set(a.photo_required),
                status: Set(ActionStatus::Open),
                raised_by: Set(by.inspector),
                created_at: Set(by.at),
                ..Default::default()
            }
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // SQLite allows 32,766 bound values in a statement; a row binds fourteen.
    for chunk in rows.chunks(2_000) {
        corrective_action::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    // Read back for their ids: the newest actions of these spot-checks are the ones just
    // inserted (nobody else can raise actions on them meanwhile: the submitted ones are
    // not committed yet).
    let inspections: Vec<Uuid> = raised.iter().map(|(by, _)| by.inspection).collect();
    let mut stored = corrective_action::Entity::find()
        .filter(corrective_action::Column::InspectionId.is_in(inspections))
        .order_by_desc(corrective_action::Column::Id)
        .limit(rows.len() as u64)
        .all(db)
        .await?;
    stored.reverse();
    for row in &stored {
        audit_rows.push(audit::entry(
            Some(row.raised_by),
            "raise",
            "corrective_action",
            row.id,
            None,
            Some(json!({
                "inspection": row.inspection_id,
                "item": row.item_key,
                "owner": row.owner_id,
                "owner_role": row.owner_role,
                "due": row.due_date,
                "priority": row.priority,
                "origin": row.origin,
            })),
        ));
        notice(notices, ActionEvent::Raised, row);
    }
    Ok(())
}

/// Store a spot-check's signatures (their files are already written), inside the
/// caller's transaction.
pub async fn insert_sign_off<C: ConnectionTrait>(
    db: &C,
    inspection: Uuid,
    subject_file: Option<String>,
    inspector_file: String,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    inspection_signoff::ActiveModel {
        inspection_id: Set(inspection),
        subject_declined: Set(subject_file.is_none()),
        subject_file: Set(subject_file),
        inspector_file: Set(inspector_file),
        signed_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn sign_off_of<C: ConnectionTrait>(
    db: &C,
    inspection: Uuid,
) -> StoreResult<Option<inspection_signoff::Model>> {
    Ok(inspection_signoff::Entity::find_by_id(inspection)
        .one(db)
        .await?)
}

/// Whether an active person belongs to the site: who may own an action there.
pub async fn person_at_site<C: ConnectionTrait>(
    db: &C,
    person: i32,
    site: i32,
) -> StoreResult<bool> {
    Ok(user_site::Entity::find()
        .inner_join(user::Entity)
        .filter(user_site::Column::UserId.eq(person))
        .filter(user_site::Column::SiteId.eq(site))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?
        .is_some())
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> StoreResult<Option<corrective_action::Model>> {
    Ok(corrective_action::Entity::find_by_id(id).one(db).await?)
}

/// The actions a spot-check raised, in the order they were stored.
pub async fn of_inspection<C: ConnectionTrait>(
    db: &C,
    inspection: Uuid,
) -> StoreResult<Vec<corrective_action::Model>> {
    Ok(corrective_action::Entity::find()
        .filter(corrective_action::Column::InspectionId.eq(inspection))
        .order_by_asc(corrective_action::Column::Id)
        .all(db)
        .await?)
}

/// Whether the row's owner is the viewer, as a query condition: the person, or the
/// viewer's role at one of the viewer's sites.
fn owned_by(scope: &Scope) -> Condition {
    let mut mine = Condition::any().add(corrective_action::Column::OwnerId.eq(scope.user_id));
    let role = scope.role.as_str();
    if OwnerRole::parse(role).is_some() && !scope.sites.is_empty() {
        mine = mine.add(
            Condition::all()
                .add(corrective_action::Column::OwnerId.is_null())
                .add(corrective_action::Column::OwnerRole.eq(role))
                .add(corrective_action::Column::SiteId.is_in(scope.sites.clone())),
        );
    }
    mine
}

/// The viewer's own open actions, soonest due first.
pub async fn open_for_owner<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> StoreResult<Vec<corrective_action::Model>> {
    Ok(corrective_action::Entity::find()
        .filter(corrective_action::Column::Status.eq(ActionStatus::Open))
        .filter(owned_by(scope))
        .order_by_asc(corrective_action::Column::DueDate)
        .order_by_asc(corrective_action::Column::Id)
        .all(db)
        .await?)
}

/// Actions not yet verified that the viewer sees beyond their own: at their sites (every
/// site for admins and the quality department), or raised by them. Staff get only theirs.
pub async fn unfinished_in_view<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    limit: u64,
) -> StoreResult<Vec<corrective_action::Model>> {
    let mut reach = owned_by(scope).add(corrective_action::Column::RaisedBy.eq(scope.user_id));
    if scope.role != crate::domain::access::Role::Staff {
        reach = match scope.site_filter() {
            None => Condition::all(),
            Some(sites) => reach.add(corrective_action::Column::SiteId.is_in(sites.to_vec())),
        };
    }
    Ok(corrective_action::Entity::find()
        .filter(corrective_action::Column::Status.ne(ActionStatus::Verified))
        .filter(reach)
        .order_by_asc(corrective_action::Column::DueDate)
        .order_by_asc(corrective_action::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Open actions past their due date, counted per site the viewer sees.
pub async fn overdue_per_site<C: ConnectionTrait>(
    db: &C,
    sites: Option<&[i32]>,
    today: NaiveDate,
) -> StoreResult<BTreeMap<i32, u64>> {
    let mut q = corrective_action::Entity::find()
        .select_only()
        .column(corrective_action::Column::SiteId)
        .column_as(Expr::col(corrective_action::Column::Id).count(), "n")
        .filter(corrective_action::Column::Status.eq(ActionStatus::Open))
        .filter(corrective_action::Column::DueDate.lt(today))
        .group_by(corrective_action::Column::SiteId);
    if let Some(sites) = sites {
        q = q.filter(corrective_action::Column::SiteId.is_in(sites.to_vec()));
    }
    let rows: Vec<(i32, i64)> = q.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(site, n)| (site, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Open actions past their due date at the sites given (all sites for `None`), oldest
/// due first: the site report lists them.
pub async fn overdue_at<C: ConnectionTrait>(
    db: &C,
    sites: Option<&[i32]>,
    today: NaiveDate,
) -> StoreResult<Vec<corrective_action::Model>> {
    let mut q = corrective_action::Entity::find()
        .filter(corrective_action::Column::Status.eq(ActionStatus::Open))
        .filter(corrective_action::Column::DueDate.lt(today));
    if let Some(sites) = sites {
        q = q.filter(corrective_action::Column::SiteId.is_in(sites.to_vec()));
    }
    Ok(q.order_by_asc(corrective_action::Column::DueDate)
        .order_by_asc(corrective_action::Column::Id)
        .all(db)
        .await?)
}

/// A step on an action, as its owner or checker takes it.
#[derive(Debug, Clone)]
pub enum Step {
    Close { note: String, photo: Option<String> },
    Verify,
    Reopen { note: String },
}

/// Take a step on an action in one transaction: the row is read again under the write
/// lock and the rule checked on what is stored, so two people closing at once close it
/// once. `allowed` is the rule (from domain::actions) for the step.
pub async fn take_step(
    db: &DatabaseConnection,
    id: i32,
    actor: i32,
    step: Step,
    allowed: impl Fn(&Facts) -> bool,
    now: DateTime<Utc>,
) -> StoreResult<corrective_action::Model> {
    let txn = begin_write(db).await?;
    let row = corrective_action::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("action {id}")))?;
    if !allowed(&facts(&row)) {
        return Err(StoreError::Conflict(
            Message::new("actions-cannot-take-step")
                .arg("id", id)
                .arg("status", row.status.as_str()),
        ));
    }
    let before = json!({ "status": row.status.as_str() });
    let mut change: corrective_action::ActiveModel = row.into();
    let (verb, event, after) = match step {
        Step::Close { note, photo } => {
            change.status = Set(ActionStatus::Closed);
            change.close_note = Set(Some(note.clone()));
            change.close_photo = Set(photo.clone());
            change.closed_by = Set(Some(actor));
            change.closed_at = Set(Some(now));
            (
                "close",
                ActionEvent::Closed,
                json!({ "status": "closed", "note": note, "photo": photo }),
            )
        }
        Step::Verify => {
            change.status = Set(ActionStatus::Verified);
            change.verified_by = Set(Some(actor));
            change.verified_at = Set(Some(now));
            (
                "verify",
                ActionEvent::Verified,
                json!({ "status": "verified" }),
            )
        }
        Step::Reopen { note } => {
            change.status = Set(ActionStatus::Open);
            change.closed_by = Set(None);
            change.closed_at = Set(None);
            (
                "reopen",
                ActionEvent::Reopened,
                json!({ "status": "open", "note": note }),
            )
        }
    };
    let row = change.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        verb,
        "corrective_action",
        id,
        Some(before),
        Some(after),
    )
    .await?;
    emit(&txn, event, &row).await?;
    txn.commit().await?;
    Ok(row)
}
