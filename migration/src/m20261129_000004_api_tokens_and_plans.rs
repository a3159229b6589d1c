//! Read-only API tokens for BI tools, and the weekly spot-check sampling plan.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(integer(ApiToken::UserId))
                    .col(string(ApiToken::Name))
                    .col(string_uniq(ApiToken::TokenHash))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiToken::Table, ApiToken::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlannedCheck::Table)
                    .col(pk_auto(PlannedCheck::Id))
                    .col(date(PlannedCheck::WeekStart))
                    .col(integer(PlannedCheck::SiteId))
                    .col(integer(PlannedCheck::SubjectId))
                    .col(date(PlannedCheck::PlannedDate))
                    .col(string(PlannedCheck::ShiftPeriod))
                    .col(string(PlannedCheck::Reason))
                    .col(timestamp_with_time_zone(PlannedCheck::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlannedCheck::Table, PlannedCheck::SiteId)
                            .to(Site::Table, Site::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlannedCheck::Table, PlannedCheck::SubjectId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_planned_check")
                    .table(PlannedCheck::Table)
                    .col(PlannedCheck::WeekStart)
                    .col(PlannedCheck::SiteId)
                    .col(PlannedCheck::SubjectId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlannedCheck::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum PlannedCheck {
    Table,
    Id,
    WeekStart,
    SiteId,
    SubjectId,
    PlannedDate,
    ShiftPeriod,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Site {
    Table,
    Id,
}
