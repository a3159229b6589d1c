//! Proposals: a change to a checklist or a training module written in the browser or
//! uploaded, kept as a draft with its author and reason until another person approves
//! it (then it is published as a new immutable version) or sends it back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_proposal_kind_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Proposal::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Proposal::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Proposal::Kind).string().not_null())
                    .col(ColumnDef::new(Proposal::Key).string().not_null())
                    .col(ColumnDef::new(Proposal::Source).text().not_null())
                    .col(ColumnDef::new(Proposal::Reason).text().not_null())
                    .col(ColumnDef::new(Proposal::Status).string().not_null())
                    .col(ColumnDef::new(Proposal::AuthorId).integer().not_null())
                    .col(ColumnDef::new(Proposal::BaseVersion).integer().null())
                    .col(ColumnDef::new(Proposal::ReviewerId).integer().null())
                    .col(ColumnDef::new(Proposal::ReviewComment).text().null())
                    .col(ColumnDef::new(Proposal::PublishedVersion).integer().null())
                    .col(
                        ColumnDef::new(Proposal::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposal::ReviewedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposal::Table, Proposal::AuthorId)
                            .to(User::Table, User::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposal::Table, Proposal::ReviewerId)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Proposal::Table)
                    .col(Proposal::Kind)
                    .col(Proposal::Key)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Proposal::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Proposal {
    Table,
    Id,
    Kind,
    Key,
    Source,
    Reason,
    Status,
    AuthorId,
    BaseVersion,
    ReviewerId,
    ReviewComment,
    PublishedVersion,
    CreatedAt,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}
