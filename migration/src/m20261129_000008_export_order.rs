//! Exports read spot-checks a page at a time in (shift date, id) order; this index lets
//! each page start where the last ended instead of sorting the range again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_inspection_date_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Inspection::Table)
                    .col(Inspection::ShiftDate)
                    .col(Inspection::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Inspection::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    ShiftDate,
    Id,
}
