//! The running totals (see migration 000020) and the last-checked dates: kept on write
//! beside the per-period aggregates, and read so that a range costs the same rows per
//! person however long it is (see [`running_terms`]).
//!
//! A key's running rows go from its first counted period through the grain's frontier,
//! densely: a count at period p adds to every row from p through the frontier, and a
//! count past the frontier first carries every key's frontier row forward to it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::states::InspectionStatus;
use entity::{inspection, stat_frontier, stat_last_check, stat_running};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::tally::add_person_rows;
use super::{GRAINS, grain_name};
use crate::domain::access::Scope;
use crate::domain::stats::{Granularity, RunningTerm};
use crate::store::filter::{Narrowing, QualityFilter, narrow, versions_filter};
use crate::store::{StoreError, StoreResult};

/// A person key: site, checklist version, position (0 for none), staff member, inspector.
pub(super) type PersonKey = (i32, i32, i32, i32, i32);
/// Inspections, passed, critical, percent sum.
pub(super) type Counts = (i32, i32, i32, f64);

/// The period before which nothing was counted yet (no grain has rows before it).
fn never(g: Granularity) -> NaiveDate {
    g.start(NaiveDate::from_ymd_opt(1970, 1, 5).unwrap_or_default())
}

/// Each grain's frontier as stored, read in one statement; locked until the
/// transaction ends when `lock` says how (PostgreSQL; SQLite writes one at a time).
async fn frontiers<C: ConnectionTrait>(
    db: &C,
    lock: Option<sea_orm::sea_query::LockType>,
) -> StoreResult<HashMap<String, NaiveDate>> {
    let query = stat_frontier::Entity::find().order_by_asc(stat_frontier::Column::Grain);
    let query = match lock {
        Some(lock) => query.lock(lock),
        None => query,
    };
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.grain, r.period))
        .collect())
}

/// A grain's frontier now, for a read: its rows up to it are a consistent snapshot
/// (a frontier moved meanwhile only adds rows after it).
pub(super) async fn frontier(db: &DatabaseConnection, g: Granularity) -> StoreResult<NaiveDate> {
    Ok(stat_frontier::Entity::find_by_id(grain_name(g))
        .one(db)
        .await?
        .map_or(never(g), |r| r.period))
}

/// Add the per-period count changes `deltas` (keyed as `stat_inspection`'s rows) to the
/// running totals, and the latest dates of `checked` keys (and, for keys that lost the
/// `voided` inspections, the latest date left) to the last checks. Inside the write
/// transaction of the change itself.
pub(super) async fn save(
    db: &DatabaseTransaction,
    deltas: Vec<(super::tally::InspectionKey, Counts)>,
    checked: HashMap<PersonKey, NaiveDate>,
    voided: HashMap<PersonKey, Vec<uuid::Uuid>>,
) -> StoreResult<()> {
    if !deltas.is_empty() {
        add_running(db, deltas).await?;
    }
    save_last_checks(db, checked, voided).await
}

async fn add_running(
    db: &DatabaseTransaction,
    deltas: Vec<(super::tally::InspectionKey, Counts)>,
) -> StoreResult<()> {
    use sea_orm::sea_query::LockType;
    let mut latest: HashMap<&str, NaiveDate> = HashMap::new();
    for ((grain, period, ..), _) in &deltas {
        let p = latest.entry(*grain).or_insert(*period);
        *p = Ord::max(*p, *period);
    }
    // Taken shared by writers that stay within the frontiers, for update by one that
    // moves one (decided before locking, so no writer upgrades a lock it shares).
    let seen = frontiers(db, None).await?;
    let moves = |f: &HashMap<String, NaiveDate>| {
        latest
            .iter()
            .any(|(grain, p)| f.get(*grain).is_none_or(|f| p > f))
    };
    let lock = if moves(&seen) {
        LockType::Update
    } else {
        LockType::Share
    };
    // SQLite's write transaction already excludes every other writer: what was read is
    // what holds. PostgreSQL reads again under the lock (a writer may have moved it).
    let mut frontier = if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        seen
    } else {
        frontiers(db, Some(lock)).await?
    };
    for g in GRAINS {
        let name = grain_name(g);
        let Some(p) = latest.get(name).copied() else {
            continue;
        };
        let f = frontier.get(name).copied().unwrap_or(never(g));
        if p > f {
            open_periods(db, g, f, p).await?;
            frontier.insert(name.to_string(), p);
        }
    }
    // Every row from the change's period through the frontier, in key order (so
    // concurrent writers take the rows' locks in the same order).
    let mut rows: BTreeMap<super::tally::InspectionKey, Counts> = BTreeMap::new();
    for ((grain, period, site, version, position, subject, inspector), t) in deltas {
        let Some(g) = GRAINS.into_iter().find(|g| grain_name(*g) == grain) else {
            continue;
        };
        let f = frontier.get(grain).copied().unwrap_or(never(g));
        let mut q = period;
        while q <= f {
            let sum = rows
                .entry((grain, q, site, version, position, subject, inspector))
                .or_default();
            *sum = (sum.0 + t.0, sum.1 + t.1, sum.2 + t.2, sum.3 + t.3);
            q = g.next(q);
        }
    }
    add_person_rows!(db, stat_running, rows)
}

