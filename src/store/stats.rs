//! The aggregates behind the quality dashboard and the site reports, kept on write: a
//! submission adds its counts (and a void takes them away) in its own transaction, per
//! week and per month. A year of trends then reads a few thousand rows instead of every
//! inspection and its forty responses. Re-checks are left out, as everywhere in the
//! quality figures: they are not a random sample.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::{inspection, inspection_response, stat_inspection, stat_item};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};

use super::StoreResult;
use super::quality::QualityFilter;
use crate::domain::access::Scope;
use crate::domain::stats::{Granularity, Sample};

/// The grains kept: weeks for ranges up to about four months, months beyond.
const GRAINS: [Granularity; 2] = [Granularity::Week, Granularity::Month];

fn grain_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Week => "week",
        Granularity::Month => "month",
    }
}

/// One scored response, as the aggregates count it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    pub item_key: String,
    pub failed: bool,
    pub points: f64,
    pub max_points: f64,
}

impl ItemResult {
    /// Passed and failed responses count; N/A, unanswered and left-out ones do not.
    pub fn of(key: &str, outcome: &str, points: f64, max_points: f64) -> Option<ItemResult> {
        matches!(outcome, "passed" | "failed").then(|| ItemResult {
            item_key: key.to_string(),
            failed: outcome == "failed",
            points,
            max_points,
        })
    }
}

