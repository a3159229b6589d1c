//! Connecting to the database (embedded SQLite by default, PostgreSQL by URL) and
//! bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Config;

/// Open the configured database, creating the SQLite file and data directory on first run.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        DbErr::Custom(format!(
            "cannot create data directory {}: {e}",
            config.data_dir.display()
        ))
    })?;
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if config.is_sqlite() {
        // WAL lets readers work beside the writer; FULL sync so an acknowledged
        // spot-check survives a power cut; foreign keys are off in SQLite unless asked.
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}

/// Apply every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
