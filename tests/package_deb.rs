//! The Debian package, end to end: `cargo deb` builds it, `dpkg --root` installs it into
//! a scratch Debian system (debootstrap's minimal bookworm, so the maintainer scripts
//! run for real: the `decorum` user and /var/lib/decorum are created inside it, not on
//! this machine), and the unit's own ExecStart line then runs in that system as the
//! unit's user, with the packaged configuration: /healthz answers and a person added
//! with `decorum user add` signs in. `systemd-analyze` checks the unit, and a purge
//! removes the user and the data.
//!
//! Needs root (chroot, file ownership), cargo-deb, dpkg and debootstrap; the scratch
//! system is fetched once from a Debian mirror (`DECORUM_TEST_DEBIAN_MIRROR`, default
//! deb.debian.org) and kept as a tarball in Cargo's test temporary directory.
//! The package holds the debug binary the tests already built (`--profile dev
//! --no-build`); .ci/run builds the release package too.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const TEST: &str = "the Debian package";
const EMAIL: &str = "it@example.com";

fn run(command: &mut Command) -> Result<Output, String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{shown} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn must(command: &mut Command) -> Output {
    run(command).unwrap_or_else(|e| panic!("{e}"))
}

/// Why the test cannot run here, if it cannot.
fn missing_tools() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("it installs into a chroot and needs root".into());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tools: [(&str, Vec<&str>); 4] = [
        (cargo.as_str(), vec!["deb", "--version"]),
        ("dpkg", vec!["--version"]),
        ("debootstrap", vec!["--version"]),
        ("chroot", vec!["--version"]),
    ];
    tools.iter().find_map(|(tool, args)| {
        let works = Command::new(tool)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        (!works).then(|| {
            format!("`{tool} {}` does not run (cargo install cargo-deb; apt-get install dpkg debootstrap)", args.join(" "))
        })
    })
}

/// A minimal Debian bookworm with adduser, unpacked into `root`: from the cached tarball,
/// made once with debootstrap.
fn scratch_debian(root: &Path) {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("debian-bookworm-minbase.tar");
    if !cache.exists() {
        let mirror = std::env::var("DECORUM_TEST_DEBIAN_MIRROR")
            .unwrap_or_else(|_| "http://deb.debian.org/debian".into());
        let fresh = tempfile::tempdir().unwrap();
        must(Command::new("debootstrap").args([
            "--variant=minbase",
            "--include=adduser",
            "bookworm",
            fresh.path().to_str().unwrap(),
            &mirror,
        ]));
        let partial = cache.with_extension("partial");
        must(
            Command::new("tar")
                .arg("-C")
                .arg(fresh.path())
                .arg("-cf")
                .arg(&partial)
                .arg("."),
        );
        std::fs::rename(&partial, &cache).unwrap();
    }
    must(
        Command::new("tar")
            .arg("-C")
            .arg(root)
            .arg("-xf")
            .arg(&cache),
    );
}

/// Build the package from the binary the tests use; returns the .deb's path.
fn build_package(out: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    must(
        Command::new(cargo)
            .current_dir(common::repo_path(""))
            .args([
                "deb",
                "--profile",
                "dev",
                "--no-build",
                "--fast",
                "--quiet",
                "-o",
            ])
            .arg(out),
    );
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("cargo deb wrote a .deb")
}

/// A `[Service]` setting of the unit file (the first, when it repeats).
fn unit_setting<'a>(unit: &'a str, key: &str) -> &'a str {
    unit.lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("the unit has no {key}="))
        .trim()
}

/// A command run inside the scratch system as the unit's user, from its working
/// directory, with only the environment given (as systemd starts it).
fn in_scratch(
    root: &Path,
    user: &str,
    workdir: &str,
    argv: &[&str],
    env: &[(&str, &str)],
) -> Command {
    let mut command = Command::new("chroot");
    command
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(env.iter().copied())
        .arg(format!("--userspec={user}:{user}"))
        .arg(root)
        .args(["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", workdir])
        .args(argv);
    command
}

