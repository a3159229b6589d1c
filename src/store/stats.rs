//! The aggregates behind the quality dashboard and the site reports, kept on write: a
//! submission adds its counts (and a void takes them away) in its own transaction, per
//! week and per month. A year of trends then reads a few thousand rows instead of every
//! inspection and its forty responses. Re-checks are left out, as everywhere in the
//! quality figures: they are not a random sample.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::{inspection, inspection_response, stat_inspection, stat_item, stat_site, stat_window};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set,
};

use super::StoreResult;
use super::quality::QualityFilter;
use crate::domain::access::Scope;
use crate::domain::stats::{Granularity, Sample, Window};

/// The site id under which item results are also kept for every site together, so the
/// group's Pareto reads a few hundred rows instead of one set per site. Site ids start
/// at 1.
pub const GROUP: i32 = 0;

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

/// Changes to the aggregates, added up in memory and written in a few statements.
#[derive(Debug, Default)]
pub struct Tally {
    inspections: HashMap<InspectionKey, (i32, i32, i32, f64)>,
    items: HashMap<ItemKey, (i32, i32, f64, f64)>,
    sites: HashMap<SiteKey, SiteCounts>,
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
        self.inspections.is_empty() && self.items.is_empty() && self.sites.is_empty()
    }

    /// Write the changes: insert new rows, add to existing ones. Inside a write
    /// transaction (on SQLite begun with [`begin_write`]), where the kept windows it
    /// reads cannot move until it commits.
    ///
    /// [`begin_write`]: crate::store::begin_write
    pub async fn save(mut self, db: &sea_orm::DatabaseTransaction) -> StoreResult<()> {
        use stat_inspection::Column as I;
        use stat_item::Column as T;
        use stat_site::Column as S;
        // The person counts also go to the halves of the kept windows they fall in. The
        // windows are read with a shared lock, so a window being rebuilt is waited for.
        let windows = if self.inspections.is_empty() {
            Vec::new()
        } else {
            kept_windows(db, true).await?
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
        let sites: Vec<stat_site::ActiveModel> = self
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
            )
            .collect();
        for chunk in sites.chunks(400) {
            let mut on_conflict = OnConflict::columns([
                S::Grain,
                S::Period,
                S::SiteId,
                S::ChecklistVersionId,
                S::PositionId,
            ]);
            for (column, expr) in add(
                "stat_site",
                &[
                    "inspections",
                    "passed",
                    "critical",
                    "percent_sum",
                    "points",
                    "max_points",
                ],
            ) {
                on_conflict.value(sea_orm::sea_query::Alias::new(column), expr);
            }
            stat_site::Entity::insert_many(chunk.to_vec())
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
    // The windows first, so a refill running beside the rebuild waits for it.
    stat_window::Entity::find()
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

/// The kept windows as their rows now cover them (see [`Window`]). With `lock` they are
/// held until the transaction ends: writers counting into them take them shared, and a
/// refill or a rebuild exclusively, so neither misses the other's counts (PostgreSQL;
/// SQLite writes one transaction at a time anyway).
async fn kept_windows<C: ConnectionTrait>(db: &C, lock: bool) -> StoreResult<Vec<Window>> {
    let query = stat_window::Entity::find();
    let query = if lock { query.lock_shared() } else { query };
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(Window {
                name: Window::NAMES.into_iter().find(|n| *n == row.name)?,
                granularity: GRAINS.into_iter().find(|g| grain_name(*g) == row.grain)?,
                from: row.period_from,
                split: row.split,
                to: row.period_to,
            })
        })
        .collect())
}

