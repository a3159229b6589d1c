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

use crate::domain::access::{PasswordSignIn, Role};
use crate::domain::clock::{DEFAULT_TIME_ZONE, SiteClock, Tz, zone_or};

use crate::domain::form::ShiftWindow;
use crate::store::files::{Bucket, DEFAULT_REGION, Storage};

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (the default, under the data directory) or `postgres://…`.
    pub database_url: String,
    /// Photos and the default SQLite file live here.
    pub data_dir: PathBuf,
    /// The bucket photos and signatures go to instead of `data_dir` (see [`Config::storage`]).
    pub s3: Option<Bucket>,
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
    /// Where mail goes; `None`: no mail is sent (it waits in the outbox).
    pub mail: Option<MailConfig>,
    /// Whether webhooks may reach loopback, private and link-local addresses.
    pub webhooks_allow_private: bool,
    /// How often the outbox worker looks for due deliveries (mails that arrive within
    /// one tick for one person go out as one digest).
    pub outbox_tick: Duration,
    /// The wait after a first failed delivery; it doubles with each failure.
    pub outbox_retry_base: Duration,
    /// How long a webhook receiver may take to answer before the try counts as failed.
    pub webhook_timeout: Duration,
    /// How long a worker owns the deliveries it claimed: longer than any one try takes.
    /// A worker that dies leaves its rows to others after this.
    pub outbox_lease: Duration,
    /// Single sign-on with the company's OpenID provider, when configured.
    pub oidc: Option<OidcConfig>,
    /// Who may still sign in with a password.
    pub password_sign_in: PasswordSignIn,
    /// Whether the author of a checklist or module change may approve it themselves (a
    /// one-person quality team); by default another quality or admin user must.
    pub allow_self_approval: bool,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine or network only).
    None,
    /// Plain, then upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
}

impl SmtpTls {
    pub fn parse(s: &str) -> Option<SmtpTls> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::Starttls),
            "tls" => Some(SmtpTls::Tls),
            _ => None,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

/// The SMTP server mail is sent through.
#[derive(Clone, PartialEq)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The From address, e.g. `Decorum <decorum@example.com>`.
    pub from: String,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .finish()
    }
}

/// The company's OpenID Connect provider and this app's registration with it.
#[derive(Debug, Clone, PartialEq)]
pub struct OidcConfig {
    /// The issuer URL; its `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    pub client_id: String,
    /// `None` for a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// The company's name on the button ("Sign in with <name>"); `None`: a generic label.
    pub name: Option<String>,
    /// This app's callback as registered at the provider:
    /// `https://HOST/signin/oidc/callback`.
    pub redirect_url: String,
    /// Just-in-time creation: the role of someone unknown who signs in for the first
    /// time (with no sites); `None` refuses them.
    pub jit_role: Option<Role>,
}