/// Move a grain's frontier from `from` to `to`: every key's row at `from` is carried
/// forward to each period after it (nothing was counted in them yet).
async fn open_periods(
    db: &DatabaseTransaction,
    g: Granularity,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<()> {
    use stat_running::Column as R;
    let grain = grain_name(g);
    let any = stat_running::Entity::find()
        .filter(R::Grain.eq(grain))
        .filter(R::Period.eq(from))
        .limit(1)
        .one(db)
        .await?
        .is_some();
    let copied = [
        R::SiteId,
        R::ChecklistVersionId,
        R::PositionId,
        R::SubjectId,
        R::InspectorId,
        R::Inspections,
        R::Passed,
        R::Critical,
        R::PercentSum,
    ];
    let mut period = g.next(from);
    while any && period <= to {
        let rows = Query::select()
            .expr(Expr::value(grain))
            .expr(Expr::value(period))
            .columns(copied)
            .from(stat_running::Entity)
            .and_where(R::Grain.eq(grain))
            .and_where(R::Period.eq(from))
            .to_owned();
        let insert = Query::insert()
            .into_table(stat_running::Entity)
            .columns([R::Grain, R::Period].into_iter().chain(copied))
            .select_from(rows)
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
            .to_owned();
        db.execute(&insert).await?;
        period = g.next(period);
    }
    let moved = stat_frontier::Entity::update_many()
        .col_expr(stat_frontier::Column::Period, Expr::value(to))
        .filter(stat_frontier::Column::Grain.eq(grain))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        stat_frontier::Entity::insert(stat_frontier::ActiveModel {
            grain: Set(grain.into()),
            period: Set(to),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Keep the last-checked dates: a later date replaces the kept one; a key that lost
/// voided inspections takes the latest date left among its counted ones (none: the
/// key's row goes).
async fn save_last_checks(
    db: &DatabaseTransaction,
    checked: HashMap<PersonKey, NaiveDate>,
    voided: HashMap<PersonKey, Vec<uuid::Uuid>>,
) -> StoreResult<()> {
    use inspection::Column as I;
    use stat_last_check::Column as L;
    let row = |key: PersonKey, date| {
        let (site, version, position, subject, inspector) = key;
        stat_last_check::ActiveModel {
            site_id: Set(site),
            checklist_version_id: Set(version),
            position_id: Set(position),
            subject_id: Set(subject),
            inspector_id: Set(inspector),
            last_date: Set(date),
        }
    };
    let key = [
        L::SiteId,
        L::ChecklistVersionId,
        L::PositionId,
        L::SubjectId,
        L::InspectorId,
    ];
    let later = || {
        let mut later = OnConflict::columns(key);
        later.value(
            L::LastDate,
            Expr::cust(
                "CASE WHEN excluded.last_date > stat_last_check.last_date \
                 THEN excluded.last_date ELSE stat_last_check.last_date END",
            ),
        );
        later
    };
    let checked: BTreeMap<PersonKey, NaiveDate> = checked.into_iter().collect();
    let rows: Vec<_> = checked.into_iter().map(|(k, d)| row(k, d)).collect();
    for chunk in rows.chunks(400) {
        stat_last_check::Entity::insert_many(chunk.to_vec())
            .on_conflict(later())
            .exec_without_returning(db)
            .await?;
    }
    let voided: BTreeMap<PersonKey, Vec<uuid::Uuid>> = voided.into_iter().collect();
    for (k, ids) in voided {
        let (site, version, position, subject, inspector) = k;
        let left: Option<NaiveDate> = inspection::Entity::find()
            .select_only()
            .column_as(I::ShiftDate.max(), "last_date")
            .filter(I::Status.eq(InspectionStatus::Submitted))
            .filter(I::RecheckOf.is_null())
            .filter(I::SubjectId.eq(subject))
            .filter(I::SiteId.eq(site))
            .filter(I::ChecklistVersionId.eq(version))
            .filter(I::InspectorId.eq(inspector))
            .filter(Expr::cust("COALESCE(inspection.position_id, 0)").eq(position))
            .filter(I::Id.is_not_in(ids))
            .into_tuple::<Option<NaiveDate>>()
            .one(db)
            .await?
            .flatten();
        match left {
            Some(date) => {
                let mut replace = OnConflict::columns(key);
                replace.update_column(L::LastDate);
                stat_last_check::Entity::insert(row(k, date))
                    .on_conflict(replace)
                    .exec_without_returning(db)
                    .await?;
            }
            None => {
                stat_last_check::Entity::delete_many()
                    .filter(L::SiteId.eq(site))
                    .filter(L::ChecklistVersionId.eq(version))
                    .filter(L::PositionId.eq(position))
                    .filter(L::SubjectId.eq(subject))
                    .filter(L::InspectorId.eq(inspector))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(())
}

/// The running rows at the terms' periods, narrowed like the person rows.
pub(super) async fn running_rows(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &QualityFilter,
    g: Granularity,
    terms: &[RunningTerm],
) -> StoreResult<Select<stat_running::Entity>> {
    use stat_running::Column as C;
    let query = stat_running::Entity::find()
        .filter(C::Grain.eq(grain_name(g)))
        .filter(C::Period.is_in(terms.iter().map(|t| t.period)));
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

/// The sum of a running column weighted by the terms (`weight` picks the range's or the
/// earlier part's): what the range adds up to, per group. `zero` is of the column's
/// type (SQLite adds up integer zeros to an integer).
pub(super) fn weighted(
    terms: &[RunningTerm],
    column: stat_running::Column,
    weight: fn(&RunningTerm) -> i32,
    zero: Expr,
) -> Expr {
    let mut cases = terms.iter().filter(|t| weight(t) != 0).map(|t| {
        let value = if weight(t) > 0 {
            Expr::col(column)
        } else {
            Expr::col(column).mul(-1)
        };
        (Expr::col(stat_running::Column::Period).eq(t.period), value)
    });
    let Some((when, then)) = cases.next() else {
        return Func::sum(zero).into();
    };
    let mut case = Expr::case(when, then);
    for (when, then) in cases {
        case = case.case(when, then);
    }
    let case: Expr = case.finally(zero).into();
    Func::sum(case).into()
}
