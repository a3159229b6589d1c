//! Re-checks: finishing the training a failure assigned puts a short spot-check of the
//! failed items on the supervisor's list. Positions keep their new-hire curriculum.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Recheck::Table)
                    .col(pk_auto(Recheck::Id))
                    .col(integer_uniq(Recheck::AssignmentId))
                    .col(uuid(Recheck::InspectionId))
                    .col(integer(Recheck::SubjectId))
                    .col(integer(Recheck::SiteId))
                    .col(json(Recheck::Items))
                    .col(string(Recheck::Status))
                    .col(date(Recheck::DueDate))
                    .col(uuid_null(Recheck::DoneInspectionId))
                    .col(timestamp_with_time_zone(Recheck::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Recheck::Table, Recheck::AssignmentId)
                            .to(TrainingAssignment::Table, TrainingAssignment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Recheck::Table, Recheck::InspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Recheck::Table, Recheck::DoneInspectionId)
                            .to(Inspection::Table, Inspection::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Position::Table)
                    .add_column(json_null(Position::Curriculum))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Position::Table)
                    .add_column(integer(Position::CurriculumDueDays).default(14))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recheck_site_status")
                    .table(Recheck::Table)
                    .col(Recheck::SiteId)
                    .col(Recheck::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Position::Curriculum, Position::CurriculumDueDays] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Position::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Recheck::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Recheck {
    Table,
    Id,
    AssignmentId,
    InspectionId,
    SubjectId,
    SiteId,
    Items,
    Status,
    DueDate,
    DoneInspectionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainingAssignment {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Inspection {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Position {
    Table,
    Curriculum,
    CurriculumDueDays,
}
