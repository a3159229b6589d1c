//! Aggregates for the quality dashboard and reports, kept up to date in each submission's
//! transaction so that trends over a year read thousands of rows, not millions: per week
//! and per month, spot-check counts by site, checklist version, position, staff member
//! and inspector, and item results by site, checklist version and position.
//!
//! Also records the subject's position on each inspection, so an aggregate row can be
//! found again (to void it) after the person moves to another position.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Inspection::Table)
                    .add_column(integer_null(Inspection::PositionId))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                r#"UPDATE inspection SET position_id = (SELECT position_id FROM "user" WHERE "user".id = inspection.subject_id)"#,
            )
            .await?;

        let inspections = Table::create()
            .table(StatInspection::Table)
            .col(string_len(StatInspection::Grain, 8))
            .col(date(StatInspection::Period))
            .col(integer(StatInspection::SiteId))
            .col(integer(StatInspection::ChecklistVersionId))
            .col(integer(StatInspection::PositionId))
            .col(integer(StatInspection::SubjectId))
            .col(integer(StatInspection::InspectorId))
            .col(integer(StatInspection::Inspections))
            .col(integer(StatInspection::Passed))
            .col(integer(StatInspection::Critical))
            .col(double(StatInspection::PercentSum))
            .primary_key(
                Index::create()
                    .col(StatInspection::Grain)
                    .col(StatInspection::Period)
                    .col(StatInspection::SiteId)
                    .col(StatInspection::ChecklistVersionId)
                    .col(StatInspection::PositionId)
                    .col(StatInspection::SubjectId)
                    .col(StatInspection::InspectorId),
            )
            .to_owned();
        create_clustered(manager, &inspections).await?;
        let items = Table::create()
            .table(StatItem::Table)
            .col(string_len(StatItem::Grain, 8))
            .col(date(StatItem::Period))
            .col(integer(StatItem::SiteId))
            .col(integer(StatItem::ChecklistVersionId))
            .col(integer(StatItem::PositionId))
            .col(string(StatItem::ItemKey))
            .col(integer(StatItem::Checked))
            .col(integer(StatItem::Failed))
            .col(double(StatItem::Points))
            .col(double(StatItem::MaxPoints))
            .primary_key(
                Index::create()
                    .col(StatItem::Grain)
                    .col(StatItem::Period)
                    .col(StatItem::SiteId)
                    .col(StatItem::ChecklistVersionId)
                    .col(StatItem::PositionId)
                    .col(StatItem::ItemKey),
            )
            .to_owned();
        create_clustered(manager, &items).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StatItem::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StatInspection::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Inspection::Table)
                    .drop_column(Inspection::PositionId)
                    .to_owned(),
            )
            .await
    }
}

/// Create a table stored in primary-key order. On SQLite that is `WITHOUT ROWID`, so a
/// range of periods is one sequential read instead of an index walk plus row look-ups;
/// PostgreSQL reads the primary-key index the same way.
pub(crate) async fn create_clustered(
    manager: &SchemaManager<'_>,
    table: &TableCreateStatement,
) -> Result<(), DbErr> {
    let backend = manager.get_database_backend();
    let mut sql = backend.build(table).to_string();
    if backend == DatabaseBackend::Sqlite {
        sql.push_str(" WITHOUT ROWID");
    }
    manager.get_connection().execute_unprepared(&sql).await?;
    Ok(())
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    PositionId,
}

#[derive(DeriveIden)]
enum StatInspection {
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
enum StatItem {
    Table,
    Grain,
    Period,
    SiteId,
    ChecklistVersionId,
    PositionId,
    ItemKey,
    Checked,
    Failed,
    Points,
    MaxPoints,
}