/// The server process, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Check the unit with systemd-analyze, its ExecStart pointed at the unpacked binary
/// (verify looks for the binary on this machine): no warning at all, and a hardening
/// exposure under 2 (of 10).
fn analyze_unit(root: &Path, unit: &str, exec_start: &str) {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        common::skip_or_fail(
            &format!("{TEST}: systemd-analyze"),
            "systemd-analyze is not installed",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let remapped = unit.replace(
        &format!("ExecStart={exec_start}"),
        &format!("ExecStart={}{exec_start}", root.display()),
    );
    let file = dir.path().join("decorum.service");
    std::fs::write(&file, remapped).unwrap();
    let verify = must(Command::new("systemd-analyze").arg("verify").arg(&file));
    let warnings = String::from_utf8_lossy(&verify.stderr);
    assert!(
        warnings.trim().is_empty(),
        "systemd-analyze verify: {warnings}"
    );
    let security = must(
        Command::new("systemd-analyze")
            .args(["security", "--offline=yes", "--no-pager"])
            .arg(&file),
    );
    let report = String::from_utf8_lossy(&security.stdout);
    let exposure: f64 = report
        .split("Overall exposure level for decorum.service: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    assert!(
        exposure < 2.0,
        "the unit's exposure is {exposure}:\n{report}"
    );
}

/// Every file of the repository's checklist library, relative to it.
fn library_files(dir: &Path, base: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            library_files(&path, base, files);
        } else {
            files.push(path.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

fn owner_and_mode(path: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (meta.uid(), meta.mode() & 0o7777)
}

#[tokio::test]
async fn the_package_installs_and_its_unit_serves_with_the_packaged_configuration() {
    if let Some(why) = missing_tools() {
        common::skip_or_fail(TEST, &why);
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let deb = build_package(&work.path().join("out"));
    let root = work.path().join("root");
    std::fs::create_dir(&root).unwrap();
    scratch_debian(&root);
    eprintln!(
        "package built and scratch system ready in {:?}",
        started.elapsed()
    );

    must(
        Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .arg("-i")
            .arg(&deb),
    );

    // What the package installed, where the configuration says it is.
    let conffile = std::fs::read_to_string(root.join("etc/decorum/decorum.toml")).unwrap();
    assert_eq!(conffile, include_str!("../packaging/decorum.toml"));
    let status = must(
        Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args(["-s", "decorum"]),
    );
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("Conffiles:\n /etc/decorum/decorum.toml"),
        "the configuration is a conffile: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    let repo_library = common::repo_path("checklists");
    let mut files = Vec::new();
    library_files(&repo_library, &repo_library, &mut files);
    for file in &files {
        let installed = root.join("usr/share/decorum/checklists").join(file);
        assert_eq!(
            std::fs::read(&installed).ok(),
            std::fs::read(repo_library.join(file)).ok(),
            "{} is installed as in the repository",
            installed.display()
        );
    }
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    let account = passwd
        .lines()
        .find(|l| l.starts_with("decorum:"))
        .expect("postinst created the decorum user");
    let fields: Vec<&str> = account.split(':').collect();
    let uid: u32 = fields[2].parse().unwrap();
    assert!(uid < 1000, "a system user: {account}");
    assert_eq!(fields[5], "/var/lib/decorum");
    assert_eq!(fields[6], "/usr/sbin/nologin");
    assert_eq!(owner_and_mode(&root.join("var/lib/decorum")), (uid, 0o750));

    // The unit as installed.
    let unit =
        std::fs::read_to_string(root.join("usr/lib/systemd/system/decorum.service")).unwrap();
    let exec_start = unit_setting(&unit, "ExecStart");
    let user = unit_setting(&unit, "User");
    let workdir = unit_setting(&unit, "WorkingDirectory");
    assert_eq!(
        exec_start,
        "/usr/bin/decorum serve --config /etc/decorum/decorum.toml"
    );
    assert_eq!(user, "decorum");
    assert_eq!(unit_setting(&unit, "Restart"), "on-failure");
    assert_eq!(
        unit_setting(&unit, "KillSignal"),
        "SIGINT",
        "the server stops cleanly on SIGINT"
    );
    for hardening in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/decorum",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "ProtectKernelTunables=yes",
    ] {
        assert!(
            unit.lines().any(|l| l == hardening),
            "the unit sets {hardening}"
        );
    }
    analyze_unit(&root, &unit, exec_start);

    // A first person, added as the service's user with the packaged configuration.
    let binary = exec_start.split_whitespace().next().unwrap();
    let config = ["--config", "/etc/decorum/decorum.toml"];
    let mut add = vec![
        binary, "user", "add", "--email", EMAIL, "--name", "IT", "--role", "admin",
    ];
    add.extend(config);
    add.extend(["--password", common::PASSWORD]);
    must(&mut in_scratch(&root, user, workdir, &add, &[]));

    // The unit's command line, verbatim; only the port is chosen here (as a drop-in's
    // Environment= would), so the test never collides with anything listening.
    let argv: Vec<&str> = exec_start.split_whitespace().collect();
    let mut child = in_scratch(
        &root,
        user,
        workdir,
        &argv,
        &[("DECORUM_ADDR", "127.0.0.1:0")],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start the unit's command");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    let err_tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    let mut printed = Vec::new();
    let base = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| {
                panic!(
                    "the service did not start; it printed:\n{}",
                    printed.join("\n")
                )
            });
        if let Some(url) = line.strip_prefix("Decorum is serving on ") {
            break url.to_string();
        }
        printed.push(line);
    };
    let log = printed.join("\n");
    assert!(
        log.contains("configuration read from /etc/decorum/decorum.toml"),
        "{log}"
    );

    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let (client, _) = common::sign_in_at(&base, EMAIL).await;
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200, "signed in, the home page opens");
    let database = root.join("var/lib/decorum/decorum.db");
    assert_eq!(
        owner_and_mode(&database).0,
        uid,
        "the SQLite database is in the data directory, owned by the service's user"
    );

    // SIGINT (the unit's KillSignal) stops it cleanly.
    must(Command::new("kill").args(["-INT", &server.0.id().to_string()]));
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "stopped on SIGINT with {status}");

    // Purge: the data, the configuration and the user go.
    must(
        Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args(["--purge", "decorum"]),
    );
    assert!(!root.join("var/lib/decorum").exists());
    assert!(!root.join("etc/decorum/decorum.toml").exists());
    assert!(!root.join("usr/bin/decorum").exists());
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(!passwd.contains("decorum:"), "{passwd}");
    eprintln!("{TEST}: done in {:?}", started.elapsed());
}
