//! Single sign-on: a sign-in begun at the company's OpenID provider is kept in the
//! database until the browser comes back (its state's hash, the nonce, the PKCE verifier
//! and where to go next), so any app instance can finish what another one began.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_oidc_login_expires_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OidcLogin::Table)
                    .col(string(OidcLogin::Id).primary_key())
                    .col(string(OidcLogin::Nonce))
                    .col(string(OidcLogin::PkceVerifier))
                    .col(string(OidcLogin::Next))
                    .col(timestamp_with_time_zone(OidcLogin::CreatedAt))
                    .col(timestamp_with_time_zone(OidcLogin::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(OidcLogin::Table)
                    .col(OidcLogin::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OidcLogin::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OidcLogin {
    Table,
    Id,
    Nonce,
    PkceVerifier,
    Next,
    CreatedAt,
    ExpiresAt,
}
