//! Sign-in attempts record the client's address, so throttling counts failures per
//! account and address (and per address across accounts) instead of per account only:
//! someone typing wrong passwords for an account no longer locks its owner out.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_login_attempt_client_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginAttempt::Table)
                    .add_column(ColumnDef::new(LoginAttempt::Client).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(LoginAttempt::Table)
                    .col(LoginAttempt::Client)
                    .col(LoginAttempt::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(LoginAttempt::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LoginAttempt::Table)
                    .drop_column(LoginAttempt::Client)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Client,
    At,
}