/// The kept window a dashboard range is on `today`, if its rows cover it now; `None` for
/// any other range. A window the calendar has moved is refilled in the background while
/// this request reads the per-period rows, so no page waits on the refill and no writer
/// on a page.
pub async fn window_for(
    db: &DatabaseConnection,
    today: NaiveDate,
    g: Granularity,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Option<Window>> {
    let Some(wanted) = Window::matching(today, g, from, to) else {
        return Ok(None);
    };
    let kept = kept_windows(db, false).await?;
    match kept.iter().find(|k| k.name == wanted.name) {
        Some(k) if *k == wanted => return Ok(Some(wanted)),
        // Behind the calendar. One ahead of this instance's clock is left as it is, as
        // roll_window would (no write transaction on every page of a lagging instance).
        Some(k) if (k.from, k.to) < (wanted.from, wanted.to) => {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = roll_window(&db, wanted).await {
                    tracing::warn!("could not refill the kept window {}: {e}", wanted.name);
                }
            });
        }
        _ => {}
    }
    Ok(None)
}

/// Fill the windows kept on `today` that the calendar has moved (at start-up, so the
/// first dashboard of the day does not wait for it).
pub async fn roll_windows(db: &DatabaseConnection, today: NaiveDate) -> StoreResult<()> {
    let kept = kept_windows(db, false).await?;
    for wanted in Window::for_today(today) {
        if !kept.contains(&wanted) {
            roll_window(db, wanted).await?;
        }
    }
    Ok(())
}

/// Refill a window's rows from the per-period rows of its grain, in one transaction
/// that first takes the window's row (another instance rolling it too finds it done).
/// Windows only move forward: an instance whose clock is behind another's leaves them
/// be instead of moving them back and forth.
async fn roll_window(db: &DatabaseConnection, w: Window) -> StoreResult<()> {
    use sea_orm::sea_query::Query;
    use stat_inspection::Column as C;
    use stat_window::Column as W;
    let txn = crate::store::begin_write(db).await?;
    let moved = stat_window::Entity::update_many()
        .col_expr(W::Grain, Expr::value(grain_name(w.granularity)))
        .col_expr(W::PeriodFrom, Expr::value(w.from))
        .col_expr(W::Split, Expr::value(w.split))
        .col_expr(W::PeriodTo, Expr::value(w.to))
        .filter(W::Name.eq(w.name))
        .filter(
            W::PeriodFrom
                .lt(w.from)
                .or(W::PeriodFrom.eq(w.from).and(W::PeriodTo.lt(w.to))),
        )
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        // Already current (or ahead), or not a window this database has (they are
        // created by a migration): nothing to fill.
        return Ok(txn.commit().await?);
    }
    stat_inspection::Entity::delete_many()
        .filter(C::Grain.eq(w.name))
        .exec(&txn)
        .await?;
    let key = [
        C::SiteId,
        C::ChecklistVersionId,
        C::PositionId,
        C::SubjectId,
        C::InspectorId,
    ];
    // One statement per half, so each groups by plain columns (PostgreSQL does not see
    // two bound CASE expressions as the same grouping).
    for (first, last) in [
        (w.from, w.split - chrono::Duration::days(1)),
        (w.split, w.to),
    ] {
        let totals = Query::select()
            .expr(Expr::value(w.name))
            .expr(Expr::value(first))
            .columns(key)
            .expr(C::Inspections.sum())
            .expr(C::Passed.sum())
            .expr(C::Critical.sum())
            .expr(C::PercentSum.sum())
            .from(stat_inspection::Entity)
            .and_where(C::Grain.eq(grain_name(w.granularity)))
            .and_where(C::Period.between(first, last))
            .group_by_columns(key)
            .to_owned();
        let insert = Query::insert()
            .into_table(stat_inspection::Entity)
            .columns([C::Grain, C::Period].into_iter().chain(key).chain([
                C::Inspections,
                C::Passed,
                C::Critical,
                C::PercentSum,
            ]))
            .select_from(totals)
            .map_err(|e| crate::store::StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
            .to_owned();
        txn.execute(&insert).await?;
    }
    txn.commit().await?;
    // PostgreSQL plans by its statistics, and a few thousand new rows under a new name
    // are too few for autovacuum to look again: planned as one row, the staff ranking
    // took 81 ms at 1M instead of 14.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE stat_inspection").await?;
    }
    Ok(())
}

