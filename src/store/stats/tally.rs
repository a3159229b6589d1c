//! Keeping the aggregates on write: a submission adds its counts (and a void takes them
//! away) in its own transaction, per week and per month, to the kept windows' halves it
//! falls in, to the running totals and the last-checked dates; and the one-off recount
//! of a database that predates them.

use entity::states::{InspectionStatus, Outcome};
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    inspection, inspection_response, stat_frontier, stat_inspection, stat_item, stat_site,
    stat_window,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityName, EntityTrait,
    IdenStatic, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::running::PersonKey;
use super::{GRAINS, GROUP, grain_name};
use crate::store::StoreResult;

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
    pub fn of(key: &str, outcome: Outcome, points: f64, max_points: f64) -> Option<ItemResult> {
        outcome.is_counted().then(|| ItemResult {
            item_key: key.to_string(),
            failed: outcome == Outcome::Failed,
            points,
            max_points,
        })
    }
}

pub(super) type InspectionKey = (&'static str, NaiveDate, i32, i32, i32, i32, i32);
type ItemKey = (&'static str, NaiveDate, i32, i32, i32, String);
type SiteKey = (&'static str, NaiveDate, i32, i32, i32);

/// A site roll-up row's counts: inspections, passed, critical, percent sum, points,
/// maximum points.
#[derive(Debug, Default)]
struct SiteCounts {
    inspections: i32,
    passed: i32,
    critical: i32,
    percent_sum: f64,
    points: f64,
    max_points: f64,
}

/// Add person counts (keyed as [`InspectionKey`]), in the order given, to
/// `stat_inspection` or `stat_running`: the same columns, kept by the same upsert.
macro_rules! add_person_rows {
    ($db:expr, $table:ident, $rows:expr) => {{
        use entity::$table::{ActiveModel, Column as P};
        let rows = $rows.into_iter().map(
            |((grain, period, site, version, position, subject, inspector), t)| ActiveModel {
                grain: Set(String::from(grain)),
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
            },
        );
        let key = [
            P::Grain,
            P::Period,
            P::SiteId,
            P::ChecklistVersionId,
            P::PositionId,
            P::SubjectId,
            P::InspectorId,
        ];
        let counts = [P::Inspections, P::Passed, P::Critical, P::PercentSum];
        $crate::store::stats::tally::add_to_rows($db, rows, &key, &counts).await
    }};
}
pub(super) use add_person_rows;

/// Changes to the aggregates, added up in memory and written in a few statements.
#[derive(Debug, Default)]
pub struct Tally {
    inspections: HashMap<InspectionKey, (i32, i32, i32, f64)>,
    items: HashMap<ItemKey, (i32, i32, f64, f64)>,
    sites: HashMap<SiteKey, SiteCounts>,
    /// The latest date counted per person key, and the inspections voided per key.
    checked: HashMap<PersonKey, NaiveDate>,
    voided: HashMap<PersonKey, Vec<uuid::Uuid>>,
}

impl Tally {
    /// Count a submitted inspection (`sign` 1) or take it away again (`sign` -1). Drafts,
    /// voided inspections and re-checks are not counted.
    pub fn add(&mut self, row: &inspection::Model, responses: &[ItemResult], sign: i32) {
        if row.recheck_of.is_some() {
            return;
        }
        let position = row.position_id.unwrap_or(0);
        let key = (
            row.site_id,
            row.checklist_version_id,
            position,
            row.subject_id,
            row.inspector_id,
        );
        if sign > 0 {
            let last = self.checked.entry(key).or_insert(row.shift_date);
            *last = (*last).max(row.shift_date);
        } else {
            self.voided.entry(key).or_default().push(row.id);
        }
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
            let site = self
                .sites
                .entry((
                    grain,
                    period,
                    row.site_id,
                    row.checklist_version_id,
                    position,
                ))
                .or_default();
            site.inspections += sign;
            site.passed += sign * i32::from(row.passed.unwrap_or(false));
            site.critical += sign * i32::from(row.critical_failure);
            site.percent_sum += s * row.percent.unwrap_or(0.0);
            // Each item is counted for its site and again for the whole group (site 0).
            for r in responses {
                site.points += s * r.points;
                site.max_points += s * r.max_points;
                for site in [row.site_id, GROUP] {
                    let t = self
                        .items
                        .entry((
                            grain,
                            period,
                            site,
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
    }

    pub fn is_empty(&self) -> bool {
        self.inspections.is_empty()
            && self.items.is_empty()
            && self.sites.is_empty()
            && self.checked.is_empty()
            && self.voided.is_empty()
    }

    /// Write the changes: insert new rows, add to existing ones. Inside a write
    /// transaction (on SQLite begun with [`begin_write`]), where the kept windows and
    /// the running totals' frontiers it reads cannot move until it commits.
    ///
    /// [`begin_write`]: crate::store::begin_write
    pub async fn save(mut self, db: &sea_orm::DatabaseTransaction) -> StoreResult<()> {
        let deltas: Vec<(InspectionKey, (i32, i32, i32, f64))> =
            self.inspections.iter().map(|(k, t)| (*k, *t)).collect();
        let checked = std::mem::take(&mut self.checked);
        let voided = std::mem::take(&mut self.voided);
        self.save_periods(db).await?;
        super::running::save(db, deltas, checked, voided).await
    }

    /// [`Tally::save`] without the running totals and last checks, for a rebuild or a
    /// bulk load that recounts those once at the end, set-based ([`refill_running`]).
    pub async fn save_periods(mut self, db: &sea_orm::DatabaseTransaction) -> StoreResult<()> {
        use stat_item::Column as T;
        use stat_site::Column as S;
        // The person counts also go to the halves of the kept windows they fall in. The
        // windows are read with a shared lock, so a window being rebuilt is waited for.
        let windows = if self.inspections.is_empty() {
            Vec::new()
        } else {
            super::windows::kept_windows(db, true).await?
        };
        let mut halves: Vec<(InspectionKey, (i32, i32, i32, f64))> = Vec::new();
        for (key, t) in &self.inspections {
            for w in &windows {
                if grain_name(w.granularity) != key.0 {
                    continue;
                }
                if let Some(half) = w.half_of(key.1) {
                    halves.push(((w.name, half, key.2, key.3, key.4, key.5, key.6), *t));
                }
            }
        }
        for (key, t) in halves {
            let sum = self.inspections.entry(key).or_default();
            *sum = (sum.0 + t.0, sum.1 + t.1, sum.2 + t.2, sum.3 + t.3);
        }
        // In key order, so concurrent writers take the rows' locks in the same order.
        let mut inspections: Vec<_> = self.inspections.into_iter().collect();
        inspections.sort_by(|a, b| a.0.cmp(&b.0));
        add_person_rows!(db, stat_inspection, inspections)?;
        let items =
            self.items
                .into_iter()
                .map(|((grain, period, site, version, position, item), t)| {
                    stat_item::ActiveModel {
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
                    }
                });
        add_to_rows(
            db,
            items,
            &[
                T::Grain,
                T::Period,
                T::SiteId,
                T::ChecklistVersionId,
                T::PositionId,
                T::ItemKey,
            ],
            &[T::Checked, T::Failed, T::Points, T::MaxPoints],
        )
        .await?;
        let sites = self
            .sites
            .into_iter()
            .map(
                |((grain, period, site, version, position), t)| stat_site::ActiveModel {
                    grain: Set(grain.into()),
                    period: Set(period),
                    site_id: Set(site),
                    checklist_version_id: Set(version),
                    position_id: Set(position),
                    inspections: Set(t.inspections),
                    passed: Set(t.passed),
                    critical: Set(t.critical),
                    percent_sum: Set(t.percent_sum),
                    points: Set(t.points),
                    max_points: Set(t.max_points),
                },
            );
        add_to_rows(
            db,
            sites,
            &[
                S::Grain,
                S::Period,
                S::SiteId,
                S::ChecklistVersionId,
                S::PositionId,
            ],
            &[
                S::Inspections,
                S::Passed,
                S::Critical,
                S::PercentSum,
                S::Points,
                S::MaxPoints,
            ],
        )
        .await?;
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
        .filter_map(|r| ItemResult::of(&r.item_key, r.outcome, r.points, r.max_points))
        .collect())
}

/// Recount every aggregate from the inspections, in one transaction. Run once after the
/// upgrade that introduced them (see [`ensure`]); afterwards they are kept on write.
pub async fn rebuild(db: &DatabaseConnection) -> StoreResult<u64> {
    let txn = crate::store::begin_write(db).await?;
    // The windows and the frontiers first, so a refill or a writer running beside the
    // rebuild waits for it.
    stat_window::Entity::find()
        .lock_exclusive()
        .all(&txn)
        .await?;
    stat_frontier::Entity::find()
        .lock_exclusive()
        .all(&txn)
        .await?;
    stat_inspection::Entity::delete_many().exec(&txn).await?;
    stat_item::Entity::delete_many().exec(&txn).await?;
    stat_site::Entity::delete_many().exec(&txn).await?;
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
            if let Some(result) = ItemResult::of(&r.item_key, r.outcome, r.points, r.max_points) {
                results.entry(r.inspection_id).or_default().push(result);
            }
        }
        let mut tally = Tally::default();
        for row in &rows {
            tally.add(row, results.get(&row.id).map_or(&[], Vec::as_slice), 1);
        }
        tally.save_periods(&txn).await?;
        counted_rows += rows.len() as u64;
    }
    migration::fill_running_totals(&txn).await?;
    txn.commit().await?;
    Ok(counted_rows)
}

/// Recount the running totals and last-checked dates from the per-period rows, in one
/// write transaction: after [`Tally::save_periods`] was used for a bulk load (each batch
/// of a load spread over a year would otherwise rewrite half a year of running rows).
pub async fn refill_running(db: &DatabaseConnection) -> StoreResult<()> {
    let txn = crate::store::begin_write(db).await?;
    stat_frontier::Entity::find()
        .lock_exclusive()
        .all(&txn)
        .await?;
    migration::fill_running_totals(&txn).await?;
    txn.commit().await?;
    Ok(())
}

fn counted() -> Select<inspection::Entity> {
    inspection::Entity::find()
        .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
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

/// Insert aggregate rows, adding each one's `counts` to the row already kept under the
/// same `key`, if any: a few statements of 400 rows, however many rows changed.
pub(super) async fn add_to_rows<A>(
    db: &sea_orm::DatabaseTransaction,
    rows: impl Iterator<Item = A>,
    key: &[<A::Entity as EntityTrait>::Column],
    counts: &[<A::Entity as EntityTrait>::Column],
) -> StoreResult<()>
where
    A: ActiveModelTrait + Send,
{
    let table = A::Entity::default().table_name();
    let rows: Vec<A> = rows.collect();
    for chunk in rows.chunks(400) {
        let mut on_conflict = OnConflict::columns(key.iter().copied());
        for column in counts {
            let name = column.as_str();
            on_conflict.value(
                *column,
                Expr::cust(format!("{table}.{name} + excluded.{name}")),
            );
        }
        A::Entity::insert_many(chunk.to_vec())
            .on_conflict(on_conflict)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
