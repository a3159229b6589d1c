//! Each re-check keeps the percent its person had on the re-checked items in the
//! spot-check that failed them, so the training effectiveness figures are one grouped
//! query instead of four lookups per re-check. Existing re-checks are filled in here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Recheck::Table)
                    .add_column(ColumnDef::new(Recheck::BeforePercent).double().null())
                    .to_owned(),
            )
            .await?;
        // The items are a JSON list of keys: an item counts when its quoted key is in it.
        let find = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "strpos",
            _ => "instr",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE recheck SET before_percent = (\
                 SELECT CASE WHEN SUM(r.max_points) > 0 \
                 THEN SUM(r.points) * 100.0 / SUM(r.max_points) ELSE 0 END \
                 FROM inspection_response r \
                 WHERE r.inspection_id = recheck.inspection_id \
                 AND {find}(CAST(recheck.items AS TEXT), '\"' || r.item_key || '\"') > 0)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Recheck::Table)
                    .drop_column(Recheck::BeforePercent)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Recheck {
    Table,
    BeforePercent,
}