/// The filter's spot-checks per period of `g`, site, staff member and inspector. The
/// filter's dates should already be whole periods ([`Granularity::whole_periods`]).
pub async fn samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<Sample>> {
    use stat_inspection::Column as C;
    let query = person_rows(db, scope, filter, PersonRows::Periods(g))
        .await?
        .select_only()
        .columns([C::Period, C::SiteId, C::SubjectId, C::InspectorId])
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum");
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

/// Week samples for the four weeks up to the filter's end: who was checked lately (the
/// tests' reference for [`not_checked_recently`], through `stats::not_covered`).
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

/// The filter's item results per checklist version and item, and per site if
/// `per_site` (else every row's site is [`GROUP`]). Item aggregates are not kept per person, so
/// a filter on a staff member or an inspector adds up their responses instead (a
/// person's year is a few hundred spot-checks), always per site.
pub async fn items(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    per_site: bool,
) -> StoreResult<Vec<ItemRow>> {
    let versions = versions_filter(db, filter).await?;
    if filter.subject.is_some() || filter.inspector.is_some() {
        return items_from_responses(db, scope, filter, versions).await;
    }
    use stat_item::Column as C;
    let site = if per_site {
        Expr::col(C::SiteId)
    } else {
        Expr::val(GROUP)
    };
    let query = stat_item::Entity::find()
        .select_only()
        .column_as(site, "site_id")
        .columns([C::ChecklistVersionId, C::ItemKey])
        .column_as(C::Checked.sum(), "checked")
        .column_as(C::Failed.sum(), "failed")
        .column_as(C::Points.sum(), "points")
        .column_as(C::MaxPoints.sum(), "max_points")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    // Every site together is kept as one site, for those who see every site.
    let whole_group = !per_site && scope.all_sites() && filter.site.is_none();
    let query = query.filter(if whole_group {
        C::SiteId.eq(GROUP)
    } else {
        C::SiteId.ne(GROUP)
    });
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
    let query = if per_site {
        query.group_by(C::SiteId)
    } else {
        query
    };
    let rows: Vec<ItemTuple> = query
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

/// The checklist versions with these ids (repeats are read once), parsed.
pub async fn versions_of(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> StoreResult<BTreeMap<i32, super::library::StoredChecklist>> {
    let mut out = BTreeMap::new();
    for id in ids {
        if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(id) {
            slot.insert(super::library::checklist_version(db, id).await?);
        }
    }
    Ok(out)
}

/// One site and checklist version over half of the filter's range, from the site
/// roll-up: its spot-check figures (as a sample dated in its half, with no staff member
/// or inspector) and its item points.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub sample: Sample,
    pub version: i32,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SiteTotals {
    period: NaiveDate,
    site_id: i32,
    checklist_version_id: i32,
    inspections: i64,
    passed: i64,
    critical: i64,
    percent_sum: f64,
    points: f64,
    max_points: f64,
}

impl SiteTotals {
    fn into_row(self) -> SiteRow {
        SiteRow {
            sample: Sample {
                date: self.period,
                site: self.site_id,
                subject: 0,
                inspector: 0,
                inspections: self.inspections as usize,
                passed: self.passed as usize,
                critical: self.critical as usize,
                percent_sum: self.percent_sum,
            },
            version: self.checklist_version_id,
            points: self.points,
            max_points: self.max_points,
        }
    }
}

/// The filter's site roll-up rows with their sums, narrowed, not yet grouped.
async fn site_totals(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Select<stat_site::Entity>> {
    use stat_site::Column as C;
    let query = stat_site::Entity::find()
        .select_only()
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .column_as(C::Points.sum(), "points")
        .column_as(C::MaxPoints.sum(), "max_points")
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.between(g.start(filter.from), filter.to));
    Ok(narrow(
        query,
        scope,
        filter,
        versions_filter(db, filter).await?,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: None,
        },
    ))
}

/// The filter's spot-checks per site and checklist version in each half of the range
/// (before `split`, and from it on), from the site roll-up: what the sites table, the
/// heat map and the headline figures need, in a few hundred rows for 200 sites. It
/// cannot narrow to a staff member or an inspector; use [`samples`] for those filters.
pub async fn site_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    split: NaiveDate,
) -> StoreResult<Vec<SiteRow>> {
    use stat_site::Column as C;
    let half: Expr = Expr::col(C::Period).lt(split);
    let rows = site_totals(db, scope, filter, g)
        .await?
        // Dated by the half's first period, which falls on its side of the split.
        .column_as(C::Period.min(), "period")
        .columns([C::SiteId, C::ChecklistVersionId])
        .group_by(C::SiteId)
        .group_by(C::ChecklistVersionId)
        .group_by(half)
        .into_model::<SiteTotals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.inspections > 0)
        .map(SiteTotals::into_row)
        .collect())
}

