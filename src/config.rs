//! Typed configuration, read once at start-up and shared by the server, the CLI and the
//! tests. Settings come from one TOML file (`--config`, `DECORUM_CONFIG`, or
//! /etc/decorum/decorum.toml when present), the environment and the command line; a flag
//! beats an environment variable, which beats the file, which beats the default.
//! [`resolve`] merges them without touching the system (unit-tested here); [`load`]
//! reads the file, the environment and any secret files around it.

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
    /// Whether the author of a checklist or module change may approve it themselves (a
    /// one-person quality team); by default another quality or admin user must.
    pub allow_self_approval: bool,
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
            allow_self_approval: false,
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

/// Where the package puts the configuration file; read when it exists and no other file
/// was named.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/decorum/decorum.toml";
/// `serve`'s address when none is configured.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// sqlx logs every statement at INFO: keep it and sea-orm to warnings.
pub const DEFAULT_LOG: &str = "info,sqlx=warn,sea_orm=warn";
const DEFAULT_DATA_DIR: &str = "data";
const DEFAULT_CHECKLISTS: &str = "checklists";

/// One source's settings (the file, the environment or the command line), each optional.
/// The file's keys are these field names; an unknown key is an error.
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub database_url: Option<String>,
    /// A file holding the database URL (a secret: kept out of the environment and of a
    /// world-readable configuration file).
    pub database_url_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub checklists: Option<PathBuf>,
    #[serde(default, deserialize_with = "time_zone_key")]
    pub time_zone: Option<Tz>,
    pub shift_days_back: Option<u32>,
    pub shift_days_ahead: Option<u32>,
    pub addr: Option<String>,
    pub trusted_proxy_header: Option<String>,
    /// The log filter (tracing's `EnvFilter` syntax).
    pub log: Option<String>,
    pub allow_self_approval: Option<bool>,
}

fn time_zone_key<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Tz>, D::Error> {
    let name = <String as serde::Deserialize>::deserialize(d)?;
    parse_time_zone(&name)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// A zone by its IANA name, or a message saying what is wrong.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    crate::domain::clock::parse_time_zone(name)
        .ok_or_else(|| format!("`{name}` is not an IANA time zone such as Asia/Hong_Kong"))
}

/// A configuration that cannot be used; the message names the file, key or variable.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Where one layer of settings came from, for messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    File(PathBuf),
    Environment,
    CommandLine,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Environment => f.write_str("the environment"),
            Source::CommandLine => f.write_str("the command line"),
        }
    }
}

/// The environment variable of each setting.
pub const ENVIRONMENT: [(&str, &str); 11] = [
    ("database_url", "DATABASE_URL"),
    ("database_url_file", "DATABASE_URL_FILE"),
    ("data_dir", "DECORUM_DATA_DIR"),
    ("checklists", "DECORUM_CHECKLISTS"),
    ("time_zone", "DECORUM_TIME_ZONE"),
    ("shift_days_back", "DECORUM_SHIFT_DAYS_BACK"),
    ("shift_days_ahead", "DECORUM_SHIFT_DAYS_AHEAD"),
    ("addr", "DECORUM_ADDR"),
    ("trusted_proxy_header", "DECORUM_TRUSTED_PROXY_HEADER"),
    ("log", "DECORUM_LOG"),
    ("allow_self_approval", "DECORUM_ALLOW_SELF_APPROVAL"),
];

