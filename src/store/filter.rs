//! What a list, a dashboard or an export is narrowed to: the inspection history's
//! filter, the quality dashboard's, and the one rule each applies to a query (the
//! viewer's sites, then the filter's site, people, position and checklist versions).

use chrono::NaiveDate;
use entity::inspection;
use entity::states::InspectionStatus;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

use super::StoreResult;
use super::library::version_ids;
use crate::domain::access::Scope;

/// Filters for the inspection history; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub site: Option<i32>,
    pub subject: Option<i32>,
    pub inspector: Option<i32>,
    pub checklist: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub status: Option<InspectionStatus>,
    /// `checklist-key/item-key`: only inspections where that item failed.
    pub failed_item: Option<String>,
    /// The position the person held at the check.
    pub position: Option<i32>,
    /// First checks only, or re-checks only; both when `None`.
    pub kind: Option<CheckKind>,
}

/// A spot-check of the sampling plan, or a re-check of items that failed (the dashboard
/// counts only the first: re-checks are not a random sample).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    First,
    Recheck,
}

impl CheckKind {
    /// The value in a query string: `first` or `recheck`.
    pub fn parse(raw: &str) -> Option<CheckKind> {
        match raw {
            "first" => Some(CheckKind::First),
            "recheck" => Some(CheckKind::Recheck),
            _ => None,
        }
    }
}

/// Inspections at a site, of a staff member, by an inspector and on any version of a
/// checklist, each when given: the narrowing the inspection list and the exports share.
pub async fn narrowed(
    db: &DatabaseConnection,
    mut query: Select<inspection::Entity>,
    site: Option<i32>,
    subject: Option<i32>,
    inspector: Option<i32>,
    checklist: Option<&str>,
) -> StoreResult<Select<inspection::Entity>> {
    if let Some(site) = site {
        query = query.filter(inspection::Column::SiteId.eq(site));
    }
    if let Some(subject) = subject {
        query = query.filter(inspection::Column::SubjectId.eq(subject));
    }
    if let Some(inspector) = inspector {
        query = query.filter(inspection::Column::InspectorId.eq(inspector));
    }
    if let Some(key) = checklist {
        let versions = version_ids(db, key).await?;
        query = query.filter(inspection::Column::ChecklistVersionId.is_in(versions));
    }
    Ok(query)
}

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

/// The columns a query is narrowed by: the aggregates' own, or the inspection's.
pub(super) struct Narrowing<C> {
    pub site: C,
    pub version: C,
    pub position: C,
    /// Subject and inspector, where the rows have them.
    pub person: Option<(C, C)>,
}

impl Narrowing<inspection::Column> {
    /// The inspection's own columns, its people included.
    pub fn inspections() -> Self {
        use inspection::Column as I;
        Narrowing {
            site: I::SiteId,
            version: I::ChecklistVersionId,
            position: I::PositionId,
            person: Some((I::SubjectId, I::InspectorId)),
        }
    }
}

impl Narrowing<entity::stat_last_check::Column> {
    /// The kept last checks' key columns (the position at the time, 0 for none).
    pub fn last_checks() -> Self {
        use entity::stat_last_check::Column as L;
        Narrowing {
            site: L::SiteId,
            version: L::ChecklistVersionId,
            position: L::PositionId,
            person: Some((L::SubjectId, L::InspectorId)),
        }
    }
}

/// Narrow a query to the viewer's sites and the filter's site, position, people and
/// checklist versions: one rule for the aggregates and the raw responses alike.
pub(super) fn narrow<E: EntityTrait, C: ColumnTrait>(
    mut query: Select<E>,
    scope: &Scope,
    filter: &QualityFilter,
    versions: Option<Vec<i32>>,
    columns: Narrowing<C>,
) -> Select<E> {
    if let Some(sites) = scope.site_filter() {
        query = query.filter(columns.site.is_in(sites.to_vec()));
    }
    if let Some(site) = filter.site {
        query = query.filter(columns.site.eq(site));
    }
    if let Some(position) = filter.position {
        query = query.filter(columns.position.eq(position));
    }
    if let Some((subject, inspector)) = columns.person {
        if let Some(id) = filter.subject {
            query = query.filter(subject.eq(id));
        }
        if let Some(id) = filter.inspector {
            query = query.filter(inspector.eq(id));
        }
    }
    if let Some(ids) = versions {
        query = query.filter(columns.version.is_in(ids));
    }
    query
}

/// The checklist versions the filter narrows to, if it names a checklist.
pub(super) async fn versions_filter(
    db: &DatabaseConnection,
    filter: &QualityFilter,
) -> StoreResult<Option<Vec<i32>>> {
    Ok(match &filter.checklist {
        Some(key) => Some(version_ids(db, key).await?),
        None => None,
    })
}
