//! Typed configuration: environment variables with command-line overrides, read once at
//! start-up and shared by the server, the CLI and the tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a client may take to send a request's headers before the connection is
/// closed (slow-loris clients would otherwise hold connections open indefinitely).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

use chrono::{DateTime, Utc};

use crate::domain::clock::{DEFAULT_TIME_ZONE, SiteClock, Tz, zone_or};

use crate::domain::form::ShiftWindow;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (the default, under the data directory) or `postgres://…`.
    pub database_url: String,
    /// Photos and the default SQLite file live here.
    pub data_dir: PathBuf,
    /// The checklist library (checklists, modules, positions, the standard).
    pub checklists_dir: PathBuf,
    /// The header a trusted reverse proxy puts the client's address in (e.g.
    /// `X-Forwarded-For`); without it, the address is the connection's peer and such
    /// headers are ignored (any client could write them).
    pub trusted_proxy_header: Option<String>,
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// The zone of new sites, and of sites whose stored zone is empty or unknown.
    pub time_zone: Tz,
    /// "Now" for everything dated: the system clock, unless a test pins it.
    pub fixed_now: Option<DateTime<Utc>>,
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
            trusted_proxy_header: None,
            header_read_timeout: HEADER_READ_TIMEOUT,
            time_zone: DEFAULT_TIME_ZONE,
            fixed_now: None,
            shift_window: ShiftWindow::default(),
        }
    }

    pub fn with_time_zone(mut self, time_zone: Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// The current instant (never the machine's local zone: see domain::clock).
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed_now.unwrap_or_else(Utc::now)
    }

    /// The clock of a site whose stored zone is `stored` (empty: the default zone).
    pub fn clock_for(&self, stored: &str) -> SiteClock {
        SiteClock::new(zone_or(stored, self.time_zone), self.now())
    }

    /// The clock in the default zone: the CLI, and people with no site.
    pub fn default_clock(&self) -> SiteClock {
        SiteClock::new(self.time_zone, self.now())
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
