//! Running totals, so the dashboard's staff ranking and inspector calibration read a
//! fixed number of rows per person for any range, and coverage reads a kept date:
//! - `stat_running`: for each grain (week, month) and each key of `stat_inspection`
//!   (site, checklist version, position, staff member, inspector), a row for every
//!   period from the key's first counted spot-check through the grain's frontier, with
//!   the counts up to and including that period. Any range is then the row at its last
//!   period less the row at the period before its first.
//! - `stat_frontier`: each grain's frontier, the last period with rows (nothing is
//!   counted after it; a submission past it first carries every key's rows forward).
//! - `stat_last_check`: the date each key was last spot-checked (counted checks only).
//!
//! Filled here from the aggregates and inspections already kept (set-based: one
//! statement per grain); afterwards kept on write. [`fill`] is also the app's recount.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let running = Table::create()
            .table(StatRunning::Table)
            .col(string_len(StatRunning::Grain, 8))
            .col(date(StatRunning::Period))
            .col(integer(StatRunning::SiteId))
            .col(integer(StatRunning::ChecklistVersionId))
            .col(integer(StatRunning::PositionId))
            .col(integer(StatRunning::SubjectId))
            .col(integer(StatRunning::InspectorId))
            .col(integer(StatRunning::Inspections))
            .col(integer(StatRunning::Passed))
            .col(integer(StatRunning::Critical))
            .col(double(StatRunning::PercentSum))
            .primary_key(
                Index::create()
                    .col(StatRunning::Grain)
                    .col(StatRunning::Period)
                    .col(StatRunning::SiteId)
                    .col(StatRunning::ChecklistVersionId)
                    .col(StatRunning::PositionId)
                    .col(StatRunning::SubjectId)
                    .col(StatRunning::InspectorId),
            )
            .to_owned();
        crate::m20261129_000005_quality_stats::create_clustered(manager, &running).await?;
        manager
            .create_table(
                Table::create()
                    .table(StatFrontier::Table)
                    .col(string_len(StatFrontier::Grain, 8).primary_key())
                    .col(date(StatFrontier::Period))
                    .to_owned(),
            )
            .await?;
        let last = Table::create()
            .table(StatLastCheck::Table)
            .col(integer(StatLastCheck::SiteId))
            .col(integer(StatLastCheck::ChecklistVersionId))
            .col(integer(StatLastCheck::PositionId))
            .col(integer(StatLastCheck::SubjectId))
            .col(integer(StatLastCheck::InspectorId))
            .col(date(StatLastCheck::LastDate))
            .primary_key(
                Index::create()
                    .col(StatLastCheck::SiteId)
                    .col(StatLastCheck::ChecklistVersionId)
                    .col(StatLastCheck::PositionId)
                    .col(StatLastCheck::SubjectId)
                    .col(StatLastCheck::InspectorId),
            )
            .to_owned();
        crate::m20261129_000005_quality_stats::create_clustered(manager, &last).await?;
        // A row per grain from the start, so a writer always finds one to lock. Before
        // anything is counted the frontier is a period long past (a Monday, a first).
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO stat_frontier (grain, period) VALUES \
             ('week', '1970-01-05'), ('month', '1970-01-01')",
        )
        .await?;
        fill(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["stat_last_check", "stat_frontier", "stat_running"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The grains kept, with the SQL for the first day of the period after `period`.
fn grains(backend: DatabaseBackend) -> [(&'static str, &'static str, &'static str); 2] {
    match backend {
        DatabaseBackend::Postgres => [
            ("week", "1970-01-05", "period + 7"),
            (
                "month",
                "1970-01-01",
                "CAST(period + INTERVAL '1 month' AS DATE)",
            ),
        ],
        _ => [
            ("week", "1970-01-05", "date(period, '+7 days')"),
            ("month", "1970-01-01", "date(period, '+1 month')"),
        ],
    }
}

/// Recount the running totals from the per-period aggregates (`stat_inspection`), move
/// each grain's frontier to its last period, and recount the last-checked dates from
/// the inspections. Inside the caller's transaction; writers must be kept out (the app
/// holds the frontier rows for update).
pub async fn fill<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    const KEY: &str = "site_id, checklist_version_id, position_id, subject_id, inspector_id";
    db.execute_unprepared("DELETE FROM stat_running").await?;
    for (grain, never, next) in grains(db.get_database_backend()) {
        // Every key × every period from its first through the last (a calendar, so a
        // week without spot-checks still gets its rows), each the sum up to it.
        db.execute_unprepared(&format!(
            "WITH RECURSIVE calendar(period) AS (\
               SELECT min(period) FROM stat_inspection WHERE grain = '{grain}' \
               UNION ALL SELECT {next} FROM calendar \
               WHERE period < (SELECT max(period) FROM stat_inspection WHERE grain = '{grain}')\
             ), \
             keys AS (\
               SELECT {KEY}, min(period) AS first FROM stat_inspection \
               WHERE grain = '{grain}' GROUP BY {KEY}\
             ) \
             INSERT INTO stat_running (grain, period, {KEY}, \
               inspections, passed, critical, percent_sum) \
             SELECT '{grain}', c.period, k.site_id, k.checklist_version_id, k.position_id, \
               k.subject_id, k.inspector_id, \
               SUM(COALESCE(s.inspections, 0)) OVER w, SUM(COALESCE(s.passed, 0)) OVER w, \
               SUM(COALESCE(s.critical, 0)) OVER w, SUM(COALESCE(s.percent_sum, 0.0)) OVER w \
             FROM keys k JOIN calendar c ON c.period >= k.first \
             LEFT JOIN stat_inspection s ON s.grain = '{grain}' AND s.period = c.period \
               AND s.site_id = k.site_id AND s.checklist_version_id = k.checklist_version_id \
               AND s.position_id = k.position_id AND s.subject_id = k.subject_id \
               AND s.inspector_id = k.inspector_id \
             WINDOW w AS (PARTITION BY k.site_id, k.checklist_version_id, k.position_id, \
               k.subject_id, k.inspector_id ORDER BY c.period \
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE stat_frontier SET period = (SELECT COALESCE(max(period), '{never}') \
             FROM stat_inspection WHERE grain = '{grain}') WHERE grain = '{grain}'"
        ))
        .await?;
    }
    db.execute_unprepared("DELETE FROM stat_last_check").await?;
    db.execute_unprepared(&format!(
        "INSERT INTO stat_last_check ({KEY}, last_date) \
         SELECT site_id, checklist_version_id, COALESCE(position_id, 0), subject_id, \
           inspector_id, max(shift_date) \
         FROM inspection WHERE status = 'submitted' AND recheck_of IS NULL \
         GROUP BY site_id, checklist_version_id, COALESCE(position_id, 0), subject_id, \
           inspector_id"
    ))
    .await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Planned by fresh statistics, not as empty tables.
        db.execute_unprepared("ANALYZE stat_running").await?;
        db.execute_unprepared("ANALYZE stat_last_check").await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum StatRunning {
    Table,
    Grain,
    Period,
    SiteId,
    ChecklistVersionId,
    PositionId,
    SubjectId,
    InspectorId,
    Inspections,
    Passed,
    Critical,
    PercentSum,
}

#[derive(DeriveIden)]
enum StatFrontier {
    Table,
    Grain,
    Period,
}

#[derive(DeriveIden)]
enum StatLastCheck {
    Table,
    SiteId,
    ChecklistVersionId,
    PositionId,
    SubjectId,
    InspectorId,
    LastDate,
}
