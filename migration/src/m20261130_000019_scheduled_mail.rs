//! Scheduled mail: each scheduled job's (job, person, period) is written once, under a
//! unique key, in the transaction that queues its mail, so several app instances ticking
//! at once and restarts send it at most once per person and period; and each person's
//! choice of the new mails (all on by default).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KINDS: [MailPreference; 6] = [
    MailPreference::ActionRaised,
    MailPreference::TrainingOverdue,
    MailPreference::ActionsOverdue,
    MailPreference::WeeklyPlan,
    MailPreference::WeeklyDigest,
    MailPreference::MonthlyReport,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduledMail::Table)
                    .col(pk_auto(ScheduledMail::Id))
                    .col(string(ScheduledMail::Job))
                    .col(integer(ScheduledMail::UserId))
                    .col(string(ScheduledMail::Period))
                    .col(timestamp_with_time_zone(ScheduledMail::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ScheduledMail::Table, ScheduledMail::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_scheduled_mail_once")
                    .table(ScheduledMail::Table)
                    .col(ScheduledMail::Job)
                    .col(ScheduledMail::UserId)
                    .col(ScheduledMail::Period)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        for kind in KINDS {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailPreference::Table)
                        .add_column(boolean(kind).default(true))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for kind in KINDS {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailPreference::Table)
                        .drop_column(kind)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ScheduledMail::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ScheduledMail {
    Table,
    Id,
    Job,
    UserId,
    Period,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MailPreference {
    Table,
    ActionRaised,
    TrainingOverdue,
    ActionsOverdue,
    WeeklyPlan,
    WeeklyDigest,
    MonthlyReport,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}
