//! The data behind the quality dashboard and exports: submitted spot-checks (re-checks
//! left out, they are not a random sample) matching a filter and the viewer's scope, with
//! their item responses when a view needs them.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::{inspection, inspection_response, user};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::StoreResult;
use super::library::{self, StoredChecklist};
use crate::domain::access::Scope;
use crate::domain::stats::Sample;

/// What the dashboard is looking at. Every field narrows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityFilter {
    pub site: Option<i32>,
    pub checklist: Option<String>,
    pub section: Option<String>,
    pub position: Option<i32>,
    pub subject: Option<i32>,
    pub inspector: Option<i32>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl QualityFilter {
    /// Everything in scope between two dates, narrowed by nothing else.
    pub fn range(from: NaiveDate, to: NaiveDate) -> QualityFilter {
        QualityFilter {
            site: None,
            checklist: None,
            section: None,
            position: None,
            subject: None,
            inspector: None,
            from,
            to,
        }
    }
}

/// The inspections in view, with what is needed to label and drill into them.
pub struct InView {
    pub rows: Vec<inspection::Model>,
    /// Checklist versions by id, parsed.
    pub versions: HashMap<i32, StoredChecklist>,
    /// Each subject's position id.
    pub positions: HashMap<i32, Option<i32>>,
}

impl InView {
    pub fn samples(&self) -> Vec<Sample> {
        self.rows.iter().map(sample).collect()
    }
}

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

/// Submitted, non-re-check inspections in the filter and the scope, oldest first.
pub async fn in_view(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
) -> StoreResult<InView> {
    let mut query = inspection::Entity::find()
        .filter(inspection::Column::Status.eq("submitted"))
        .filter(inspection::Column::RecheckOf.is_null())
        .filter(inspection::Column::ShiftDate.gte(filter.from))
        .filter(inspection::Column::ShiftDate.lte(filter.to));
    if let Some(sites) = scope.site_filter() {
        query = query.filter(inspection::Column::SiteId.is_in(sites.to_vec()));
    }
    if let Some(site) = filter.site {
        query = query.filter(inspection::Column::SiteId.eq(site));
    }
    if let Some(subject) = filter.subject {
        query = query.filter(inspection::Column::SubjectId.eq(subject));
    }
    if let Some(inspector) = filter.inspector {
        query = query.filter(inspection::Column::InspectorId.eq(inspector));
    }
    let mut versions: HashMap<i32, StoredChecklist> = HashMap::new();
    if let Some(key) = &filter.checklist {
        let ids = super::stats::version_ids(db, key).await?;
        query = query.filter(inspection::Column::ChecklistVersionId.is_in(ids));
    }
    let mut rows = query
        .order_by_asc(inspection::Column::ShiftDate)
        .all(db)
        .await?;

    let subjects: Vec<i32> = {
        let mut v: Vec<i32> = rows.iter().map(|r| r.subject_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut positions = HashMap::new();
    for chunk in subjects.chunks(500) {
        for u in user::Entity::find()
            .filter(user::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            positions.insert(u.id, u.position_id);
        }
    }
    if let Some(position) = filter.position {
        rows.retain(|r| positions.get(&r.subject_id).copied().flatten() == Some(position));
    }
    for r in &rows {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            versions.entry(r.checklist_version_id)
        {
            slot.insert(library::checklist_version(db, r.checklist_version_id).await?);
        }
    }
    Ok(InView {
        rows,
        versions,
        positions,
    })
}

/// The scored responses of the inspections in view (not N/A, not left out), grouped by
/// inspection.
pub async fn responses(
    db: &DatabaseConnection,
    view: &InView,
) -> StoreResult<BTreeMap<uuid::Uuid, Vec<inspection_response::Model>>> {
    let ids: Vec<uuid::Uuid> = view.rows.iter().map(|r| r.id).collect();
    let mut out: BTreeMap<uuid::Uuid, Vec<inspection_response::Model>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows = inspection_response::Entity::find()
            .filter(inspection_response::Column::InspectionId.is_in(chunk.to_vec()))
            .filter(
                Condition::any()
                    .add(inspection_response::Column::Outcome.eq("passed"))
                    .add(inspection_response::Column::Outcome.eq("failed")),
            )
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.inspection_id).or_default().push(r);
        }
    }
    Ok(out)
}
