//! Roll-ups of the quality aggregates for the group-wide panels of the dashboard, so a
//! year of 200 sites reads a few thousand rows instead of hundreds of thousands:
//! - `stat_site`: per period, site, checklist version and position (no staff member, no
//!   inspector, no item): headline figures, trend, p-chart, sites, heat map;
//! - item results of every site together, as `stat_item` rows of site 0: the Pareto.
//!
//! Filled here from the aggregates already kept; afterwards kept on write like them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(StatSite::Table)
            .col(string_len(StatSite::Grain, 8))
            .col(date(StatSite::Period))
            .col(integer(StatSite::SiteId))
            .col(integer(StatSite::ChecklistVersionId))
            .col(integer(StatSite::PositionId))
            .col(integer(StatSite::Inspections))
            .col(integer(StatSite::Passed))
            .col(integer(StatSite::Critical))
            .col(double(StatSite::PercentSum))
            .col(double(StatSite::Points))
            .col(double(StatSite::MaxPoints))
            .primary_key(
                Index::create()
                    .col(StatSite::Grain)
                    .col(StatSite::Period)
                    .col(StatSite::SiteId)
                    .col(StatSite::ChecklistVersionId)
                    .col(StatSite::PositionId),
            )
            .to_owned();
        crate::m20261129_000005_quality_stats::create_clustered(manager, &table).await?;
        // Inspection counts from the person rows, points from the item rows, per key.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO stat_site (grain, period, site_id, checklist_version_id, position_id, \
                 inspections, passed, critical, percent_sum, points, max_points) \
                 SELECT i.grain, i.period, i.site_id, i.checklist_version_id, i.position_id, \
                 i.inspections, i.passed, i.critical, i.percent_sum, \
                 COALESCE(t.points, 0), COALESCE(t.max_points, 0) \
                 FROM (SELECT grain, period, site_id, checklist_version_id, position_id, \
                       sum(inspections) AS inspections, sum(passed) AS passed, \
                       sum(critical) AS critical, sum(percent_sum) AS percent_sum \
                       FROM stat_inspection \
                       GROUP BY grain, period, site_id, checklist_version_id, position_id) i \
                 LEFT JOIN (SELECT grain, period, site_id, checklist_version_id, position_id, \
                       sum(points) AS points, sum(max_points) AS max_points \
                       FROM stat_item \
                       GROUP BY grain, period, site_id, checklist_version_id, position_id) t \
                 ON t.grain = i.grain AND t.period = i.period AND t.site_id = i.site_id \
                 AND t.checklist_version_id = i.checklist_version_id \
                 AND t.position_id = i.position_id",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO stat_item (grain, period, site_id, checklist_version_id, position_id, \
                 item_key, checked, failed, points, max_points) \
                 SELECT grain, period, 0, checklist_version_id, position_id, item_key, \
                 sum(checked), sum(failed), sum(points), sum(max_points) FROM stat_item \
                 GROUP BY grain, period, checklist_version_id, position_id, item_key",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM stat_item WHERE site_id = 0")
            .await?;
        manager
            .drop_table(Table::drop().table(StatSite::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StatSite {
    Table,
    Grain,
    Period,
    SiteId,
    ChecklistVersionId,
    PositionId,
    Inspections,
    Passed,
    Critical,
    PercentSum,
    Points,
    MaxPoints,
}
