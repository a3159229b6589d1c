//! The weekly sampling plan, stored once per week and site so every app instance and
//! every supervisor sees the same plan; a plan item is ticked off by a submitted
//! spot-check of that person at that site in that week.

use chrono::{Duration, NaiveDate, Utc};
use entity::states::InspectionStatus;
use entity::{inspection, planned_check};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::{StoreResult, org};
use crate::domain::access::Scope;
use crate::domain::sampling::{Candidate, plan_week};

/// The week's plan for the scope's sites, made on first view (on the working days still
/// ahead on `today`); with the spot-check that ticked each item off, if any.
pub async fn week(
    db: &DatabaseConnection,
    scope: &Scope,
    monday: NaiveDate,
    today: NaiveDate,
) -> StoreResult<Vec<(planned_check::Model, Option<Uuid>)>> {
    let sites = org::visible_sites(db, scope).await?;
    for site in &sites {
        let exists = planned_check::Entity::find()
            .filter(planned_check::Column::WeekStart.eq(monday))
            .filter(planned_check::Column::SiteId.eq(site.id))
            .one(db)
            .await?
            .is_some();
        if !exists {
            make(db, site.id, monday, today).await?;
        }
    }
    let site_ids: Vec<i32> = sites.iter().map(|s| s.id).collect();
    let rows = planned_check::Entity::find()
        .filter(planned_check::Column::WeekStart.eq(monday))
        .filter(planned_check::Column::SiteId.is_in(site_ids))
        .order_by_asc(planned_check::Column::PlannedDate)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let done = inspection::Entity::find()
            .filter(inspection::Column::SubjectId.eq(row.subject_id))
            .filter(inspection::Column::SiteId.eq(row.site_id))
            .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
            .filter(inspection::Column::ShiftDate.gte(monday))
            .filter(inspection::Column::ShiftDate.lte(monday + Duration::days(6)))
            .one(db)
            .await?
            .map(|i| i.id);
        out.push((row, done));
    }
    Ok(out)
}

/// Plan one site's week from its staff's recent history.
async fn make(
    db: &DatabaseConnection,
    site: i32,
    monday: NaiveDate,
    today: NaiveDate,
) -> StoreResult<()> {
    let staff = org::staff_at(db, site).await?;
    let mut candidates = Vec::with_capacity(staff.len());
    for (person, _) in &staff {
        let history = inspection::Entity::find()
            .filter(inspection::Column::SubjectId.eq(person.id))
            .filter(inspection::Column::SiteId.eq(site))
            .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
            .filter(inspection::Column::ShiftDate.lt(monday))
            .filter(inspection::Column::ShiftDate.gte(monday - Duration::days(90)))
            .order_by_desc(inspection::Column::ShiftDate)
            .all(db)
            .await?;
        let scores: Vec<f64> = history.iter().filter_map(|i| i.percent).collect();
        candidates.push(Candidate {
            subject: person.id,
            site,
            last_checked: history.first().map(|i| i.shift_date),
            recent_mean: (!scores.is_empty())
                .then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        });
    }
    // Enough checks that everyone is seen at least once in four weeks.
    let per_site = staff.len().div_ceil(4).max(2);
    let now = Utc::now();
    let rows: Vec<planned_check::ActiveModel> = plan_week(&candidates, monday, today, per_site)
        .into_iter()
        .map(|p| planned_check::ActiveModel {
            week_start: Set(monday),
            site_id: Set(p.site),
            subject_id: Set(p.subject),
            planned_date: Set(p.date),
            shift_period: Set(p.period),
            reason: Set(p.reason.as_str().to_string()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // Another instance may be planning the same week at the same moment: same plan, kept once.
    planned_check::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            planned_check::Column::WeekStart,
            planned_check::Column::SiteId,
            planned_check::Column::SubjectId,
        ])
        .exec(db)
        .await?;
    Ok(())
}
