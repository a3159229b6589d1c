//! The data behind the quality dashboard and exports: submitted spot-checks (re-checks
//! left out, they are not a random sample) matching a filter and the viewer's scope, with
//! their item responses when a view needs them.

use entity::states::{InspectionStatus, Outcome};
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{inspection, inspection_response};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::StoreResult;
use super::filter::{QualityFilter, narrowed};
use super::library::{self, StoredChecklist};
use crate::domain::access::Scope;
use crate::domain::stats::Sample;

/// One submitted inspection as a statistics sample.
pub fn sample(r: &inspection::Model) -> Sample {
    Sample::one(
        r.shift_date,
        r.site_id,
        r.subject_id,
        r.inspector_id,
        r.percent.unwrap_or(0.0),
        r.passed.unwrap_or(false),
        r.critical_failure,
    )
}

/// How many inspections an export reads at a time: with their forty responses each, a
/// few megabytes, however long the range.
pub const PAGE: u64 = 500;

/// The submitted, non-re-check inspections in the filter and the scope, read a page at a
/// time, oldest first (by shift date, then id, so a page ends where the next begins), with
/// their checklist versions parsed once.
pub struct InView {
    query: sea_orm::Select<inspection::Entity>,
    after: Option<(NaiveDate, uuid::Uuid)>,
    done: bool,
    versions: HashMap<i32, StoredChecklist>,
}

impl InView {
    pub async fn open(
        db: &DatabaseConnection,
        scope: &Scope,
        filter: &QualityFilter,
    ) -> StoreResult<InView> {
        let mut query = inspection::Entity::find()
            .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
            .filter(inspection::Column::RecheckOf.is_null())
            .filter(inspection::Column::ShiftDate.gte(filter.from))
            .filter(inspection::Column::ShiftDate.lte(filter.to));
        if let Some(sites) = scope.site_filter() {
            query = query.filter(inspection::Column::SiteId.is_in(sites.to_vec()));
        }
        // The position the person held at the check, as the dashboard's figures count it.
        if let Some(position) = filter.position {
            query = query.filter(inspection::Column::PositionId.eq(position));
        }
        let query = narrowed(
            db,
            query,
            filter.site,
            filter.subject,
            filter.inspector,
            filter.checklist.as_deref(),
        )
        .await?;
        Ok(InView {
            query,
            after: None,
            done: false,
            versions: HashMap::new(),
        })
    }

    /// The next page of inspections; `None` once all have been read.
    pub async fn next_page(
        &mut self,
        db: &DatabaseConnection,
    ) -> StoreResult<Option<Vec<inspection::Model>>> {
        use inspection::Column as C;
        if self.done {
            return Ok(None);
        }
        let mut query = self.query.clone();
        if let Some((date, id)) = self.after {
            // Each database starts its index scan where the last page ended only for
            // one spelling: PostgreSQL for a row comparison (the other form scanned the
            // range from its start on every page: 330 ms a page at 1M, against 0.5),
            // SQLite for the two branches of an OR (the row comparison: 35 ms, against 2.5).
            use sea_orm::sea_query::{Expr, ExprTrait};
            query = query.filter(match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => Condition::all().add(
                    Expr::tuple([
                        Expr::col((inspection::Entity, C::ShiftDate)),
                        Expr::col((inspection::Entity, C::Id)),
                    ])
                    .gt(Expr::tuple([Expr::val(date), Expr::val(id)])),
                ),
                _ => Condition::any().add(C::ShiftDate.gt(date)).add(
                    Condition::all()
                        .add(C::ShiftDate.eq(date))
                        .add(C::Id.gt(id)),
                ),
            });
        }
        let rows = query
            .order_by_asc(C::ShiftDate)
            .order_by_asc(C::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        self.done = (rows.len() as u64) < PAGE;
        self.after = rows.last().map(|r| (r.shift_date, r.id));
        for r in &rows {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                self.versions.entry(r.checklist_version_id)
            {
                slot.insert(library::checklist_version(db, r.checklist_version_id).await?);
            }
        }
        Ok((!rows.is_empty()).then_some(rows))
    }

    /// A checklist version of an inspection already read.
    pub fn version(&self, id: i32) -> Option<&StoredChecklist> {
        self.versions.get(&id)
    }
}

/// The scored responses (not N/A, not left out) of some inspections, grouped by
/// inspection, each in the order it was stored.
pub async fn responses(
    db: &DatabaseConnection,
    inspections: &[inspection::Model],
) -> StoreResult<HashMap<uuid::Uuid, Vec<inspection_response::Model>>> {
    let mut out: HashMap<uuid::Uuid, Vec<inspection_response::Model>> = HashMap::new();
    for chunk in inspections.chunks(500) {
        let rows = inspection_response::Entity::find()
            .filter(inspection_response::Column::InspectionId.is_in(chunk.iter().map(|r| r.id)))
            .filter(
                Condition::any()
                    .add(inspection_response::Column::Outcome.eq(Outcome::Passed))
                    .add(inspection_response::Column::Outcome.eq(Outcome::Failed)),
            )
            .order_by_asc(inspection_response::Column::Id)
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.inspection_id).or_default().push(r);
        }
    }
    Ok(out)
}