/// The filter's spot-checks per period over all its sites together, from the site
/// roll-up: the trend and the p-chart, one row per period.
pub async fn period_samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
) -> StoreResult<Vec<Sample>> {
    use stat_site::Column as C;
    let rows = site_totals(db, scope, filter, g)
        .await?
        .column(C::Period)
        .column_as(Expr::val(0), "site_id")
        .column_as(Expr::val(0), "checklist_version_id")
        .group_by(C::Period)
        .into_model::<SiteTotals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.inspections > 0)
        .map(|r| r.into_row().sample)
        .collect())
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct HalvedTotals {
    subject_id: i32,
    inspections: i64,
    passed: i64,
    critical: i64,
    percent_sum: f64,
    earlier_inspections: i64,
    earlier_passed: i64,
    earlier_critical: i64,
    earlier_percent_sum: f64,
    staff: i64,
}

/// The `limit` staff members with the lowest mean score in the filter, as at most two
/// samples each (before `split` and from it on, what [`stats::by_group`] compares), and
/// how many staff members the filter holds in all. The database ranks the person rows
/// by two sums only (each summed column costs the sort that groups them), then adds up
/// the few ranked people's rows in full, so the page reads a few dozen rows however many
/// staff the group has. (A kept window's rows on PostgreSQL: one pass, see below.)
///
/// [`stats::by_group`]: crate::domain::stats::by_group
pub async fn lowest_staff(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
    split: NaiveDate,
    limit: u64,
) -> StoreResult<(Vec<Sample>, usize)> {
    use sea_orm::sea_query::{Alias, CommonTableExpression, Query, WithClause};
    use stat_inspection::Column as C;
    let backend = db.get_database_backend();
    // A kept window has two rows per person: PostgreSQL ranks them with every sum in one
    // pass faster (12–15 ms at 1M) than it finds the ranked people's rows again (27–41
    // ms, an index scan each through the window). SQLite is the other way round.
    let one_pass = backend == sea_orm::DbBackend::Postgres && matches!(rows, PersonRows::Window(_));
    let rows = person_rows(db, scope, filter, rows).await?;
    // The zero is of the column's type: SQLite adds up integer zeros to an integer.
    let earlier = |column: C, zero: Expr| -> Expr {
        let case: Expr = Expr::case(Expr::col(C::Period).lt(split), Expr::col(column))
            .finally(zero)
            .into();
        sea_orm::sea_query::Func::sum(case).into()
    };
    let totals = rows
        .clone()
        .select_only()
        .column(C::SubjectId)
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::Passed.sum(), "passed")
        .column_as(C::Critical.sum(), "critical")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .column_as(earlier(C::Inspections, Expr::val(0)), "earlier_inspections")
        .column_as(earlier(C::Passed, Expr::val(0)), "earlier_passed")
        .column_as(earlier(C::Critical, Expr::val(0)), "earlier_critical")
        .column_as(
            earlier(C::PercentSum, Expr::val(0.0)),
            "earlier_percent_sum",
        )
        .group_by(C::SubjectId);
    let mean = || Expr::cust("sum(percent_sum) / sum(inspections)");
    let query = if one_pass {
        backend.build(
            &totals
                // Counted over the groups before the limit applies.
                .column_as(Expr::cust("count(*) OVER ()"), "staff")
                .order_by_asc(mean())
                .order_by_asc(C::SubjectId)
                .limit(limit)
                .into_query(),
        )
    } else {
        let lowest = rows
            .select_only()
            .column(C::SubjectId)
            .column_as(Expr::cust("count(*) OVER ()"), "staff")
            .group_by(C::SubjectId)
            .order_by_asc(mean())
            .order_by_asc(C::SubjectId)
            .limit(limit)
            .into_query();
        let ranked = Query::select()
            .column(Alias::new("subject_id"))
            .from(Alias::new("lowest"))
            .to_owned();
        let totals = totals
            .column_as(Expr::cust("(SELECT min(staff) FROM lowest)"), "staff")
            .filter(C::SubjectId.in_subquery(ranked))
            .into_query();
        // Named by the select's own column names (`from_select` would prefix the table's).
        backend.build(
            &WithClause::from(
                CommonTableExpression::new()
                    .query(lowest)
                    .table_name(Alias::new("lowest"))
                    .to_owned(),
            )
            .query(totals),
        )
    };
    let rows = HalvedTotals::find_by_statement(query).all(db).await?;
    let staff = rows.first().map_or(0, |r| r.staff as usize);
    let mut out = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        let before = Sample {
            date: split - chrono::Duration::days(1),
            site: 0,
            subject: r.subject_id,
            inspector: 0,
            inspections: r.earlier_inspections as usize,
            passed: r.earlier_passed as usize,
            critical: r.earlier_critical as usize,
            percent_sum: r.earlier_percent_sum,
        };
        let after = Sample {
            date: split,
            inspections: (r.inspections - r.earlier_inspections) as usize,
            passed: (r.passed - r.earlier_passed) as usize,
            critical: (r.critical - r.earlier_critical) as usize,
            percent_sum: r.percent_sum - r.earlier_percent_sum,
            ..before.clone()
        };
        out.extend([before, after].into_iter().filter(|s| s.inspections > 0));
    }
    Ok((out, staff))
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct PairTotals {
    inspector_id: i32,
    subject: i32,
    inspections: i64,
    percent_sum: f64,
}

