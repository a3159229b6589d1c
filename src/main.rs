//! The `decorum` command: serve the web app, run migrations, lint and import the
//! checklist library, add users, load demo data, write PDF reports.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use decorum::app::{self, AppState};
use decorum::auth::Role;
use decorum::config::{self, Config, Settings};
use decorum::domain::Lang;
use decorum::domain::clock::Tz;
use decorum::domain::scoring::Gender;
use decorum::store::users::NewUser;
use decorum::{db, demo, library_files, store};
use sea_orm::DatabaseConnection;

#[derive(Parser)]
#[command(
    name = "decorum",
    version,
    about = "Staff training and compliance audits for front-of-house service teams"
)]
struct Cli {
    /// The configuration file (TOML; default: /etc/decorum/decorum.toml when it exists).
    /// Environment variables and flags override its settings.
    #[arg(long, env = "DECORUM_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://… (default: DATA_DIR/decorum.db) or postgres://…
    /// [env: DATABASE_URL; file: database_url]
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// A file holding the database URL, to keep its password out of the environment
    /// [env: DATABASE_URL_FILE; file: database_url_file]
    #[arg(long, global = true, value_name = "FILE")]
    database_url_file: Option<PathBuf>,
    /// Where photos and the default SQLite database are kept (photos in a bucket when
    /// s3_bucket is set) [default: data]
    /// [env: DECORUM_DATA_DIR; file: data_dir]
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// The checklist library directory [default: checklists]
    /// [env: DECORUM_CHECKLISTS; file: checklists]
    #[arg(long, global = true)]
    checklists: Option<PathBuf>,
    /// IANA time zone of new sites and of sites with none recorded [default: Asia/Shanghai]
    /// [env: DECORUM_TIME_ZONE; file: time_zone]
    #[arg(long, global = true, value_parser = config::parse_time_zone)]
    time_zone: Option<Tz>,
    /// How many days before today a spot-check's shift date may be [default: 60]
    /// [env: DECORUM_SHIFT_DAYS_BACK; file: shift_days_back]
    #[arg(long, global = true)]
    shift_days_back: Option<u32>,
    /// How many days after today a spot-check's shift date may be [default: 1]
    /// [env: DECORUM_SHIFT_DAYS_AHEAD; file: shift_days_ahead]
    #[arg(long, global = true)]
    shift_days_ahead: Option<u32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (runs migrations and imports the checklist library first).
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080] [env: DECORUM_ADDR; file: addr]
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo data into an empty database and print the demo accounts.
        #[arg(long)]
        demo: bool,
        /// The header your reverse proxy puts the client's address in (e.g.
        /// X-Forwarded-For; the last address in it is used). Only set this behind a
        /// proxy that writes it: without it, the header is ignored.
        /// [env: DECORUM_TRUSTED_PROXY_HEADER; file: trusted_proxy_header]
        #[arg(long)]
        trusted_proxy_header: Option<String>,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Work with the checklist library.
    Checklists {
        #[command(subcommand)]
        command: ChecklistsCommand,
    },
    /// Manage people and accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load the demo data (sites, people, six months of spot-checks) into an empty database.
    Demo,
    /// Copy the live SQLite database to FILE, consistently, while it serves, and say how
    /// the files (photos, signatures) are backed up.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Tokens for the read-only JSON API (/api/v1).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a PDF report: a spot-check, a person's record, or a site's period.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// One spot-check: score, sections, failed items with clause, note and photo, and
    /// the training it assigned.
    Inspection {
        /// The spot-check's id (a UUID).
        id: uuid::Uuid,
        #[command(flatten)]
        out: ReportOutput,
    },
    /// A person's spot-checks in a period and their training history.
    Staff {
        /// The person's email or numeric id.
        person: String,
        #[command(flatten)]
        period: ReportPeriod,
        #[command(flatten)]
        out: ReportOutput,
    },
    /// A site's period: figures, weekly trend, most failed items, sections, staff,
    /// training, coverage and what to work on next.
    Site {
        /// Site code (default: all sites together).
        #[arg(long)]
        site: Option<String>,
        #[command(flatten)]
        period: ReportPeriod,
        #[command(flatten)]
        out: ReportOutput,
    },
}

#[derive(clap::Args)]
struct ReportPeriod {
    /// First day, YYYY-MM-DD (default: the last full calendar month; with only --to,
    /// the first of that month).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD (default: the last full calendar month; with only --from,
    /// today).
    #[arg(long)]
    to: Option<NaiveDate>,
}

#[derive(clap::Args)]
struct ReportOutput {
    /// Where to write the PDF.
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    output: PathBuf,
    /// Language of the report: zh (繁體中文) or en.
    #[arg(long, default_value = "zh")]
    lang: Lang,
}

