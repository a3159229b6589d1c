//! Connecting to the database (embedded SQLite by default, PostgreSQL by URL) and
//! bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

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
        // Every statement with its time at debug (`DECORUM_LOG=sqlx::query=debug`), and
        // any that takes a second or more as a warning.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if config.is_sqlite() {
        // WAL lets readers work beside the writer; FULL sync so an acknowledged
        // spot-check survives a power cut; foreign keys are off in SQLite unless asked.
        // Several connections so reads run beside the one writer (writes take the lock
        // at BEGIN, see store::begin_write).
        options.max_connections(4);
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        options
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(3));
    }
    Database::connect(options).await
}

/// Apply every pending migration, then count existing inspections into the quality
/// aggregates if this database predates them.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    crate::store::stats::ensure(db).await.map_err(|e| match e {
        crate::store::StoreError::Db(e) => e,
        other => DbErr::Custom(other.to_string()),
    })
}

/// A consistent copy of a live SQLite database, taken while the app keeps serving
/// (`VACUUM INTO` reads one snapshot). PostgreSQL is backed up with its own tools.
pub async fn backup(
    db: &DatabaseConnection,
    config: &Config,
    target: &std::path::Path,
) -> Result<u64, DbErr> {
    if !config.is_sqlite() {
        return Err(DbErr::Custom(
            "this database is PostgreSQL: back it up with pg_dump, e.g. `pg_dump --format=custom --file=decorum.dump \"$DATABASE_URL\"` (restore with pg_restore)".into(),
        ));
    }
    if target.exists() {
        return Err(DbErr::Custom(format!(
            "{} already exists; choose a new file",
            target.display()
        )));
    }
    let path = target.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{path}'"))
        .await?;
    Ok(std::fs::metadata(target).map(|m| m.len()).unwrap_or(0))
}
