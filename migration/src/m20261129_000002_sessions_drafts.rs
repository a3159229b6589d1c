//! Sign-in sessions and throttling live in the database (so app instances stay
//! stateless), and a spot-check draft keeps its in-progress answers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string(Session::Id).primary_key())
                    .col(integer(Session::UserId))
                    .col(string(Session::Csrf))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::LastSeenAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_user")
                    .table(Session::Table)
                    .col(Session::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempt::Table)
                    .col(big_pk_auto(LoginAttempt::Id))
                    .col(string(LoginAttempt::Email))
                    .col(boolean(LoginAttempt::Succeeded))
                    .col(timestamp_with_time_zone(LoginAttempt::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempt_email_at")
                    .table(LoginAttempt::Table)
                    .col(LoginAttempt::Email)
                    .col(LoginAttempt::At)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Inspection::Table)
                    .add_column(json_null(Inspection::Draft))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InspectionResponse::Table)
                    .add_column(string_null(InspectionResponse::PhotoType))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InspectionResponse::Table)
                    .drop_column(InspectionResponse::PhotoType)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Inspection::Table)
                    .drop_column(Inspection::Draft)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LoginAttempt::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Session::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    Csrf,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Id,
    Email,
    Succeeded,
    At,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    Draft,
}

#[derive(DeriveIden)]
enum InspectionResponse {
    Table,
    PhotoType,
}