impl Config {
    pub fn new(database_url: Option<String>, data_dir: PathBuf, checklists_dir: PathBuf) -> Self {
        let database_url = database_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| default_sqlite_url(&data_dir));
        Config {
            database_url,
            data_dir,
            s3: None,
            checklists_dir,
            trusted_proxy_header: None,
            header_read_timeout: HEADER_READ_TIMEOUT,
            time_zone: DEFAULT_TIME_ZONE,
            fixed_now: None,
            shift_window: ShiftWindow::default(),
            mail: None,
            webhooks_allow_private: false,
            outbox_tick: Duration::from_secs(10),
            outbox_retry_base: Duration::from_secs(30),
            webhook_timeout: Duration::from_secs(10),
            outbox_lease: Duration::from_secs(120),
            oidc: None,
            password_sign_in: PasswordSignIn::default(),
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

    /// Where files (photos, signatures) are kept: the configured bucket, else the data
    /// directory.
    pub fn storage(&self) -> Storage {
        match &self.s3 {
            Some(bucket) => Storage::S3(bucket.clone()),
            None => Storage::Local(self.data_dir.clone()),
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
    /// Files in an S3-compatible bucket, when the bucket is named (see [`Bucket`]).
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// A file holding the secret access key.
    pub s3_secret_access_key_file: Option<PathBuf>,
    pub s3_path_style: Option<bool>,
    pub s3_allow_http: Option<bool>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    #[serde(default, deserialize_with = "smtp_tls_key")]
    pub smtp_tls: Option<SmtpTls>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// A file holding the SMTP password (a secret, like `database_url_file`).
    pub smtp_password_file: Option<PathBuf>,
    pub mail_from: Option<String>,
    pub webhooks_allow_private: Option<bool>,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    /// A file holding the client secret (kept out of the environment and of this file).
    pub oidc_client_secret_file: Option<PathBuf>,
    pub oidc_name: Option<String>,
    pub oidc_redirect_url: Option<String>,
    pub oidc_jit_role: Option<String>,
    /// `everyone` or `admins_only`.
    pub password_sign_in: Option<String>,
    pub allow_self_approval: Option<bool>,
}

fn smtp_tls_key<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SmtpTls>, D::Error> {
    let name = <String as serde::Deserialize>::deserialize(d)?;
    SmtpTls::parse(&name)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("use none, starttls or tls"))
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
pub const ENVIRONMENT: [(&str, &str); 35] = [
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
    ("s3_bucket", "DECORUM_S3_BUCKET"),
    ("s3_endpoint", "DECORUM_S3_ENDPOINT"),
    ("s3_region", "DECORUM_S3_REGION"),
    ("s3_access_key_id", "DECORUM_S3_ACCESS_KEY_ID"),
    ("s3_secret_access_key", "DECORUM_S3_SECRET_ACCESS_KEY"),
    (
        "s3_secret_access_key_file",
        "DECORUM_S3_SECRET_ACCESS_KEY_FILE",
    ),
    ("s3_path_style", "DECORUM_S3_PATH_STYLE"),
    ("s3_allow_http", "DECORUM_S3_ALLOW_HTTP"),
    ("smtp_host", "DECORUM_SMTP_HOST"),
    ("smtp_port", "DECORUM_SMTP_PORT"),
    ("smtp_tls", "DECORUM_SMTP_TLS"),
    ("smtp_username", "DECORUM_SMTP_USERNAME"),
    ("smtp_password", "DECORUM_SMTP_PASSWORD"),
    ("smtp_password_file", "DECORUM_SMTP_PASSWORD_FILE"),
    ("mail_from", "DECORUM_MAIL_FROM"),
    ("webhooks_allow_private", "DECORUM_WEBHOOKS_ALLOW_PRIVATE"),
    ("oidc_issuer", "DECORUM_OIDC_ISSUER"),
    ("oidc_client_id", "DECORUM_OIDC_CLIENT_ID"),
    ("oidc_client_secret", "DECORUM_OIDC_CLIENT_SECRET"),
    ("oidc_client_secret_file", "DECORUM_OIDC_CLIENT_SECRET_FILE"),
    ("oidc_name", "DECORUM_OIDC_NAME"),
    ("oidc_redirect_url", "DECORUM_OIDC_REDIRECT_URL"),
    ("oidc_jit_role", "DECORUM_OIDC_JIT_ROLE"),
    ("password_sign_in", "DECORUM_PASSWORD_SIGN_IN"),
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
        let yes_no = |key: &str| {
            get(key)
                .map(|(name, v)| match v.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => Ok(true),
                    "false" | "no" | "0" => Ok(false),
                    _ => Err(ConfigError(format!("{name}: `{v}` is not true or false"))),
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
            s3_bucket: get("s3_bucket").map(|(_, v)| v),
            s3_endpoint: get("s3_endpoint").map(|(_, v)| v),
            s3_region: get("s3_region").map(|(_, v)| v),
            s3_access_key_id: get("s3_access_key_id").map(|(_, v)| v),
            s3_secret_access_key: get("s3_secret_access_key").map(|(_, v)| v),
            s3_secret_access_key_file: get("s3_secret_access_key_file").map(|(_, v)| v.into()),
            s3_path_style: yes_no("s3_path_style")?,
            s3_allow_http: yes_no("s3_allow_http")?,
            smtp_host: get("smtp_host").map(|(_, v)| v),
            smtp_port: get("smtp_port")
                .map(|(name, v)| {
                    v.trim()
                        .parse::<u16>()
                        .map_err(|_| ConfigError(format!("{name}: `{v}` is not a port number")))
                })
                .transpose()?,
            smtp_tls: get("smtp_tls")
                .map(|(name, v)| {
                    SmtpTls::parse(&v).ok_or_else(|| {
                        ConfigError(format!("{name}: `{v}` is not one of none, starttls, tls"))
                    })
                })
                .transpose()?,
            smtp_username: get("smtp_username").map(|(_, v)| v),
            smtp_password: get("smtp_password").map(|(_, v)| v),
            smtp_password_file: get("smtp_password_file").map(|(_, v)| v.into()),
            mail_from: get("mail_from").map(|(_, v)| v),
            webhooks_allow_private: yes_no("webhooks_allow_private")?,
            allow_self_approval: yes_no("allow_self_approval")?,
            oidc_issuer: get("oidc_issuer").map(|(_, v)| v),
            oidc_client_id: get("oidc_client_id").map(|(_, v)| v),
            oidc_client_secret: get("oidc_client_secret").map(|(_, v)| v),
            oidc_client_secret_file: get("oidc_client_secret_file").map(|(_, v)| v.into()),
            oidc_name: get("oidc_name").map(|(_, v)| v),
            oidc_redirect_url: get("oidc_redirect_url").map(|(_, v)| v),
            oidc_jit_role: get("oidc_jit_role").map(|(_, v)| v),
            password_sign_in: get("password_sign_in").map(|(_, v)| v),
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
    let database_url = secret(
        layers,
        "database_url",
        |s| (s.database_url.as_ref(), s.database_url_file.as_ref()),
        &read_secret,
    )?;
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
    config.s3 = bucket(layers, &read_secret)?;
    config.webhooks_allow_private =
        last(layers, |s| s.webhooks_allow_private.as_ref()).unwrap_or(false);
    config.mail = mail_config(layers, &read_secret)?;
    config.oidc = oidc(layers, &read_secret)?;
    if let Some(mode) = last(layers, |s| s.password_sign_in.as_ref()) {
        config.password_sign_in = PasswordSignIn::parse(mode.trim()).ok_or_else(|| {
            ConfigError(format!(
                "password_sign_in: `{mode}` is neither `everyone` nor `admins_only`"
            ))
        })?;
        if config.password_sign_in == PasswordSignIn::AdminsOnly && config.oidc.is_none() {
            return Err(ConfigError(
                "password_sign_in = \"admins_only\" needs single sign-on (oidc_issuer): \
                 nobody else could sign in"
                    .into(),
            ));
        }
    }
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

/// A setting from the last layer that has it.
fn last<T: Clone>(
    layers: &[(Source, Settings)],
    field: impl Fn(&Settings) -> Option<&T>,
) -> Option<T> {
    layers.iter().rev().find_map(|(_, s)| field(s)).cloned()
}

/// The secret `key` from the highest layer that sets it, given plainly or as a file
/// (`KEY_file`, whose content is read without its final newline); both in one layer
/// is an error.
fn secret(
    layers: &[(Source, Settings)],
    key: &str,
    field: impl Fn(&Settings) -> (Option<&String>, Option<&PathBuf>),
    read_secret: &impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Option<String>, ConfigError> {
    for (source, settings) in layers.iter().rev() {
        return match field(settings) {
            (Some(_), Some(_)) => Err(ConfigError(format!(
                "{source}: {key} and {key}_file are both set; keep one"
            ))),
            (Some(value), None) => Ok(Some(value.clone())),
            (None, Some(file)) => read_secret(file)
                .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_string()))
                .map_err(|e| {
                    ConfigError(format!(
                        "{source}: {key}_file: cannot read {}: {e}",
                        file.display()
                    ))
                }),
            (None, None) => continue,
        };
    }
    Ok(None)
}

/// The bucket for files, when `s3_bucket` is set; the other `s3_` settings without it,
/// an `http://` endpoint without `s3_allow_http`, or half a key pair are errors.
fn bucket(
    layers: &[(Source, Settings)],
    read_secret: &impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Option<Bucket>, ConfigError> {
    let text = |field: fn(&Settings) -> Option<&String>| {
        last(layers, field).filter(|v: &String| !v.trim().is_empty())
    };
    let secret_access_key = secret(
        layers,
        "s3_secret_access_key",
        |s| {
            (
                s.s3_secret_access_key.as_ref(),
                s.s3_secret_access_key_file.as_ref(),
            )
        },
        read_secret,
    )?;
    let endpoint = text(|s| s.s3_endpoint.as_ref());
    let region = text(|s| s.s3_region.as_ref());
    let access_key_id = text(|s| s.s3_access_key_id.as_ref());
    let path_style = last(layers, |s| s.s3_path_style.as_ref());
    let allow_http = last(layers, |s| s.s3_allow_http.as_ref());
    let Some(name) = text(|s| s.s3_bucket.as_ref()) else {
        let stray = [
            ("s3_endpoint", endpoint.is_some()),
            ("s3_region", region.is_some()),
            ("s3_access_key_id", access_key_id.is_some()),
            ("s3_secret_access_key", secret_access_key.is_some()),
            ("s3_path_style", path_style.is_some()),
            ("s3_allow_http", allow_http.is_some()),
        ];
        return match stray.iter().find(|(_, set)| *set) {
            Some((key, _)) => Err(ConfigError(format!(
                "{key} is set but s3_bucket is not: name the bucket to keep files in one, or remove {key}"
            ))),
            None => Ok(None),
        };
    };
    let allow_http = allow_http.unwrap_or(false);
    if let Some(url) = &endpoint {
        let plain = url.starts_with("http://");
        if !plain && !url.starts_with("https://") {
            return Err(ConfigError(format!(
                "s3_endpoint: `{url}` is not an http:// or https:// URL"
            )));
        }
        if plain && !allow_http {
            return Err(ConfigError(format!(
                "s3_endpoint: `{url}` is plain HTTP: set s3_allow_http = true to send files and keys unencrypted, or use https://"
            )));
        }
    }
    if access_key_id.is_some() != secret_access_key.is_some() {
        return Err(ConfigError(
            "s3_access_key_id and s3_secret_access_key go together: set both, or neither (to use the machine's AWS credentials)".into(),
        ));
    }
    Ok(Some(Bucket {
        name,
        endpoint,
        region: region.unwrap_or_else(|| DEFAULT_REGION.into()),
        access_key_id,
        secret_access_key,
        path_style: path_style.unwrap_or(true),
        allow_http,
    }))
}

/// The SMTP settings, when `smtp_host` is set (then `mail_from` must be too).
fn mail_config(
    layers: &[(Source, Settings)],
    read_secret: &impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Option<MailConfig>, ConfigError> {
    let Some(host) = last(layers, |s| s.smtp_host.as_ref()).filter(|h| !h.trim().is_empty()) else {
        return Ok(None);
    };
    let Some(from) = last(layers, |s| s.mail_from.as_ref()).filter(|f| !f.trim().is_empty()) else {
        return Err(ConfigError(
            "smtp_host is set but mail_from is not: set the address mail is sent from".into(),
        ));
    };
    let password = secret(
        layers,
        "smtp_password",
        |s| (s.smtp_password.as_ref(), s.smtp_password_file.as_ref()),
        read_secret,
    )?;
    let tls = last(layers, |s| s.smtp_tls.as_ref()).unwrap_or(SmtpTls::Starttls);
    Ok(Some(MailConfig {
        host: host.trim().to_string(),
        port: last(layers, |s| s.smtp_port.as_ref()).unwrap_or(tls.default_port()),
        tls,
        username: last(layers, |s| s.smtp_username.as_ref()).filter(|u| !u.is_empty()),
        password,
        from,
    }))
}

/// Single sign-on's settings: none without an issuer; with one, the client id and the
/// redirect URL are needed, and the URLs must be http(s).
fn oidc(
    layers: &[(Source, Settings)],
    read_secret: &impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Option<OidcConfig>, ConfigError> {
    let text = |field: fn(&Settings) -> Option<&String>| {
        layers
            .iter()
            .rev()
            .find_map(|(_, s)| field(s))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let Some(issuer) = text(|s| s.oidc_issuer.as_ref()) else {
        return Ok(None);
    };
    let url = |key: &str, value: &str| {
        if value.starts_with("https://") || value.starts_with("http://") {
            Ok(())
        } else {
            Err(ConfigError(format!(
                "{key}: `{value}` is not an http(s) URL"
            )))
        }
    };
    url("oidc_issuer", &issuer)?;
    let client_id = text(|s| s.oidc_client_id.as_ref())
        .ok_or_else(|| ConfigError("oidc_issuer is set but oidc_client_id is not".into()))?;
    let redirect_url = text(|s| s.oidc_redirect_url.as_ref()).ok_or_else(|| {
        ConfigError(
            "oidc_issuer is set but oidc_redirect_url is not \
             (https://YOUR-HOST/signin/oidc/callback)"
                .into(),
        )
    })?;
    url("oidc_redirect_url", &redirect_url)?;
    let jit_role = text(|s| s.oidc_jit_role.as_ref())
        .map(|role| {
            role.parse::<Role>()
                .map_err(|e| ConfigError(format!("oidc_jit_role: {e}")))
        })
        .transpose()?;
    Ok(Some(OidcConfig {
        issuer,
        client_id,
        client_secret: secret(
            layers,
            "oidc_client_secret",
            |s| {
                (
                    s.oidc_client_secret.as_ref(),
                    s.oidc_client_secret_file.as_ref(),
                )
            },
            read_secret,
        )?
        .filter(|s| !s.is_empty()),
        name: text(|s| s.oidc_name.as_ref()),
        redirect_url,
        jit_role,
    }))
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
                        key.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
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
            s3_bucket,
            s3_endpoint,
            s3_region,
            s3_access_key_id,
            s3_secret_access_key,
            s3_secret_access_key_file,
            s3_path_style,
            s3_allow_http,
            smtp_host,
            smtp_port,
            smtp_tls,
            smtp_username,
            smtp_password,
            smtp_password_file,
            mail_from,
            webhooks_allow_private,
            oidc_issuer,
            oidc_client_id,
            oidc_client_secret,
            oidc_client_secret_file,
            oidc_name,
            oidc_redirect_url,
            oidc_jit_role,
            password_sign_in,
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
            ("s3_bucket", s3_bucket.is_some()),
            ("s3_endpoint", s3_endpoint.is_some()),
            ("s3_region", s3_region.is_some()),
            ("s3_access_key_id", s3_access_key_id.is_some()),
            ("s3_secret_access_key", s3_secret_access_key.is_some()),
            (
                "s3_secret_access_key_file",
                s3_secret_access_key_file.is_some(),
            ),
            ("s3_path_style", s3_path_style.is_some()),
            ("s3_allow_http", s3_allow_http.is_some()),
            ("smtp_host", smtp_host.is_some()),
            ("smtp_port", smtp_port.is_some()),
            ("smtp_tls", smtp_tls.is_some()),
            ("smtp_username", smtp_username.is_some()),
            ("smtp_password", smtp_password.is_some()),
            ("smtp_password_file", smtp_password_file.is_some()),
            ("mail_from", mail_from.is_some()),
            ("webhooks_allow_private", webhooks_allow_private.is_some()),
            ("oidc_issuer", oidc_issuer.is_some()),
            ("oidc_client_id", oidc_client_id.is_some()),
            ("oidc_client_secret", oidc_client_secret.is_some()),
            ("oidc_client_secret_file", oidc_client_secret_file.is_some()),
            ("oidc_name", oidc_name.is_some()),
            ("oidc_redirect_url", oidc_redirect_url.is_some()),
            ("oidc_jit_role", oidc_jit_role.is_some()),
            ("password_sign_in", password_sign_in.is_some()),
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
    fn mail_is_off_without_a_host_and_needs_a_sender_with_one() {
        assert_eq!(resolve(&[], no_secrets).unwrap().config.mail, None);
        let host_only = file("smtp_host = \"smtp.example.com\"").unwrap();
        let err = resolve(&[(Source::File("f".into()), host_only)], no_secrets).unwrap_err();
        assert!(err.0.contains("mail_from"), "{err}");
        let full = file(
            "smtp_host = \"smtp.example.com\"\nsmtp_tls = \"tls\"\nsmtp_username = \"u\"\nsmtp_password_file = \"/run/smtp\"\nmail_from = \"D <d@example.com>\"",
        )
        .unwrap();
        let mail = resolve(&[(Source::File("f".into()), full)], |_| Ok("pw\n".into()))
            .unwrap()
            .config
            .mail
            .unwrap();
        assert_eq!((mail.port, mail.tls), (465, SmtpTls::Tls));
        assert_eq!(mail.password.as_deref(), Some("pw"));
        assert!(
            !format!("{mail:?}").contains("pw\""),
            "the password is not logged"
        );
        assert!(file("smtp_tls = \"ssl\"").is_err());
        assert!(env(&[("DECORUM_SMTP_PORT", "x")]).is_err());
        assert_eq!(
            env(&[("DECORUM_WEBHOOKS_ALLOW_PRIVATE", "true")])
                .unwrap()
                .webhooks_allow_private,
            Some(true)
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

    #[test]
    fn files_go_to_a_bucket_only_when_one_is_named() {
        let local = resolve(&[], no_secrets).unwrap();
        assert_eq!(local.config.storage(), Storage::Local("data".into()));

        let text = "s3_bucket = \"photos\"\ns3_endpoint = \"http://127.0.0.1:9000\"\n\
                    s3_allow_http = true\ns3_access_key_id = \"id\"\n\
                    s3_secret_access_key_file = \"/run/s3\"\n";
        let layers = [(Source::File("d.toml".into()), file(text).unwrap())];
        let loaded = resolve(&layers, |path| {
            assert_eq!(path, Path::new("/run/s3"));
            Ok("s3cret\n".into())
        })
        .unwrap();
        let expected = Bucket {
            name: "photos".into(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: DEFAULT_REGION.into(),
            access_key_id: Some("id".into()),
            secret_access_key: Some("s3cret".into()),
            path_style: true,
            allow_http: true,
        };
        assert_eq!(loaded.config.storage(), Storage::S3(expected));
        assert!(
            !format!("{:?}", loaded.config).contains("s3cret"),
            "the secret never shows"
        );

        // The environment reads yes/no words, and names a bad one.
        let from_env = env(&[("DECORUM_S3_BUCKET", "b"), ("DECORUM_S3_PATH_STYLE", "no")]).unwrap();
        let loaded = resolve(&[(Source::Environment, from_env)], no_secrets).unwrap();
        assert!(
            matches!(loaded.config.storage(), Storage::S3(b) if !b.path_style && !b.allow_http)
        );
        let err = env(&[("DECORUM_S3_ALLOW_HTTP", "perhaps")]).unwrap_err();
        assert_eq!(
            err.0,
            "DECORUM_S3_ALLOW_HTTP: `perhaps` is not true or false"
        );
    }

    #[test]
    fn a_bucket_setting_that_cannot_work_is_named() {
        let refused = |text: &str| {
            resolve(
                &[(Source::File("d.toml".into()), file(text).unwrap())],
                no_secrets,
            )
            .unwrap_err()
            .0
        };
        assert!(
            refused("s3_endpoint = \"https://s3.example\"")
                .starts_with("s3_endpoint is set but s3_bucket is not"),
        );
        assert!(
            refused("s3_bucket = \"b\"\ns3_endpoint = \"http://10.0.0.5:9000\"")
                .contains("set s3_allow_http = true"),
        );
        assert!(
            refused("s3_bucket = \"b\"\ns3_endpoint = \"minio:9000\"")
                .contains("is not an http:// or https:// URL"),
        );
        assert!(
            refused("s3_bucket = \"b\"\ns3_access_key_id = \"id\"")
                .starts_with("s3_access_key_id and s3_secret_access_key go together"),
        );
        assert_eq!(
            refused(
                "s3_bucket = \"b\"\ns3_secret_access_key = \"x\"\ns3_secret_access_key_file = \"/f\""
            ),
            "d.toml: s3_secret_access_key and s3_secret_access_key_file are both set; keep one"
        );
    }

    #[test]
    fn single_sign_on_needs_its_client_and_redirect_and_reads_its_secret_file() {
        let text = "oidc_issuer = \"https://login.example.com/realms/staff\"\n\
                    oidc_client_id = \"decorum\"\n\
                    oidc_client_secret_file = \"/etc/decorum/oidc\"\n\
                    oidc_redirect_url = \"https://decorum.example.com/signin/oidc/callback\"\n\
                    oidc_jit_role = \"supervisor\"\n\
                    password_sign_in = \"admins_only\"\n";
        let settings = file(text).unwrap();
        let layers = [(Source::File("/etc/d.toml".into()), settings.clone())];
        let loaded = resolve(&layers, |path| {
            assert_eq!(path, Path::new("/etc/decorum/oidc"));
            Ok("s3cret\n".into())
        })
        .unwrap();
        let oidc = loaded.config.oidc.expect("single sign-on configured");
        assert_eq!(oidc.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(oidc.jit_role, Some(Role::Supervisor));
        assert_eq!(oidc.name, None);
        assert_eq!(loaded.config.password_sign_in, PasswordSignIn::AdminsOnly);

        let problem = |settings: Settings| {
            resolve(&[(Source::Environment, settings)], |_| Ok("x".into()))
                .unwrap_err()
                .0
        };
        assert!(
            problem(Settings {
                oidc_client_id: None,
                ..settings.clone()
            })
            .contains("oidc_client_id")
        );
        assert!(
            problem(Settings {
                oidc_redirect_url: None,
                ..settings.clone()
            })
            .contains("oidc_redirect_url")
        );
        assert!(
            problem(Settings {
                oidc_issuer: Some("login.example.com".into()),
                ..settings.clone()
            })
            .contains("not an http(s) URL")
        );
        assert!(
            problem(Settings {
                oidc_jit_role: Some("boss".into()),
                ..settings.clone()
            })
            .contains("oidc_jit_role: unknown role")
        );
        assert!(
            problem(Settings {
                oidc_client_secret: Some("x".into()),
                ..settings.clone()
            })
            .contains("both set")
        );
        assert!(
            problem(Settings {
                password_sign_in: Some("nobody".into()),
                ..settings.clone()
            })
            .contains("password_sign_in")
        );
        // Admins only with no provider would lock everyone else out.
        assert!(
            problem(Settings {
                oidc_issuer: None,
                ..settings.clone()
            })
            .contains("needs single sign-on")
        );
        let defaults = resolve(&[], no_secrets).unwrap();
        assert_eq!(defaults.config.oidc, None);
        assert_eq!(defaults.config.password_sign_in, PasswordSignIn::Everyone);
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
