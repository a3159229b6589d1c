//! Kept windows: the dashboard's one-tap ranges (the last twelve weeks, the last twelve
//! months) also kept per person and half, as `stat_inspection` rows under the window's
//! name, so the staff and calibration panels read two rows per person instead of one per
//! period. This table says which dates each window's rows cover; the app fills a window
//! when it first needs it and rebuilds it when the calendar moves it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatWindow::Table)
                    .col(string_len(StatWindow::Name, 8).primary_key())
                    .col(string_len(StatWindow::Grain, 8))
                    .col(date(StatWindow::PeriodFrom))
                    .col(date(StatWindow::Split))
                    .col(date(StatWindow::PeriodTo))
                    .to_owned(),
            )
            .await?;
        // Rows from the start, covering nothing yet: a submission then always finds a
        // window's row to read (and wait on, while the window is being rebuilt).
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO stat_window (name, grain, period_from, split, period_to) VALUES \
                 ('last12w', 'week', '1970-01-01', '1970-01-01', '1970-01-01'), \
                 ('last12m', 'month', '1970-01-01', '1970-01-01', '1970-01-01')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM stat_inspection WHERE grain IN (SELECT name FROM stat_window)",
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StatWindow::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StatWindow {
    Table,
    Name,
    Grain,
    PeriodFrom,
    Split,
    PeriodTo,
}
