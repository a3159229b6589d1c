//! Typed configuration: environment variables with command-line overrides, read once at
//! start-up and shared by the server, the CLI and the tests.

use std::path::{Path, PathBuf};

use crate::domain::form::ShiftWindow;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (the default, under the data directory) or `postgres://…`.
    pub database_url: String,
    /// Photos and the default SQLite file live here.
    pub data_dir: PathBuf,
    /// The checklist library (checklists, modules, positions, the standard).
    pub checklists_dir: PathBuf,
    /// The shift dates a spot-check may carry, around today.
    pub shift_window: ShiftWindow,
}

impl Config {
    pub fn new(database_url: Option<String>, data_dir: PathBuf, checklists_dir: PathBuf) -> Self {
        let database_url = database_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| default_sqlite_url(&data_dir));
        Config {
            database_url,
            data_dir,
            checklists_dir,
            shift_window: ShiftWindow::default(),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// `sqlite://DATA_DIR/decorum.db?mode=rwc`: created on first run.
pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("decorum.db").display()
    )
}