type InspectionKey = (&'static str, NaiveDate, i32, i32, i32, i32, i32);
type ItemKey = (&'static str, NaiveDate, i32, i32, i32, String);

/// Changes to the aggregates, added up in memory and written in a few statements.
#[derive(Debug, Default)]
pub struct Tally {
    inspections: HashMap<InspectionKey, (i32, i32, i32, f64)>,
    items: HashMap<ItemKey, (i32, i32, f64, f64)>,
}

impl Tally {
    /// Count a submitted inspection (`sign` 1) or take it away again (`sign` -1). Drafts,
    /// voided inspections and re-checks are not counted.
    pub fn add(&mut self, row: &inspection::Model, responses: &[ItemResult], sign: i32) {
        if row.recheck_of.is_some() {
            return;
        }
        let position = row.position_id.unwrap_or(0);
        let s = f64::from(sign);
        for g in GRAINS {
            let period = g.start(row.shift_date);
            let grain = grain_name(g);
            let t = self
                .inspections
                .entry((
                    grain,
                    period,
                    row.site_id,
                    row.checklist_version_id,
                    position,
                    row.subject_id,
                    row.inspector_id,
                ))
                .or_default();
            t.0 += sign;
            t.1 += sign * i32::from(row.passed.unwrap_or(false));
            t.2 += sign * i32::from(row.critical_failure);
            t.3 += s * row.percent.unwrap_or(0.0);
            for r in responses {
                let t = self
                    .items
                    .entry((
                        grain,
                        period,
                        row.site_id,
                        row.checklist_version_id,
                        position,
                        r.item_key.clone(),
                    ))
                    .or_default();
                t.0 += sign;
                t.1 += sign * i32::from(r.failed);
                t.2 += s * r.points;
                t.3 += s * r.max_points;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.inspections.is_empty() && self.items.is_empty()
    }

    /// Write the changes: insert new rows, add to existing ones.
    pub async fn save<C: ConnectionTrait>(self, db: &C) -> StoreResult<()> {
        use stat_inspection::Column as I;
        use stat_item::Column as T;
        let inspections: Vec<stat_inspection::ActiveModel> = self
            .inspections
            .into_iter()
            .map(
                |((grain, period, site, version, position, subject, inspector), t)| {
                    stat_inspection::ActiveModel {
                        grain: Set(grain.into()),
                        period: Set(period),
                        site_id: Set(site),
                        checklist_version_id: Set(version),
                        position_id: Set(position),
                        subject_id: Set(subject),
                        inspector_id: Set(inspector),
                        inspections: Set(t.0),
                        passed: Set(t.1),
                        critical: Set(t.2),
                        percent_sum: Set(t.3),
                    }
                },
            )
            .collect();
        let add = |table: &str, columns: &[&str]| -> Vec<(String, Expr)> {
            columns
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        Expr::cust(format!("{table}.{c} + excluded.{c}")),
                    )
                })
                .collect()
        };
        for chunk in inspections.chunks(400) {
            let mut on_conflict = OnConflict::columns([
                I::Grain,
                I::Period,
                I::SiteId,
                I::ChecklistVersionId,
                I::PositionId,
                I::SubjectId,
                I::InspectorId,
            ]);
            for (column, expr) in add(
                "stat_inspection",
                &["inspections", "passed", "critical", "percent_sum"],
            ) {
                on_conflict.value(sea_orm::sea_query::Alias::new(column), expr);
            }
            stat_inspection::Entity::insert_many(chunk.to_vec())
                .on_conflict(on_conflict)
                .exec_without_returning(db)
                .await?;
        }
        let items: Vec<stat_item::ActiveModel> = self
            .items
            .into_iter()
            .map(
                |((grain, period, site, version, position, item), t)| stat_item::ActiveModel {
                    grain: Set(grain.into()),
                    period: Set(period),
                    site_id: Set(site),
                    checklist_version_id: Set(version),
                    position_id: Set(position),
                    item_key: Set(item),
                    checked: Set(t.0),
                    failed: Set(t.1),
                    points: Set(t.2),
                    max_points: Set(t.3),
                },
            )
            .collect();
        for chunk in items.chunks(400) {
            let mut on_conflict = OnConflict::columns([
                T::Grain,
                T::Period,
                T::SiteId,
                T::ChecklistVersionId,
                T::PositionId,
                T::ItemKey,
            ]);
            for (column, expr) in add("stat_item", &["checked", "failed", "points", "max_points"]) {
                on_conflict.value(sea_orm::sea_query::Alias::new(column), expr);
            }
            stat_item::Entity::insert_many(chunk.to_vec())
                .on_conflict(on_conflict)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }
}

/// The scored responses of one stored inspection.
pub async fn stored_results<C: ConnectionTrait>(
    db: &C,
    inspection: uuid::Uuid,
) -> StoreResult<Vec<ItemResult>> {
    Ok(inspection_response::Entity::find()
        .filter(inspection_response::Column::InspectionId.eq(inspection))
        .all(db)
        .await?
        .iter()
        .filter_map(|r| ItemResult::of(&r.item_key, &r.outcome, r.points, r.max_points))
        .collect())
}

/// Recount every aggregate from the inspections, in one transaction. Run once after the
/// upgrade that introduced them (see [`ensure`]); afterwards they are kept on write.
pub async fn rebuild(db: &DatabaseConnection) -> StoreResult<u64> {
    let txn = crate::store::begin_write(db).await?;
    stat_inspection::Entity::delete_many().exec(&txn).await?;
    stat_item::Entity::delete_many().exec(&txn).await?;
    let mut pages = counted()
        .order_by_asc(inspection::Column::Id)
        .paginate(&txn, 500);
    let mut counted_rows = 0;
    while let Some(rows) = pages.fetch_and_next().await? {
        let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
        let mut results: HashMap<uuid::Uuid, Vec<ItemResult>> = HashMap::new();
        for r in inspection_response::Entity::find()
            .filter(inspection_response::Column::InspectionId.is_in(ids))
            .all(&txn)
            .await?
        {
            if let Some(result) = ItemResult::of(&r.item_key, &r.outcome, r.points, r.max_points) {
                results.entry(r.inspection_id).or_default().push(result);
            }
        }
        let mut tally = Tally::default();
        for row in &rows {
            tally.add(row, results.get(&row.id).map_or(&[], Vec::as_slice), 1);
        }
        tally.save(&txn).await?;
        counted_rows += rows.len() as u64;
    }
    txn.commit().await?;
    Ok(counted_rows)
}

fn counted() -> Select<inspection::Entity> {
    inspection::Entity::find()
        .filter(inspection::Column::Status.eq("submitted"))
        .filter(inspection::Column::RecheckOf.is_null())
}

/// Build the aggregates if there are inspections to count but none counted yet: the
/// first start after upgrading a database that predates them.
pub async fn ensure(db: &DatabaseConnection) -> StoreResult<()> {
    let kept = stat_inspection::Entity::find().limit(1).all(db).await?;
    if kept.is_empty() && counted().limit(1).all(db).await?.len() == 1 {
        let n = rebuild(db).await?;
        tracing::info!("counted {n} inspections into the quality aggregates");
    }
    Ok(())
}

/// Dates widened to whole periods of `granularity`: the aggregates' unit.
pub fn whole_periods(g: Granularity, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = g.start(from);
    let last = g.start(to);
    let end = match g {
        Granularity::Week => last + chrono::Duration::days(6),
        Granularity::Month => last
            .checked_add_months(chrono::Months::new(1))
            .map_or(last, |next| next - chrono::Duration::days(1)),
    };
    (start, end)
}

/// The filter's spot-checks per period of `g`, site, staff member and inspector. The
/// filter's dates should already be whole periods ([`whole_periods`]).
pub async fn samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<Sample>> {
    use stat_inspection::Column as C;
    let query = stat_inspection::Entity::find()
        .select_only()
        .columns([C::Period, C::SiteId, C::SubjectId, C::InspectorId])
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    let versions = match &filter.checklist {
        Some(key) => Some(version_ids(db, key).await?),
        None => None,
    };
    let query = narrow(
        query,
        scope,
        filter,
        versions,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: Some((C::SubjectId, C::InspectorId)),
        },
    );
    let rows: Vec<SampleTuple> = query
        .group_by(C::Period)
        .group_by(C::SiteId)
        .group_by(C::SubjectId)
        .group_by(C::InspectorId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.4 > 0)
        .map(
            |(date, site, subject, inspector, n, passed, critical, percent_sum)| Sample {
                date,
                site,
                subject,
                inspector,
                inspections: n as usize,
                passed: passed as usize,
                critical: critical as usize,
                percent_sum,
            },
        )
        .collect())
}

