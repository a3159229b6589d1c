//! When each scheduled job is next due for each person, so the minute tick selects the
//! rows whose time came through an index instead of reading every person each minute
//! (0.5–0.7 s for 5,203 people at 1M). Empty at first: the next tick plans everyone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduledDue::Table)
                    .col(integer(ScheduledDue::UserId))
                    .col(string(ScheduledDue::Job))
                    .col(timestamp_with_time_zone(ScheduledDue::NextDue))
                    .primary_key(
                        Index::create()
                            .col(ScheduledDue::UserId)
                            .col(ScheduledDue::Job),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ScheduledDue::Table, ScheduledDue::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scheduled_due_next")
                    .table(ScheduledDue::Table)
                    .col(ScheduledDue::NextDue)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduledDue::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ScheduledDue {
    Table,
    UserId,
    Job,
    NextDue,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}
