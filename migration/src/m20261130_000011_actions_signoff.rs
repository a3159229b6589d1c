//! Corrective actions raised by failed items, and the signatures that end a spot-check
//! whose checklist asks for them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CorrectiveAction::Table)
                    .col(pk_auto(CorrectiveAction::Id))
                    .col(uuid(CorrectiveAction::InspectionId))
                    .col(integer(CorrectiveAction::ChecklistVersionId))
                    .col(string(CorrectiveAction::ItemKey))
                    .col(integer(CorrectiveAction::SiteId))
                    .col(text_null(CorrectiveAction::Text))
                    .col(integer_null(CorrectiveAction::OwnerId))
                    .col(string_null(CorrectiveAction::OwnerRole))
                    .col(date(CorrectiveAction::DueDate))
                    .col(string(CorrectiveAction::Priority))
                    .col(string(CorrectiveAction::Origin))
                    .col(boolean(CorrectiveAction::PhotoRequired))
                    .col(string(CorrectiveAction::Status))
                    .col(integer(CorrectiveAction::RaisedBy))
                    .col(timestamp_with_time_zone(CorrectiveAction::CreatedAt))
                    .col(text_null(CorrectiveAction::CloseNote))
                    .col(string_null(CorrectiveAction::ClosePhoto))
                    .col(integer_null(CorrectiveAction::ClosedBy))
                    .col(timestamp_with_time_zone_null(CorrectiveAction::ClosedAt))
                    .col(integer_null(CorrectiveAction::VerifiedBy))
                    .col(timestamp_with_time_zone_null(CorrectiveAction::VerifiedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CorrectiveAction::Table, CorrectiveAction::InspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_corrective_action_site_status")
                    .table(CorrectiveAction::Table)
                    .col(CorrectiveAction::SiteId)
                    .col(CorrectiveAction::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InspectionSignoff::Table)
                    .col(pk_uuid(InspectionSignoff::InspectionId))
                    .col(string_null(InspectionSignoff::SubjectFile))
                    .col(boolean(InspectionSignoff::SubjectDeclined))
                    .col(string(InspectionSignoff::InspectorFile))
                    .col(timestamp_with_time_zone(InspectionSignoff::SignedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InspectionSignoff::Table, InspectionSignoff::InspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InspectionSignoff::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CorrectiveAction::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CorrectiveAction {
    Table,
    Id,
    InspectionId,
    ChecklistVersionId,
    ItemKey,
    SiteId,
    Text,
    OwnerId,
    OwnerRole,
    DueDate,
    Priority,
    Origin,
    PhotoRequired,
    Status,
    RaisedBy,
    CreatedAt,
    CloseNote,
    ClosePhoto,
    ClosedBy,
    ClosedAt,
    VerifiedBy,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum InspectionSignoff {
    Table,
    InspectionId,
    SubjectFile,
    SubjectDeclined,
    InspectorFile,
    SignedAt,
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    Id,
}