/// Samples that give [`stats::calibration`] the same answer as every person row of the
/// filter, in far fewer rows: staff members checked by more than one inspector keep a
/// row per inspector; everyone else, who offers no comparison, is added up per inspector
/// under a stand-in subject (the inspector's id, negated) that no other inspector shares.
/// One pass over the person rows: pairs, then how many inspectors each person had. Only
/// the two sums calibration compares are carried (each summed column costs the sort that
/// groups the rows); the samples' pass and critical counts are zero.
///
/// [`stats::calibration`]: crate::domain::stats::calibration
pub async fn calibration_samples(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
) -> StoreResult<Vec<Sample>> {
    use sea_orm::sea_query::{Alias, Query};
    use stat_inspection::Column as C;
    let pairs = person_rows(db, scope, filter, rows)
        .await?
        .select_only()
        .columns([C::SubjectId, C::InspectorId])
        .column_as(C::Inspections.sum(), "inspections")
        .column_as(C::PercentSum.sum(), "percent_sum")
        .group_by(C::SubjectId)
        .group_by(C::InspectorId)
        .into_query();
    let marked = Query::select()
        .expr(Expr::cust("*"))
        .expr_as(
            Expr::cust("count(*) OVER (PARTITION BY subject_id)"),
            Alias::new("inspectors"),
        )
        .from_subquery(pairs, Alias::new("pairs"))
        .to_owned();
    // PostgreSQL adds up bigints to numeric: cast back.
    let reduced = Query::select()
        .column(Alias::new("inspector_id"))
        .expr_as(
            Expr::cust("CASE WHEN inspectors > 1 THEN subject_id ELSE -inspector_id END"),
            Alias::new("subject"),
        )
        .expr_as(
            Expr::cust("CAST(sum(inspections) AS BIGINT)"),
            Alias::new("inspections"),
        )
        .expr_as(Expr::cust("sum(percent_sum)"), Alias::new("percent_sum"))
        .from_subquery(marked, Alias::new("marked"))
        .group_by_columns([Alias::new("inspector_id"), Alias::new("subject")])
        .to_owned();
    let rows = PairTotals::find_by_statement(db.get_database_backend().build(&reduced))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Sample {
            date: filter.from,
            site: 0,
            subject: r.subject,
            inspector: r.inspector_id,
            inspections: r.inspections as usize,
            passed: 0,
            critical: 0,
            percent_sum: r.percent_sum,
        })
        .collect())
}