/// Week samples for the four weeks up to the filter's end: who was checked lately, for
/// coverage (`stats::not_covered` with `COVERAGE_DAYS`).
pub async fn recent(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
) -> StoreResult<Vec<Sample>> {
    let weeks = QualityFilter {
        from: filter.to - chrono::Duration::days(crate::domain::stats::COVERAGE_DAYS - 1),
        ..filter.clone()
    };
    samples(db, scope, &weeks, Granularity::Week).await
}

/// Item results added up per site and checklist version.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub site: i32,
    pub version: i32,
    pub item_key: String,
    pub checked: usize,
    pub failed: usize,
    pub points: f64,
    pub max_points: f64,
}

type ItemTuple = (i32, i32, String, i64, i64, f64, f64);
/// period, site, subject, inspector, inspections, passed, critical, percent sum
type SampleTuple = (NaiveDate, i32, i32, i32, i64, i64, i64, f64);

fn item_rows(rows: Vec<ItemTuple>) -> Vec<ItemRow> {
    rows.into_iter()
        .filter(|r| r.3 > 0)
        .map(
            |(site, version, item_key, checked, failed, points, max_points)| ItemRow {
                site,
                version,
                item_key,
                checked: checked as usize,
                failed: failed as usize,
                points,
                max_points,
            },
        )
        .collect()
}

/// The filter's item results per site, checklist version and item. Item aggregates are
/// not kept per person, so a filter on a staff member or an inspector adds up their
/// responses instead (a person's year is a few hundred spot-checks).
pub async fn items(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<ItemRow>> {
    let versions = match &filter.checklist {
        Some(key) => Some(version_ids(db, key).await?),
        None => None,
    };
    if filter.subject.is_some() || filter.inspector.is_some() {
        return items_from_responses(db, scope, filter, versions).await;
    }
    use stat_item::Column as C;
    let query = stat_item::Entity::find()
        .select_only()
        .columns([C::SiteId, C::ChecklistVersionId, C::ItemKey])
        .column_as(C::Checked.sum(), "checked")
        .column_as(C::Failed.sum(), "failed")
        .column_as(C::Points.sum(), "points")
        .column_as(C::MaxPoints.sum(), "max_points")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    let query = narrow(
        query,
        scope,
        filter,
        versions,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: None,
        },
    );
    let rows: Vec<ItemTuple> = query
        .group_by(C::SiteId)
        .group_by(C::ChecklistVersionId)
        .group_by(C::ItemKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(item_rows(rows))
}

/// The same figures as [`items`], added up from the responses themselves.
pub async fn items_from_responses(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    versions: Option<Vec<i32>>,
) -> StoreResult<Vec<ItemRow>> {
    use inspection::Column as I;
    use inspection_response::Column as R;
    let query = inspection_response::Entity::find()
        .select_only()
        .inner_join(inspection::Entity)
        .column(I::SiteId)
        .column(I::ChecklistVersionId)
        .column(R::ItemKey)
        .column_as(R::Id.count(), "checked")
        .column_as(
            Expr::cust("sum(case when inspection_response.outcome = 'failed' then 1 else 0 end)"),
            "failed",
        )
        .column_as(R::Points.sum(), "points")
        .column_as(R::MaxPoints.sum(), "max_points")
        .filter(I::Status.eq("submitted"))
        .filter(I::RecheckOf.is_null())
        .filter(I::ShiftDate.between(filter.from, filter.to))
        .filter(R::Outcome.is_in(["passed", "failed"]));
    let query = narrow(
        query,
        scope,
        filter,
        versions,
        Narrowing {
            site: I::SiteId,
            version: I::ChecklistVersionId,
            position: I::PositionId,
            person: Some((I::SubjectId, I::InspectorId)),
        },
    );
    let rows: Vec<ItemTuple> = query
        .group_by(I::SiteId)
        .group_by(I::ChecklistVersionId)
        .group_by(R::ItemKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(item_rows(rows))
}

/// The columns a query is narrowed by: the aggregates' own, or the inspection's.
struct Narrowing<C> {
    site: C,
    version: C,
    position: C,
    /// Subject and inspector, where the rows have them.
    person: Option<(C, C)>,
}

/// Narrow a query to the viewer's sites and the filter's site, position, people and
/// checklist versions: one rule for the aggregates and the raw responses alike.
fn narrow<E: EntityTrait, C: ColumnTrait>(
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

/// Every version id of a checklist.
pub async fn version_ids(db: &DatabaseConnection, key: &str) -> StoreResult<Vec<i32>> {
    use entity::{checklist, checklist_version};
    Ok(checklist_version::Entity::find()
        .select_only()
        .column(checklist_version::Column::Id)
        .inner_join(checklist::Entity)
        .filter(checklist::Column::Key.eq(key))
        .into_tuple()
        .all(db)
        .await?)
}

/// Item rows keyed for labelling: every version they mention, parsed.
pub async fn versions_of(
    db: &DatabaseConnection,
    rows: &[ItemRow],
) -> StoreResult<BTreeMap<i32, super::library::StoredChecklist>> {
    let mut out = BTreeMap::new();
    for r in rows {
        if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(r.version) {
            slot.insert(super::library::checklist_version(db, r.version).await?);
        }
    }
    Ok(out)
}
