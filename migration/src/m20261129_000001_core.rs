//! The core schema: organisation (sites, positions, users), the checklist library and
//! its immutable versions, inspections and their responses, training, and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Site::Table)
                    .col(pk_auto(Site::Id))
                    .col(string_uniq(Site::Code))
                    .col(string(Site::Name))
                    .col(string(Site::Kind))
                    .col(boolean(Site::Active).default(true))
                    .col(timestamp_with_time_zone(Site::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Position::Table)
                    .col(pk_auto(Position::Id))
                    .col(string_uniq(Position::Key))
                    .col(string(Position::NameZh))
                    .col(string(Position::NameEn))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_auto(User::Id))
                    .col(string_uniq(User::Email))
                    .col(string(User::Name))
                    .col(string_null(User::PasswordHash))
                    .col(string(User::Role))
                    .col(integer_null(User::PositionId))
                    .col(string_null(User::Gender))
                    .col(date_null(User::HireDate))
                    .col(string_null(User::Locale))
                    .col(boolean(User::Active).default(true))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(User::Table, User::PositionId)
                            .to(Position::Table, Position::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserSite::Table)
                    .col(integer(UserSite::UserId))
                    .col(integer(UserSite::SiteId))
                    .primary_key(Index::create().col(UserSite::UserId).col(UserSite::SiteId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserSite::Table, UserSite::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserSite::Table, UserSite::SiteId)
                            .to(Site::Table, Site::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_user_site_site",
            UserSite::Table,
            &[UserSite::SiteId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Checklist::Table)
                    .col(pk_auto(Checklist::Id))
                    .col(string_uniq(Checklist::Key))
                    .col(boolean(Checklist::Active).default(true))
                    .col(timestamp_with_time_zone(Checklist::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChecklistVersion::Table)
                    .col(pk_auto(ChecklistVersion::Id))
                    .col(integer(ChecklistVersion::ChecklistId))
                    .col(integer(ChecklistVersion::Version))
                    .col(string(ChecklistVersion::ContentHash))
                    .col(string(ChecklistVersion::TitleZh))
                    .col(string(ChecklistVersion::TitleEn))
                    .col(text(ChecklistVersion::Definition))
                    .col(timestamp_with_time_zone(ChecklistVersion::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChecklistVersion::Table, ChecklistVersion::ChecklistId)
                            .to(Checklist::Table, Checklist::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "uq_checklist_version",
            ChecklistVersion::Table,
            &[ChecklistVersion::ChecklistId, ChecklistVersion::Version],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Inspection::Table)
                    .col(pk_uuid(Inspection::Id))
                    .col(integer(Inspection::ChecklistVersionId))
                    .col(integer(Inspection::SiteId))
                    .col(date(Inspection::ShiftDate))
                    .col(string(Inspection::ShiftPeriod))
                    .col(integer(Inspection::SubjectId))
                    .col(integer(Inspection::InspectorId))
                    .col(json(Inspection::Context))
                    .col(string(Inspection::Status))
                    .col(double_null(Inspection::Score))
                    .col(double_null(Inspection::MaxScore))
                    .col(double_null(Inspection::Percent))
                    .col(boolean_null(Inspection::Passed))
                    .col(boolean(Inspection::CriticalFailure).default(false))
                    .col(uuid_null(Inspection::RecheckOf))
                    .col(text_null(Inspection::VoidReason))
                    .col(timestamp_with_time_zone(Inspection::StartedAt))
                    .col(timestamp_with_time_zone(Inspection::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Inspection::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Inspection::AcknowledgedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspection::Table, Inspection::ChecklistVersionId)
                            .to(ChecklistVersion::Table, ChecklistVersion::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspection::Table, Inspection::SiteId)
                            .to(Site::Table, Site::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspection::Table, Inspection::SubjectId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspection::Table, Inspection::InspectorId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_inspection_site_date",
            Inspection::Table,
            &[Inspection::SiteId, Inspection::ShiftDate],
        )
        .await?;
        index(
            manager,
            "idx_inspection_subject",
            Inspection::Table,
            &[Inspection::SubjectId, Inspection::ShiftDate],
        )
        .await?;
        index(
            manager,
            "idx_inspection_inspector",
            Inspection::Table,
            &[Inspection::InspectorId, Inspection::ShiftDate],
        )
        .await?;
        index(
            manager,
            "idx_inspection_version",
            Inspection::Table,
            &[Inspection::ChecklistVersionId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(InspectionResponse::Table)
                    .col(big_pk_auto(InspectionResponse::Id))
                    .col(uuid(InspectionResponse::InspectionId))
                    .col(string(InspectionResponse::ItemKey))
                    .col(json(InspectionResponse::Value))
                    .col(string(InspectionResponse::Outcome))
                    .col(double(InspectionResponse::Points))
                    .col(double(InspectionResponse::MaxPoints))
                    .col(text_null(InspectionResponse::Note))
                    .col(string_null(InspectionResponse::Photo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InspectionResponse::Table, InspectionResponse::InspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "uq_response_item",
            InspectionResponse::Table,
            &[
                InspectionResponse::InspectionId,
                InspectionResponse::ItemKey,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TrainingModule::Table)
                    .col(pk_auto(TrainingModule::Id))
                    .col(string_uniq(TrainingModule::Key))
                    .col(boolean(TrainingModule::Active).default(true))
                    .col(timestamp_with_time_zone(TrainingModule::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingModuleVersion::Table)
                    .col(pk_auto(TrainingModuleVersion::Id))
                    .col(integer(TrainingModuleVersion::ModuleId))
                    .col(integer(TrainingModuleVersion::Version))
                    .col(string(TrainingModuleVersion::ContentHash))
                    .col(string(TrainingModuleVersion::TitleZh))
                    .col(string(TrainingModuleVersion::TitleEn))
                    .col(text(TrainingModuleVersion::Definition))
                    .col(timestamp_with_time_zone(TrainingModuleVersion::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                TrainingModuleVersion::Table,
                                TrainingModuleVersion::ModuleId,
                            )
                            .to(TrainingModule::Table, TrainingModule::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "uq_module_version",
            TrainingModuleVersion::Table,
            &[
                TrainingModuleVersion::ModuleId,
                TrainingModuleVersion::Version,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TrainingAssignment::Table)
                    .col(pk_auto(TrainingAssignment::Id))
                    .col(integer(TrainingAssignment::UserId))
                    .col(integer(TrainingAssignment::ModuleId))
                    .col(string(TrainingAssignment::Reason))
                    .col(uuid_null(TrainingAssignment::InspectionId))
                    .col(json(TrainingAssignment::FailedItems))
                    .col(boolean(TrainingAssignment::Critical).default(false))
                    .col(string(TrainingAssignment::Status))
                    .col(date(TrainingAssignment::DueDate))
                    .col(integer_null(TrainingAssignment::AssignedBy))
                    .col(integer_null(TrainingAssignment::CompletedVersionId))
                    .col(double_null(TrainingAssignment::QuizPercent))
                    .col(integer(TrainingAssignment::Attempts).default(0))
                    .col(timestamp_with_time_zone(TrainingAssignment::AssignedAt))
                    .col(timestamp_with_time_zone_null(
                        TrainingAssignment::CompletedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingAssignment::Table, TrainingAssignment::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingAssignment::Table, TrainingAssignment::ModuleId)
                            .to(TrainingModule::Table, TrainingModule::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingAssignment::Table, TrainingAssignment::InspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                TrainingAssignment::Table,
                                TrainingAssignment::CompletedVersionId,
                            )
                            .to(TrainingModuleVersion::Table, TrainingModuleVersion::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_assignment_user_status",
            TrainingAssignment::Table,
            &[TrainingAssignment::UserId, TrainingAssignment::Status],
        )
        .await?;
        index(
            manager,
            "idx_assignment_due",
            TrainingAssignment::Table,
            &[TrainingAssignment::Status, TrainingAssignment::DueDate],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(integer_null(AuditLog::ActorId))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::Entity))
                    .col(string(AuditLog::EntityId))
                    .col(json_null(AuditLog::Before))
                    .col(json_null(AuditLog::After))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_audit_entity",
            AuditLog::Table,
            &[AuditLog::Entity, AuditLog::EntityId],
        )
        .await?;
        index(manager, "idx_audit_at", AuditLog::Table, &[AuditLog::At]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            TrainingAssignment::Table.into_iden(),
            TrainingModuleVersion::Table.into_iden(),
            TrainingModule::Table.into_iden(),
            InspectionResponse::Table.into_iden(),
            Inspection::Table.into_iden(),
            ChecklistVersion::Table.into_iden(),
            Checklist::Table.into_iden(),
            UserSite::Table.into_iden(),
            User::Table.into_iden(),
            Position::Table.into_iden(),
            Site::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    manager.create_index(stmt.to_owned()).await
}

async fn unique<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table).unique();
    for col in cols {
        stmt.col(*col);
    }
    manager.create_index(stmt.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Site {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Position {
    Table,
    Id,
    Key,
    NameZh,
    NameEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    PositionId,
    Gender,
    HireDate,
    Locale,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UserSite {
    Table,
    UserId,
    SiteId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Checklist {
    Table,
    Id,
    Key,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChecklistVersion {
    Table,
    Id,
    ChecklistId,
    Version,
    ContentHash,
    TitleZh,
    TitleEn,
    Definition,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Inspection {
    Table,
    Id,
    ChecklistVersionId,
    SiteId,
    ShiftDate,
    ShiftPeriod,
    SubjectId,
    InspectorId,
    Context,
    Status,
    Score,
    MaxScore,
    Percent,
    Passed,
    CriticalFailure,
    RecheckOf,
    VoidReason,
    StartedAt,
    UpdatedAt,
    SubmittedAt,
    AcknowledgedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InspectionResponse {
    Table,
    Id,
    InspectionId,
    ItemKey,
    Value,
    Outcome,
    Points,
    MaxPoints,
    Note,
    Photo,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingModule {
    Table,
    Id,
    Key,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingModuleVersion {
    Table,
    Id,
    ModuleId,
    Version,
    ContentHash,
    TitleZh,
    TitleEn,
    Definition,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingAssignment {
    Table,
    Id,
    UserId,
    ModuleId,
    Reason,
    InspectionId,
    FailedItems,
    Critical,
    Status,
    DueDate,
    AssignedBy,
    CompletedVersionId,
    QuizPercent,
    Attempts,
    AssignedAt,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Action,
    Entity,
    EntityId,
    Before,
    After,
}