/// Staff among `roster` (a subquery of user ids) not spot-checked in the four weeks to
/// the filter's end, by id: the database compares the two sets.
pub async fn not_checked_recently(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    roster: sea_orm::sea_query::SelectStatement,
) -> StoreResult<Vec<i32>> {
    use entity::user;
    let weeks = QualityFilter {
        from: filter.to - chrono::Duration::days(crate::domain::stats::COVERAGE_DAYS - 1),
        ..filter.clone()
    };
    let checked = person_rows(db, scope, &weeks, PersonRows::Periods(Granularity::Week))
        .await?
        .select_only()
        .column(stat_inspection::Column::SubjectId)
        .into_query();
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.in_subquery(roster))
        .filter(user::Column::Id.not_in_subquery(checked))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// When each of `people` was last spot-checked up to the filter's end, counting what
/// [`not_checked_recently`] counts (submitted, not a re-check, in the viewer's scope and
/// the filter): so a person it lists is never shown a check inside the four weeks, nor
/// one at a site the viewer cannot open.
pub async fn last_counted_checks(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    people: &[i32],
) -> StoreResult<HashMap<i32, NaiveDate>> {
    use inspection::Column as C;
    let versions = versions_filter(db, filter).await?;
    let mut out = HashMap::new();
    for chunk in people.chunks(500) {
        let query = inspection::Entity::find()
            .filter(C::Status.eq("submitted"))
            .filter(C::RecheckOf.is_null())
            .filter(C::ShiftDate.lte(filter.to))
            .filter(C::SubjectId.is_in(chunk.iter().copied()));
        let rows: Vec<(i32, NaiveDate)> = narrow(
            query,
            scope,
            filter,
            versions.clone(),
            Narrowing {
                site: C::SiteId,
                version: C::ChecklistVersionId,
                position: C::PositionId,
                person: Some((C::SubjectId, C::InspectorId)),
            },
        )
        .select_only()
        .column(C::SubjectId)
        .column(C::ShiftDate)
        .order_by_asc(C::ShiftDate)
        .into_tuple()
        .all(db)
        .await?;
        // Oldest first: each person's last row is the one kept.
        out.extend(rows);
    }
    Ok(out)
}

/// Which person rows a panel adds up: one per period of a grain, or, when the filter's
/// range is a kept window, that window's two per person (the same sums, fewer rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRows {
    Periods(Granularity),
    Window(Window),
}

impl PersonRows {
    fn grain(self) -> (&'static str, Granularity) {
        match self {
            PersonRows::Periods(g) => (grain_name(g), g),
            PersonRows::Window(w) => (w.name, w.granularity),
        }
    }
}

/// The person rows of the filter, narrowed, with spot-checks in them (a void can leave
/// a row at zero).
async fn person_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    rows: PersonRows,
) -> StoreResult<Select<stat_inspection::Entity>> {
    use stat_inspection::Column as C;
    let (grain, g) = rows.grain();
    let query = stat_inspection::Entity::find()
        .filter(C::Grain.eq(grain))
        .filter(C::Period.between(g.start(filter.from), filter.to))
        .filter(C::Inspections.gt(0));
    Ok(narrow(
        query,
        scope,
        filter,
        versions_filter(db, filter).await?,
        Narrowing {
            site: C::SiteId,
            version: C::ChecklistVersionId,
            position: C::PositionId,
            person: Some((C::SubjectId, C::InspectorId)),
        },
    ))
}

/// The checklist versions the filter narrows to, if it names a checklist.
async fn versions_filter(
    db: &DatabaseConnection,
    filter: &QualityFilter,
) -> StoreResult<Option<Vec<i32>>> {
    Ok(match &filter.checklist {
        Some(key) => Some(version_ids(db, key).await?),
        None => None,
    })
}
