//! The reads behind the result page and the PDF reports: one inspection as recorded
//! (`report_view`, which the page and the PDF both render), and the look-ups the report
//! routes and the CLI make before they authorize (a person, a site, whose record it is).
//! Everything comes back as plain values (`domain::record`), in no language yet.

use entity::{
    inspection, inspection_response, site, training_assignment, training_module, user, user_site,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::inspections::latest_module;
use super::library::StoredChecklist;
use super::{StoreError, StoreResult, org};
use crate::domain::Text;
use crate::domain::access::Role;
use crate::domain::record::{AssignedModule, InspectionRecord, RecordedResponse};

/// The inspection row, or `NotFound`: what the routes authorize on before reading more.
pub async fn inspection_row<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> StoreResult<inspection::Model> {
    inspection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("inspection {id}")))
}

/// A submitted (or voided) inspection with everything its result shows: names, the
/// subject's position, the answers, and the training it assigned. `checklist` is the
/// version it was scored on (the web keeps parsed versions: `AppState::checklist_version`).
/// Drafts have no result.
pub async fn report_view<C: ConnectionTrait>(
    db: &C,
    row: inspection::Model,
    checklist: StoredChecklist,
) -> StoreResult<InspectionRecord> {
    let id = row.id;
    if row.status == "draft" {
        return Err(StoreError::Invalid(format!(
            "spot-check {id} is still a draft; only submitted spot-checks have a report"
        )));
    }
    let responses = inspection_response::Entity::find()
        .filter(inspection_response::Column::InspectionId.eq(id))
        .order_by_asc(inspection_response::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RecordedResponse {
            answer: serde_json::from_value(r.value).ok(),
            item_key: r.item_key,
            outcome: r.outcome,
            points: r.points,
            max_points: r.max_points,
            note: r.note,
            photo: r.photo,
        })
        .collect();
    let names = org::names(db, vec![row.subject_id, row.inspector_id]).await?;
    let position = match user::Entity::find_by_id(row.subject_id).one(db).await? {
        Some(subject) => org::position_of(db, &subject)
            .await?
            .map(|p| Text::new(p.name_zh, p.name_en)),
        None => None,
    };
    let site = site::Entity::find_by_id(row.site_id).one(db).await?;
    let assignments = training_assignment::Entity::find()
        .filter(training_assignment::Column::InspectionId.eq(id))
        .order_by_asc(training_assignment::Column::Id)
        .find_also_related(training_module::Entity)
        .all(db)
        .await?;
    let mut assigned = Vec::with_capacity(assignments.len());
    for (a, module) in assignments {
        // A module whose definition no longer reads still shows, by its key.
        let (key, title) = match module {
            Some(m) => {
                let title = latest_module(db, m.id).await.ok().map(|def| def.title);
                (m.key, title)
            }
            None => (String::new(), None),
        };
        assigned.push(AssignedModule {
            key,
            title,
            due: a.due_date,
            critical: a.critical,
            status: a.status,
        });
    }
    Ok(InspectionRecord {
        id,
        site_id: row.site_id,
        site: site.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        site_time_zone: site.map(|s| s.time_zone).unwrap_or_default(),
        subject_id: row.subject_id,
        subject: names.get(&row.subject_id).cloned().unwrap_or_default(),
        position,
        inspector_id: row.inspector_id,
        inspector: names.get(&row.inspector_id).cloned().unwrap_or_default(),
        shift_date: row.shift_date,
        shift_period: row.shift_period,
        status: row.status,
        void_reason: row.void_reason,
        recheck: row.recheck_of.is_some(),
        submitted_at: row.submitted_at,
        acknowledged_at: row.acknowledged_at,
        score: row.score,
        max_score: row.max_score,
        percent: row.percent,
        passed: row.passed,
        critical_failure: row.critical_failure,
        checklist: checklist.checklist,
        checklist_version: checklist.version,
        responses,
        training: assigned,
    })
}

/// A person by email (any case) or by numeric id.
pub async fn find_person<C: ConnectionTrait>(db: &C, who: &str) -> StoreResult<user::Model> {
    let who = who.trim();
    let found = match who.parse::<i32>() {
        Ok(id) => user::Entity::find_by_id(id).one(db).await?,
        Err(_) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(who.to_lowercase()))
                .one(db)
                .await?
        }
    };
    found.ok_or_else(|| StoreError::NotFound(format!("person `{who}`")))
}

/// A site by its id or its code (any case); a number is taken as an id first.
pub async fn find_site<C: ConnectionTrait>(db: &C, code: &str) -> StoreResult<site::Model> {
    let code = code.trim();
    let all = site::Entity::find().all(db).await?;
    let id = code.parse::<i32>().ok();
    let by_id = all.iter().position(|s| Some(s.id) == id);
    let by_code = || all.iter().position(|s| s.code.eq_ignore_ascii_case(code));
    by_id
        .or_else(by_code)
        .map(|at| all[at].clone())
        .ok_or_else(|| StoreError::NotFound(format!("site `{code}`")))
}

/// The sites a person belongs to.
pub async fn sites_of<C: ConnectionTrait>(db: &C, user_id: i32) -> StoreResult<Vec<i32>> {
    Ok(user_site::Entity::find()
        .filter(user_site::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.site_id)
        .collect())
}

/// A person's role and sites, what `Scope::can_read_record_of` decides on; `None` for
/// nobody (or a role this build does not know).
pub async fn record_holder<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> StoreResult<Option<(Role, Vec<i32>)>> {
    let Some(person) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&person.role) else {
        return Ok(None);
    };
    Ok(Some((role, sites_of(db, user_id).await?)))
}
