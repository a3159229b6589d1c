//! The kept windows: the dashboard's usual ranges (see [`Window`]) summed per person in
//! two halves, refilled when the calendar moves them, so their panels read two rows a
//! person instead of one per week.

use chrono::NaiveDate;
use entity::{stat_inspection, stat_window};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use super::{GRAINS, grain_name};
use crate::domain::stats::{Granularity, Window};
use crate::store::StoreResult;

/// The kept windows as their rows now cover them (see [`Window`]). With `lock` they are
/// held until the transaction ends: writers counting into them take them shared, and a
/// refill or a rebuild exclusively, so neither misses the other's counts (PostgreSQL;
/// SQLite writes one transaction at a time anyway).
pub(super) async fn kept_windows<C: ConnectionTrait>(
    db: &C,
    lock: bool,
) -> StoreResult<Vec<Window>> {
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
