//! Database migrations, shared by SQLite and PostgreSQL. One file per migration.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_core;
mod m20261129_000002_sessions_drafts;
mod m20261129_000003_rechecks;
mod m20261129_000004_api_tokens_and_plans;
mod m20261129_000005_quality_stats;
mod m20261129_000006_rollups;
mod m20261129_000007_windows;
mod m20261129_000008_export_order;
mod m20261130_000009_sign_in_throttle;
mod m20261130_000010_site_time_zone;
mod m20261130_000011_actions_signoff;
mod m20261130_000012_outbox;
mod m20261130_000013_proposals;
mod m20261130_000014_sign_in_methods;
mod m20261130_000016_polish_quality;
mod m20261130_000019_scheduled_mail;
mod m20261130_000020_running_totals;
mod m20261130_000022_recheck_outcome;
mod m20261201_000023_scheduled_due;
mod m20261201_000024_assignment_by_inspection;

/// The running totals' recount (migration 000020), which the app's rebuild also runs.
pub use m20261130_000020_running_totals::fill as fill_running_totals;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_core::Migration),
            Box::new(m20261129_000002_sessions_drafts::Migration),
            Box::new(m20261129_000003_rechecks::Migration),
            Box::new(m20261129_000004_api_tokens_and_plans::Migration),
            Box::new(m20261129_000005_quality_stats::Migration),
            Box::new(m20261129_000006_rollups::Migration),
            Box::new(m20261129_000007_windows::Migration),
            Box::new(m20261129_000008_export_order::Migration),
            Box::new(m20261130_000009_sign_in_throttle::Migration),
            Box::new(m20261130_000010_site_time_zone::Migration),
            Box::new(m20261130_000011_actions_signoff::Migration),
            Box::new(m20261130_000012_outbox::Migration),
            Box::new(m20261130_000014_sign_in_methods::Migration),
            Box::new(m20261130_000013_proposals::Migration),
            Box::new(m20261130_000016_polish_quality::Migration),
            Box::new(m20261130_000019_scheduled_mail::Migration),
            Box::new(m20261130_000020_running_totals::Migration),
            Box::new(m20261130_000022_recheck_outcome::Migration),
            Box::new(m20261201_000023_scheduled_due::Migration),
            Box::new(m20261201_000024_assignment_by_inspection::Migration),
        ]
    }
}