impl Settings {
    /// The settings of the environment `var` reads; an empty variable counts as unset.
    pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &str| {
            let name = ENVIRONMENT
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, name)| *name)
                .expect("every setting has an environment variable");
            var(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (name, v))
        };
        let number = |key: &str| {
            get(key)
                .map(|(name, v)| {
                    v.trim()
                        .parse::<u32>()
                        .map_err(|_| ConfigError(format!("{name}: `{v}` is not a number of days")))
                })
                .transpose()
        };
        Ok(Settings {
            database_url: get("database_url").map(|(_, v)| v),
            database_url_file: get("database_url_file").map(|(_, v)| v.into()),
            data_dir: get("data_dir").map(|(_, v)| v.into()),
            checklists: get("checklists").map(|(_, v)| v.into()),
            time_zone: get("time_zone")
                .map(|(name, v)| {
                    parse_time_zone(&v).map_err(|e| ConfigError(format!("{name}: {e}")))
                })
                .transpose()?,
            shift_days_back: number("shift_days_back")?,
            shift_days_ahead: number("shift_days_ahead")?,
            addr: get("addr").map(|(_, v)| v),
            trusted_proxy_header: get("trusted_proxy_header").map(|(_, v)| v),
            log: get("log").map(|(_, v)| v),
            allow_self_approval: get("allow_self_approval")
                .map(|(name, v)| match v.trim() {
                    "true" | "1" | "yes" => Ok(true),
                    "false" | "0" | "no" => Ok(false),
                    _ => Err(ConfigError(format!("{name}: `{v}` is not true or false"))),
                })
                .transpose()?,
        })
    }
}

/// The settings in a configuration file's text. A problem reads `FILE:LINE: key: what`.
pub fn parse_file(path: &Path, text: &str) -> Result<Settings, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let Some(span) = e.span() else {
            return ConfigError(format!("{}: {}", path.display(), e.message()));
        };
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_number = text[..span.start].matches('\n').count() + 1;
        let line = text[line_start..].lines().next().unwrap_or("");
        let key = line
            .split_once('=')
            .map(|(key, _)| key.trim())
            .filter(|key| !key.is_empty() && !key.starts_with('#'));
        match key {
            Some(key) => ConfigError(format!(
                "{}:{line_number}: {key}: {}",
                path.display(),
                e.message()
            )),
            None => ConfigError(format!("{}:{line_number}: {}", path.display(), e.message())),
        }
    })
}

/// Everything a command needs from the configuration.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// Where `serve` listens.
    pub addr: String,
    /// The log filter.
    pub log: String,
    /// Whether the checklist library was configured rather than defaulted (the lint
    /// checks named paths against it only then).
    pub library_named: bool,
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
}

/// Merge the layers, lowest precedence first (the file, the environment, the command
/// line): each setting comes from the last layer that has it, else its default. A secret
/// given as a file is read with `read_secret` (its content without the final newline).
pub fn resolve(
    layers: &[(Source, Settings)],
    read_secret: impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    fn last<T: Clone>(
        layers: &[(Source, Settings)],
        field: impl Fn(&Settings) -> Option<&T>,
    ) -> Option<T> {
        layers.iter().rev().find_map(|(_, s)| field(s)).cloned()
    }
    let mut database_url = None;
    for (source, settings) in layers.iter().rev() {
        database_url = match (&settings.database_url, &settings.database_url_file) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(format!(
                    "{source}: database_url and database_url_file are both set; keep one"
                )));
            }
            (Some(url), None) => Some(url.clone()),
            (None, Some(file)) => Some(
                read_secret(file)
                    .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
                    .map_err(|e| {
                        ConfigError(format!(
                            "{source}: database_url_file: cannot read {}: {e}",
                            file.display()
                        ))
                    })?,
            ),
            (None, None) => continue,
        };
        break;
    }
    let library = last(layers, |s| s.checklists.as_ref());
    let library_named = library.is_some();
    let data_dir = last(layers, |s| s.data_dir.as_ref()).unwrap_or_else(|| DEFAULT_DATA_DIR.into());
    let mut config = Config::new(
        database_url,
        data_dir,
        library.unwrap_or_else(|| DEFAULT_CHECKLISTS.into()),
    );
    if let Some(zone) = last(layers, |s| s.time_zone.as_ref()) {
        config.time_zone = zone;
    }
    let defaults = ShiftWindow::default();
    config.shift_window = ShiftWindow {
        days_back: last(layers, |s| s.shift_days_back.as_ref()).unwrap_or(defaults.days_back),
        days_ahead: last(layers, |s| s.shift_days_ahead.as_ref()).unwrap_or(defaults.days_ahead),
    };
    config.trusted_proxy_header =
        last(layers, |s| s.trusted_proxy_header.as_ref()).filter(|h| !h.trim().is_empty());
    config.allow_self_approval = last(layers, |s| s.allow_self_approval.as_ref()).unwrap_or(false);
    Ok(Loaded {
        config,
        addr: last(layers, |s| s.addr.as_ref()).unwrap_or_else(|| DEFAULT_ADDR.into()),
        log: last(layers, |s| s.log.as_ref()).unwrap_or_else(|| DEFAULT_LOG.into()),
        library_named,
        file: layers.iter().find_map(|(source, _)| match source {
            Source::File(path) => Some(path.clone()),
            _ => None,
        }),
    })
}

