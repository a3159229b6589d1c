//! The notification outbox: mail and webhook deliveries written in the same transaction
//! as the event they report, the webhook endpoints admins register, and each person's
//! mail preferences.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(pk_auto(WebhookEndpoint::Id))
                    .col(string(WebhookEndpoint::Url))
                    .col(string(WebhookEndpoint::Secret))
                    .col(text(WebhookEndpoint::Events))
                    .col(boolean(WebhookEndpoint::Active))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_auto(Outbox::Id))
                    .col(string(Outbox::Channel))
                    .col(string(Outbox::Event))
                    .col(integer_null(Outbox::RecipientId))
                    .col(integer_null(Outbox::EndpointId))
                    .col(text(Outbox::Payload))
                    .col(string_uniq(Outbox::DeliveryId))
                    .col(string(Outbox::Status))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                    .col(text_null(Outbox::LastError))
                    .col(integer_null(Outbox::ResponseCode))
                    .col(integer_null(Outbox::LatencyMs))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outbox::Table, Outbox::RecipientId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outbox::Table, Outbox::EndpointId)
                            .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailPreference::Table)
                    .col(integer(MailPreference::UserId).primary_key())
                    .col(string_null(MailPreference::Lang))
                    .col(boolean(MailPreference::Training))
                    .col(boolean(MailPreference::Alerts))
                    .col(boolean(MailPreference::Reports))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailPreference::Table, MailPreference::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MailPreference::Table.into_iden(),
            Outbox::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    Url,
    Secret,
    Events,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Channel,
    Event,
    RecipientId,
    EndpointId,
    Payload,
    DeliveryId,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    ResponseCode,
    LatencyMs,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum MailPreference {
    Table,
    UserId,
    Lang,
    Training,
    Alerts,
    Reports,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}