#[derive(Subcommand)]
enum ChecklistsCommand {
    /// Check library files and their cross-references; problems print as file:line:column.
    Lint {
        /// Files or directories (default: the library directory).
        paths: Vec<PathBuf>,
    },
    /// Import the library: every changed checklist or module becomes a new version.
    Import,
    /// Write the newest published version of every checklist and module back as TOML
    /// files in DIR (the library's file names; the library's other files copied beside
    /// them), so the library in git and the database agree.
    Export {
        /// The directory to write (created if missing).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token that acts with this person's role and sites; it is printed once.
    Create {
        #[arg(long)]
        email: String,
        /// What will use it, e.g. "Power BI".
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person. Without --password, a password is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin | quality | manager | supervisor | staff
        #[arg(long)]
        role: Role,
        /// Site code (repeat for several sites).
        #[arg(long = "site")]
        sites: Vec<String>,
        /// Position key from positions.toml (for staff).
        #[arg(long)]
        position: Option<String>,
        /// female | male (used by conditional checklist items).
        #[arg(long, value_parser = parse_gender)]
        gender: Option<Gender>,
        /// Hire date, YYYY-MM-DD.
        #[arg(long)]
        hire_date: Option<NaiveDate>,
        /// Set this password (at least 8 characters).
        #[arg(long, env = "DECORUM_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Create the person without a sign-in (staff who only get inspected).
        #[arg(long, conflicts_with = "password")]
        no_login: bool,
    },
}

impl Cli {
    /// The settings given as flags: the top layer of the configuration.
    fn settings(&self) -> Settings {
        let (addr, trusted_proxy_header) = match &self.command {
            Command::Serve {
                addr,
                trusted_proxy_header,
                ..
            } => (addr.clone(), trusted_proxy_header.clone()),
            _ => (None, None),
        };
        Settings {
            database_url: self.database_url.clone(),
            database_url_file: self.database_url_file.clone(),
            data_dir: self.data_dir.clone(),
            checklists: self.checklists.clone(),
            time_zone: self.time_zone,
            shift_days_back: self.shift_days_back,
            shift_days_ahead: self.shift_days_ahead,
            addr,
            trusted_proxy_header,
            log: None,
            allow_self_approval: None,
            // Files' bucket: the configuration file or the environment only.
            ..Settings::default()
        }
    }
}

fn parse_gender(s: &str) -> Result<Gender, String> {
    Gender::parse(s).ok_or_else(|| format!("`{s}` is not female or male"))
}

/// Return large blocks to the system when they are freed. Each password check takes a
/// 19 MiB argon2 block; glibc otherwise raises its mmap threshold after the first one is
/// freed and keeps the next ones in per-thread arenas, which held the server at ~180 MB
/// after a burst of sign-ins instead of ~60 MB (docs/performance.md).
fn release_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    release_large_blocks();
    let cli = Cli::parse();
    let loaded = match config::load(cli.config.as_deref(), cli.settings()) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Checklists {
        command: ChecklistsCommand::Lint { paths },
    } = cli.command
    {
        return lint(&loaded.config, paths, loaded.library_named);
    }
    let log_filter = match tracing_subscriber::EnvFilter::try_new(&loaded.log) {
        Ok(filter) => filter,
        Err(e) => {
            eprintln!(
                "error: log (DECORUM_LOG): `{}` is not a log filter: {e}",
                loaded.log
            );
            return ExitCode::FAILURE;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(log_filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(file) = &loaded.file {
        tracing::info!("configuration read from {}", file.display());
    }
    match runtime.block_on(run(loaded, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Lint exactly the paths given (the library when none are), against the library only
/// when it was named or the paths are part of it (see `library_files::lint_reference`).
fn lint(config: &Config, paths: Vec<PathBuf>, named_library: bool) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![config.checklists_dir.clone()]
    } else {
        paths
    };
    let reference = library_files::lint_reference(&paths, &config.checklists_dir, named_library);
    let problems = library_files::lint(&paths, reference);
    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        eprintln!("checklists: no problems found");
        ExitCode::SUCCESS
    } else {
        eprintln!("checklists: {} problem(s)", problems.len());
        ExitCode::FAILURE
    }
}

async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(config).await.with_context(|| {
        format!(
            "cannot open the database ({})",
            redact(&config.database_url)
        )
    })?;
    db::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    let zoned = store::org::record_default_time_zone(&db, config.time_zone).await?;
    if zoned > 0 {
        tracing::info!(
            sites = zoned,
            zone = config.time_zone.name(),
            "sites without a time zone get the default"
        );
    }
    Ok(db)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{user}:***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}

async fn import(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    let library = match library_files::load(&config.checklists_dir) {
        Ok(library) => library,
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!(
                "the checklist library in {} has {} problem(s); fix them (see `decorum checklists lint`)",
                config.checklists_dir.display(),
                problems.len()
            );
        }
    };
    let report = store::library::import(db, &library).await?;
    tracing::info!("checklist library imported: {report}");
    Ok(())
}

async fn run(loaded: config::Loaded, command: Command) -> anyhow::Result<()> {
    let config = loaded.config;
    match command {
        Command::Checklists {
            command: ChecklistsCommand::Lint { .. },
        } => unreachable!("lint runs without a database"),
        Command::Migrate => {
            open(&config).await?;
            println!("database is up to date");
        }
        Command::Checklists {
            command: ChecklistsCommand::Import,
        } => {
            let db = open(&config).await?;
            import(&config, &db).await?;
        }
        Command::Checklists {
            command: ChecklistsCommand::Export { dir },
        } => {
            let db = open(&config).await?;
            let checklists: Vec<_> = store::library::current_checklists(&db)
                .await?
                .into_iter()
                .map(|stored| stored.checklist)
                .collect();
            let modules = store::library::current_modules(&db).await?;
            let written =
                library_files::export(&dir, &config.checklists_dir, &checklists, &modules)?;
            for line in &written.lines {
                println!("{line}");
            }
            println!("{}", written.summary(&dir));
        }
        Command::Demo => {
            let db = open(&config).await?;
            import(&config, &db).await?;
            load_demo(&config, &db).await?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    sites,
                    position,
                    gender,
                    hire_date,
                    password,
                    no_login,
                },
        } => {
            let db = open(&config).await?;
            import(&config, &db).await?;
            let generated =
                (!no_login && password.is_none()).then(decorum::domain::org::generate_password);
            let password = password.or_else(|| generated.clone());
            let user = store::users::add_atomic(
                &db,
                NewUser {
                    email,
                    name,
                    role,
                    password,
                    position,
                    gender,
                    hire_date,
                    sites,
                },
                None,
            )
            .await?;
            println!("added {} <{}> as {}", user.name, user.email, user.role);
            if let Some(p) = generated {
                println!("password (shown once): {p}");
            }
        }
        // The address and proxy header were merged into `loaded` (see `Cli::settings`).
        Command::Serve { demo, .. } => serve(config, loaded.addr, demo).await?,
        Command::Backup { file } => {
            let db = open(&config).await?;
            let files = store::files::Files::open(&config.storage())?;
            // Whatever the database, the files are not in its copy: say how to keep them.
            match db::backup(&db, &config, &file).await {
                Ok(bytes) => {
                    println!("backed up to {} ({} KB)", file.display(), bytes / 1024);
                    println!("{}", files.backup_note());
                }
                Err(e) => {
                    eprintln!("{}", files.backup_note());
                    return Err(e.into());
                }
            }
        }
        Command::Token {
            command: TokenCommand::Create { email, name },
        } => {
            let db = open(&config).await?;
            let token = store::tokens::create(&db, &email, &name).await?;
            println!("API token for {email} (shown once): {token}");
        }
        Command::Report { command } => {
            let db = open(&config).await?;
            report(&config, &db, command).await?;
        }
    }
    Ok(())
}