/// Read the configuration: the file named by `--config` (`config_flag`) or
/// `DECORUM_CONFIG` (which must exist), else /etc/decorum/decorum.toml if it exists;
/// then the environment; then the command line's `flags`.
pub fn load(config_flag: Option<&Path>, flags: Settings) -> Result<Loaded, ConfigError> {
    let named = config_flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("DECORUM_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let mut layers = Vec::new();
    let file = match named {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map(|text| (path.clone(), text))
                .map_err(|e| {
                    ConfigError(format!(
                        "cannot read the configuration file {}: {e}",
                        path.display()
                    ))
                })?,
        ),
        None => match std::fs::read_to_string(DEFAULT_CONFIG_FILE) {
            Ok(text) => Some((PathBuf::from(DEFAULT_CONFIG_FILE), text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError(format!(
                    "cannot read the configuration file {DEFAULT_CONFIG_FILE}: {e}"
                )));
            }
        },
    };
    if let Some((path, text)) = file {
        layers.push((Source::File(path.clone()), parse_file(&path, &text)?));
    }
    layers.push((
        Source::Environment,
        Settings::from_environment(|name| std::env::var(name).ok())?,
    ));
    layers.push((Source::CommandLine, flags));
    resolve(&layers, |path| std::fs::read_to_string(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The commented example the package installs as /etc/decorum/decorum.toml.
    const EXAMPLE: &str = include_str!("../packaging/decorum.toml");

    fn no_secrets(path: &Path) -> std::io::Result<String> {
        panic!("no secret file expected, asked for {}", path.display())
    }

    fn file(text: &str) -> Result<Settings, ConfigError> {
        parse_file(Path::new("decorum.toml"), text)
    }

    fn env(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::from_environment(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The example with every commented-out setting switched on.
    fn example_uncommented() -> String {
        EXAMPLE
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(key, _)| {
                        key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_file_documents_every_setting_and_each_parses() {
        let every = file(&example_uncommented()).expect("the example's settings parse");
        // Naming every field (no `..`): a new setting does not compile here until it is
        // added to this list, and the assertion fails until the example documents it.
        let Settings {
            database_url,
            database_url_file,
            data_dir,
            checklists,
            time_zone,
            shift_days_back,
            shift_days_ahead,
            addr,
            trusted_proxy_header,
            log,
            allow_self_approval,
        } = every;
        let present = [
            ("database_url", database_url.is_some()),
            ("database_url_file", database_url_file.is_some()),
            ("data_dir", data_dir.is_some()),
            ("checklists", checklists.is_some()),
            ("time_zone", time_zone.is_some()),
            ("shift_days_back", shift_days_back.is_some()),
            ("shift_days_ahead", shift_days_ahead.is_some()),
            ("addr", addr.is_some()),
            ("trusted_proxy_header", trusted_proxy_header.is_some()),
            ("log", log.is_some()),
            ("allow_self_approval", allow_self_approval.is_some()),
        ];
        for (key, is_there) in present {
            assert!(is_there, "packaging/decorum.toml does not document `{key}`");
            let (_, variable) = ENVIRONMENT.iter().find(|(k, _)| *k == key).unwrap();
            assert!(
                EXAMPLE.contains(&format!("Environment: {variable}.")),
                "packaging/decorum.toml does not name {variable}"
            );
        }
        assert_eq!(ENVIRONMENT.len(), present.len());
    }

    #[test]
    fn the_example_file_as_shipped_points_at_the_packaged_paths_and_keeps_the_defaults() {
        let shipped = file(EXAMPLE).unwrap();
        assert_eq!(
            shipped,
            Settings {
                data_dir: Some("/var/lib/decorum".into()),
                checklists: Some("/usr/share/decorum/checklists".into()),
                ..Settings::default()
            }
        );
        // The commented values are the defaults, so uncommenting one changes nothing.
        let every = file(&example_uncommented()).unwrap();
        let defaults = resolve(&[], no_secrets).unwrap();
        assert_eq!(every.addr.as_deref(), Some(DEFAULT_ADDR));
        assert_eq!(every.log.as_deref(), Some(DEFAULT_LOG));
        assert_eq!(every.time_zone, Some(DEFAULT_TIME_ZONE));
        assert_eq!(every.allow_self_approval, Some(false));
        assert_eq!(
            every.shift_days_back,
            Some(defaults.config.shift_window.days_back)
        );
        assert_eq!(
            every.shift_days_ahead,
            Some(defaults.config.shift_window.days_ahead)
        );
        let packaged = resolve(
            &[(Source::File("decorum.toml".into()), shipped)],
            no_secrets,
        )
        .unwrap();
        assert_eq!(
            packaged.config.database_url,
            "sqlite:///var/lib/decorum/decorum.db?mode=rwc"
        );
    }

    #[test]
    fn the_readme_table_lists_every_key_and_variable() {
        let readme = include_str!("../README.md");
        for (key, variable) in ENVIRONMENT {
            assert!(
                readme.contains(&format!("| `{key}` |")),
                "README's table lacks `{key}`"
            );
            assert!(
                readme.contains(&format!("`{variable}`")),
                "README lacks {variable}"
            );
        }
    }

    #[test]
    fn without_any_source_the_defaults_hold() {
        let loaded = resolve(&[], no_secrets).unwrap();
        assert_eq!(
            loaded.config.database_url,
            "sqlite://data/decorum.db?mode=rwc"
        );
        assert_eq!(loaded.config.checklists_dir, Path::new("checklists"));
        assert!(!loaded.library_named);
        assert_eq!(loaded.addr, DEFAULT_ADDR);
        assert_eq!(loaded.log, DEFAULT_LOG);
        assert_eq!(loaded.config.time_zone, DEFAULT_TIME_ZONE);
        assert_eq!(loaded.config.shift_window, ShiftWindow::default());
        assert_eq!(loaded.config.trusted_proxy_header, None);
        assert_eq!(loaded.file, None);
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let err = file("data_dir = \"/srv\"\n\ndatabase_ulr = \"x\"\n").unwrap_err();
        assert!(
            err.0
                .starts_with("decorum.toml:3: database_ulr: unknown field `database_ulr`"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_value_names_its_key_and_line() {
        let err = file("shift_days_back = \"sixty\"").unwrap_err();
        assert!(
            err.0.starts_with("decorum.toml:1: shift_days_back: "),
            "{err}"
        );
        let err = file("# zone\ntime_zone = \"Mars/Olympus\"").unwrap_err();
        assert!(
            err.0.starts_with("decorum.toml:2: time_zone: ")
                && err.0.contains("`Mars/Olympus` is not an IANA time zone"),
            "{err}"
        );
        let err = env(&[("DECORUM_SHIFT_DAYS_AHEAD", "soon")]).unwrap_err();
        assert_eq!(
            err.0,
            "DECORUM_SHIFT_DAYS_AHEAD: `soon` is not a number of days"
        );
        let err = env(&[("DECORUM_TIME_ZONE", "Mars/Olympus")]).unwrap_err();
        assert!(
            err.0.starts_with("DECORUM_TIME_ZONE: `Mars/Olympus`"),
            "{err}"
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        assert_eq!(
            env(&[("DATABASE_URL", ""), ("DECORUM_DATA_DIR", " ")]).unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn a_secret_comes_from_its_file_without_the_final_newline() {
        let from_file = Settings {
            database_url_file: Some("/run/secret".into()),
            ..Settings::default()
        };
        let loaded = resolve(&[(Source::Environment, from_file.clone())], |path| {
            assert_eq!(path, Path::new("/run/secret"));
            Ok("postgres://app:pw@db/decorum\n".into())
        })
        .unwrap();
        assert_eq!(loaded.config.database_url, "postgres://app:pw@db/decorum");

        // A higher layer's plain URL beats a lower layer's file, unread.
        let flag = Settings {
            database_url: Some("postgres://flag@db/decorum".into()),
            ..Settings::default()
        };
        let loaded = resolve(
            &[
                (Source::Environment, from_file.clone()),
                (Source::CommandLine, flag),
            ],
            no_secrets,
        )
        .unwrap();
        assert_eq!(loaded.config.database_url, "postgres://flag@db/decorum");

        let missing = resolve(&[(Source::Environment, from_file.clone())], |_| {
            Err(std::io::ErrorKind::NotFound.into())
        })
        .unwrap_err();
        assert!(
            missing
                .0
                .starts_with("the environment: database_url_file: cannot read /run/secret"),
            "{missing}"
        );

        let both = Settings {
            database_url: Some("sqlite://x".into()),
            ..from_file
        };
        let err = resolve(&[(Source::File("/etc/d.toml".into()), both)], no_secrets).unwrap_err();
        assert_eq!(
            err.0,
            "/etc/d.toml: database_url and database_url_file are both set; keep one"
        );
    }

    /// One layer's data directory, shift days back and port, each maybe unset.
    type Choice = (Option<u8>, Option<u32>, Option<u8>);

    fn layer(data_dir: Option<u8>, days_back: Option<u32>, addr: Option<u8>) -> Settings {
        Settings {
            data_dir: data_dir.map(|n| format!("/dir{n}").into()),
            shift_days_back: days_back,
            addr: addr.map(|n| format!("127.0.0.1:{}", 9000 + u32::from(n))),
            ..Settings::default()
        }
    }

    proptest! {
        /// Flag > environment > file > default, setting by setting.
        #[test]
        fn the_highest_source_that_sets_a_setting_wins(
            values in proptest::collection::vec(
                (proptest::option::of(0u8..3), proptest::option::of(0u32..400), proptest::option::of(0u8..3)),
                3,
            ),
        ) {
            let sources = [Source::File("f.toml".into()), Source::Environment, Source::CommandLine];
            let layers: Vec<(Source, Settings)> = sources
                .into_iter()
                .zip(&values)
                .map(|(source, (dir, days, addr))| (source, layer(*dir, *days, *addr)))
                .collect();
            let loaded = resolve(&layers, no_secrets).unwrap();
            let highest = |pick: &dyn Fn(&Choice) -> bool| {
                values.iter().rposition(pick)
            };
            let expected_dir = highest(&|v| v.0.is_some())
                .map_or_else(|| PathBuf::from("data"), |i| format!("/dir{}", values[i].0.unwrap()).into());
            prop_assert_eq!(&loaded.config.data_dir, &expected_dir);
            let expected_days = highest(&|v| v.1.is_some()).map_or(60, |i| values[i].1.unwrap());
            prop_assert_eq!(loaded.config.shift_window.days_back, expected_days);
            let expected_addr = highest(&|v| v.2.is_some()).map_or_else(
                || DEFAULT_ADDR.to_string(),
                |i| format!("127.0.0.1:{}", 9000 + u32::from(values[i].2.unwrap())),
            );
            prop_assert_eq!(loaded.addr, expected_addr);
            prop_assert_eq!(loaded.file, Some(PathBuf::from("f.toml")));
        }
    }
}