/// Gather a report's data, build the PDF off the async workers, and write it.
async fn report(
    config: &Config,
    db: &DatabaseConnection,
    command: ReportCommand,
) -> anyhow::Result<()> {
    use decorum::domain::access::Scope;
    use decorum::reports::{self, data};
    use decorum::store::{library, reports as reads};

    // The command line has no site of its own: the configured zone's today.
    let today = config.default_clock().today();
    let period = |p: &ReportPeriod| data::period(p.from, p.to, today).map_err(anyhow::Error::msg);
    // The web layer's readers of actions and signatures take the app's state.
    let state = || decorum::app::AppState::new(db.clone(), config.clone());
    let (what, out, build): (String, ReportOutput, Box<dyn FnOnce() -> Vec<u8> + Send>) =
        match command {
            ReportCommand::Inspection { id, out } => {
                let lang = out.lang;
                let row = reads::inspection_row(db, id).await?;
                let version = library::checklist_version(db, row.checklist_version_id).await?;
                let record = reads::report_view(db, row, version).await?;
                let files = store::files::Files::open(&config.storage())?;
                let photos = files.photos_of(&record).await;
                let report = data::inspection(&record, &photos, lang, config.time_zone);
                // Its actions and signatures, as the PDF from the result page has them.
                let clock = config.clock_for(&record.site_time_zone);
                let follow_up = decorum::web::actions::report_follow_up(&state()?, lang, id, |t| {
                    clock.format(t)
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                (
                    format!("spot-check {id}"),
                    out,
                    Box::new(move || reports::inspection::render_with(&report, &follow_up, lang)),
                )
            }
            ReportCommand::Staff {
                person,
                period: p,
                out,
            } => {
                let (from, to) = period(&p)?;
                let lang = out.lang;
                let who = reads::find_person(db, &person).await?;
                // The command line sees every site.
                let record = reads::person_record(db, who.id, None, from, to).await?;
                let report = data::staff(&record, from, to, today, lang);
                (
                    format!("{} <{}>, {from} – {to}", who.name, who.email),
                    out,
                    Box::new(move || reports::staff::render(&report, lang)),
                )
            }
            ReportCommand::Site {
                site,
                period: p,
                out,
            } => {
                let (from, to) = period(&p)?;
                let lang = out.lang;
                let site = match site {
                    Some(code) => Some(reads::find_site(db, &code).await?),
                    None => None,
                };
                // The command line sees every site.
                let scope = Scope {
                    user_id: 0,
                    role: Role::Admin,
                    sites: Vec::new(),
                };
                let period =
                    reads::site_period(db, &scope, site.as_ref().map(|s| s.id), from, to).await?;
                let report = data::site(&period, lang);
                // The actions overdue at the site (or every site), as on the web's PDF.
                let sites = site.as_ref().map(|s| vec![s.id]);
                let overdue =
                    decorum::web::actions::report_overdue(&state()?, lang, sites.as_deref(), today)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                let name = site.map_or_else(|| "all sites".to_string(), |s| s.code);
                (
                    format!("{name}, {from} – {to}"),
                    out,
                    Box::new(move || reports::site::render_with(&report, &overdue, lang)),
                )
            }
        };
    let bytes = tokio::task::spawn_blocking(build).await?;
    std::fs::write(&out.output, &bytes)
        .with_context(|| format!("cannot write {}", out.output.display()))?;
    println!(
        "wrote the report on {what} to {} ({} KB)",
        out.output.display(),
        bytes.len().div_ceil(1024)
    );
    Ok(())
}

async fn load_demo(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    let today = config.default_clock().today();
    let mut last_shown = 0;
    let report = demo::load(db, today, config.time_zone, |done, total| {
        let percent = done * 100 / total.max(1);
        if percent >= last_shown + 10 || done == total {
            last_shown = percent;
            eprint!("\rloading demo spot-checks: {done}/{total} ({percent}%)");
            let _ = std::io::stderr().flush();
        }
    })
    .await?;
    eprintln!();
    println!(
        "demo data loaded: {} sites, {} people, {} spot-checks ({} of them re-checks after training)",
        report.sites,
        report.people,
        report.inspections + report.rechecks,
        report.rechecks
    );
    Ok(())
}

/// At start-up, import what of the library lints clean. A broken file is logged, line by
/// line, and left out: the last version imported from it goes on being served, and the
/// admins' checklist page lists its problems until it is fixed. (A restart after a bad
/// edit must not take the service down.)
async fn import_usable(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    let (library, problems) = library_files::load_usable(&config.checklists_dir);
    for p in &problems {
        tracing::error!("{p}");
    }
    if !problems.is_empty() {
        tracing::warn!(
            "the checklist library in {} has {} problem(s): files with problems were not imported and their last imported versions are served (see /admin/checklists or `decorum checklists lint`)",
            config.checklists_dir.display(),
            problems.len()
        );
    }
    let report = store::library::import(db, &library).await?;
    tracing::info!("checklist library imported: {report}");
    Ok(())
}

async fn serve(config: Config, addr: String, with_demo: bool) -> anyhow::Result<()> {
    let db = open(&config).await?;
    import_usable(&config, &db).await?;
    if with_demo {
        if demo::is_empty(&db).await? {
            load_demo(&config, &db).await?;
        } else {
            tracing::info!("database already has data: demo not loaded again");
        }
        println!("demo accounts (password: {}):", demo::DEMO_PASSWORD);
        for (email, what) in demo::DEMO_ACCOUNTS {
            println!("  {email:<26} {what}");
        }
    }
    // The dashboard's one-tap ranges, filled for today before the first visit.
    store::stats::roll_windows(&db, config.default_clock().today()).await?;
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("Decorum is serving on http://{local}");
    let header_read_timeout = config.header_read_timeout;
    let state = AppState::new(db, config)?;
    tracing::info!(
        "files (photos, signatures) are kept in {}",
        state.files.describe()
    );
    // Mail and webhooks: the outbox worker runs beside the server on every instance.
    let worker = decorum::notify::start(state.clone());
    app::serve(listener, app::build(state), header_read_timeout, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    worker.abort();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn database_passwords_never_show() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/decorum"),
            "postgres://app:***@db:5432/decorum"
        );
        assert_eq!(
            redact("sqlite://data/decorum.db?mode=rwc"),
            "sqlite://data/decorum.db?mode=rwc"
        );
    }
}
