//! The Debian package, end to end: `cargo deb` builds it, `dpkg --root` installs it into
//! a scratch Debian system (debootstrap's minimal bookworm, so the maintainer scripts
//! run for real: the `decorum` user and /var/lib/decorum are created inside it, not on
//! this machine), and the unit's own ExecStart line then runs in that system as the
//! unit's user, with the packaged configuration: /healthz answers and a person added
//! with `decorum user add` signs in. `systemd-analyze` checks the unit, and a purge
//! removes the user and the data. The container image (packaging/Containerfile) is
//! built from the same package with podman, run, and signed in to; and the unit runs
//! under a real systemd booted in a container, its sandbox in force.
//!
//! Needs root (chroot, file ownership), cargo-deb, dpkg and debootstrap (and podman and
//! runc for the image); the scratch system is fetched once from a Debian mirror
//! (`DECORUM_TEST_DEBIAN_MIRROR`, default deb.debian.org) and kept as a tarball in
//! Cargo's test temporary directory.
//! The package holds the debug binary the tests already built (`--profile dev
//! --no-build`); `DECORUM_TEST_DEB=FILE.deb` tests a package built elsewhere instead
//! (.ci/run's release package, when asked for).

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

/// A minimal Debian bookworm with adduser, as a tarball of its root: made once with
/// debootstrap and kept (both tests use it; the lock keeps them from making it twice).
fn debian_tarball() -> PathBuf {
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MAKING.lock().unwrap_or_else(|e| e.into_inner());
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
    cache
}

/// The scratch Debian system unpacked into `root`.
fn scratch_debian(root: &Path) {
    must(
        Command::new("tar")
            .arg("-C")
            .arg(root)
            .arg("-xf")
            .arg(debian_tarball()),
    );
}

/// The package, built once from the binary the tests use (two `cargo deb` at once
/// would share its work files under target/ and could pack a half-written binary).
fn package() -> PathBuf {
    static BUILT: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(deb) = built.as_ref() {
        return deb.clone();
    }
    if let Some(given) = std::env::var_os("DECORUM_TEST_DEB") {
        // .ci/run's release package, tested as it will ship.
        *built = Some(PathBuf::from(given));
        return built.clone().unwrap();
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("package-deb");
    let _ = std::fs::remove_dir_all(&out);
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
            .arg(&out),
    );
    let deb = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("cargo deb wrote a .deb");
    *built = Some(deb.clone());
    deb
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
    let deb = package();
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

/// podman with this machine's workarounds: crun refuses the hybrid cgroup layout of our
/// VMs and podman's default file and process limits are above what the VM lets a process
/// raise its own to, so runc runs the containers with limits it may set.
fn podman(conf: &Path) -> Command {
    let mut command = Command::new("podman");
    command.env("CONTAINERS_CONF", conf);
    command
}

/// A container and its image, removed when the test ends however it ends.
struct Container {
    conf: PathBuf,
    name: String,
    image: String,
}

impl Drop for Container {
    fn drop(&mut self) {
        for args in [["rm", "-f", &self.name], ["rmi", "-f", &self.image]] {
            let _ = podman(&self.conf).args(args).output();
        }
    }
}

impl Container {
    /// Build an image from `containerfile` with the package in its context, on the
    /// scratch bookworm (no container registry answers from our machines; the
    /// Containerfile's default base is Docker Hub's bookworm-slim), or say why not.
    fn build(test: &str, work: &Path, containerfile: &Path) -> Option<Container> {
        if let Some(why) = missing_tools() {
            common::skip_or_fail(test, &why);
            return None;
        }
        for tool in ["podman", "runc"] {
            if Command::new(tool).arg("--version").output().is_err() {
                let why = format!("{tool} is not installed (apt-get install podman runc)");
                common::skip_or_fail(test, &why);
                return None;
            }
        }
        let conf = work.join("containers.conf");
        std::fs::write(
            &conf,
            "[containers]\ndefault_ulimits = [\"nofile=4096:4096\", \"nproc=4096:4096\"]\n\n[engine]\nruntime = \"runc\"\n",
        )
        .unwrap();
        // The context is the package's directory, as README's `podman build … target/debian`.
        let context = work.join("debian");
        std::fs::create_dir(&context).unwrap();
        let deb = package();
        std::fs::copy(&deb, context.join(deb.file_name().unwrap())).unwrap();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let base = format!("localhost/decorum-test-base:{id}");
        let container = Container {
            conf,
            name: format!("decorum-test-{id}"),
            image: format!("localhost/decorum-test:{id}"),
        };
        must(
            podman(&container.conf)
                .arg("import")
                .arg(debian_tarball())
                .arg(&base),
        );
        let built = run(podman(&container.conf)
            .args(["build", "--quiet", "-f"])
            .arg(containerfile)
            .args([
                "--build-arg",
                &format!("BASE={base}"),
                "-t",
                &container.image,
            ])
            .arg(&context));
        let _ = podman(&container.conf).args(["rmi", "-f", &base]).output();
        built.unwrap_or_else(|e| panic!("{e}"));
        Some(container)
    }

    /// Start it (`options` before the image) with its port 8080 published on a free
    /// port of this machine; returns the base URL once /healthz answers 200.
    async fn start(&self, options: &[&str]) -> String {
        must(
            podman(&self.conf)
                .args(["run", "-d", "--name", &self.name, "-p", "127.0.0.1::8080"])
                .args(options)
                .arg(&self.image),
        );
        let port = must(podman(&self.conf).args(["port", &self.name, "8080"]));
        let port = String::from_utf8_lossy(&port.stdout).trim().to_string();
        let base_url = format!("http://{}", port.lines().next().unwrap_or_default());
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let answer = reqwest::get(format!("{base_url}/healthz")).await;
            if answer.as_ref().is_ok_and(|r| r.status() == 200) {
                return base_url;
            }
            if Instant::now() > deadline {
                panic!(
                    "/healthz at {base_url:?} did not answer 200 ({answer:?}); the container logged:\n{}",
                    self.exec(&["sh", "-c", "journalctl --no-pager 2>/dev/null | tail -50"])
                        .unwrap_or_else(|e| e)
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Run a command in the container; its standard output.
    fn exec(&self, argv: &[&str]) -> Result<String, String> {
        run(podman(&self.conf).args(["exec", &self.name]).args(argv))
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn add_admin(&self, run_as: &[&str]) {
        let mut argv = run_as.to_vec();
        argv.extend([
            "/usr/bin/decorum",
            "user",
            "add",
            "--email",
            EMAIL,
            "--name",
            "IT",
            "--role",
            "admin",
            "--password",
            common::PASSWORD,
        ]);
        self.exec(&argv).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// One container test at a time: two podman builds from bases imported from the same
/// tarball at once failed inside dpkg (they share the base's layer, which each test
/// removes when done).
static PODMAN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn the_container_image_installs_the_package_and_serves() {
    let _one_at_a_time = PODMAN.lock().await;
    let work = tempfile::tempdir().unwrap();
    let containerfile = common::repo_path("packaging/Containerfile");
    let Some(container) = Container::build("the container image", work.path(), &containerfile)
    else {
        return;
    };
    let base_url = container.start(&[]).await;
    container.add_admin(&[]);
    common::sign_in_at(&base_url, EMAIL).await;

    // `podman stop` sends the image's STOPSIGNAL (SIGINT): Decorum stops cleanly.
    must(podman(&container.conf).args(["stop", "-t", "30", &container.name]));
    let exit = must(podman(&container.conf).args([
        "inspect",
        "--format",
        "{{.State.ExitCode}}",
        &container.name,
    ]));
    assert_eq!(String::from_utf8_lossy(&exit.stdout).trim(), "0");
}

/// The unit under a real systemd (booted in a privileged container, so that it may set up
/// the sandbox): the package enables and starts it, the hardening is in force on the
/// running server (read-only system, writable data directory, no new privileges, a
/// system call filter), it serves and signs in, comes back after being killed, and
/// stops cleanly.
#[tokio::test]
async fn the_unit_runs_sandboxed_under_systemd() {
    let _one_at_a_time = PODMAN.lock().await;
    let work = tempfile::tempdir().unwrap();
    let containerfile = work.path().join("Containerfile");
    // The drop-in is what `systemctl edit decorum` writes: here it only publishes the
    // port outside the container.
    std::fs::write(
        &containerfile,
        "ARG BASE\nFROM ${BASE}\nCOPY decorum_*.deb /tmp/\n\
         RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd systemd-sysv /tmp/decorum_*.deb >/dev/null\n\
         RUN mkdir -p /etc/systemd/system/decorum.service.d && printf '[Service]\\nEnvironment=DECORUM_ADDR=0.0.0.0:8080\\n' > /etc/systemd/system/decorum.service.d/listen.conf\n\
         CMD [\"/sbin/init\"]\n",
    )
    .unwrap();
    let Some(container) = Container::build("the unit under systemd", work.path(), &containerfile)
    else {
        return;
    };
    let base_url = container.start(&["--privileged", "--systemd=always"]).await;
    let show = |property: &str| {
        container
            .exec(&["systemctl", "show", "--value", "-p", property, "decorum"])
            .unwrap_or_else(|e| panic!("{e}"))
            .trim()
            .to_string()
    };
    assert_eq!(
        show("UnitFileState"),
        "enabled",
        "the package enabled the unit"
    );
    assert_eq!(show("User"), "decorum");
    let pid = show("MainPID");
    let status = container
        .exec(&["cat", &format!("/proc/{pid}/status")])
        .unwrap();
    assert!(status.contains("NoNewPrivs:\t1"), "{status}");
    assert!(
        status.contains("Seccomp:\t2"),
        "a system call filter: {status}"
    );
    let mounts = container
        .exec(&["cat", &format!("/proc/{pid}/mountinfo")])
        .unwrap();
    let mount = |point: &str| {
        mounts
            .lines()
            .rev()
            .map(|line| line.split(' ').collect::<Vec<_>>())
            .find(|fields| fields.len() > 5 && fields[4] == point)
            .map(|fields| fields[5].split(',').next().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("{point} is not a mount of the service:\n{mounts}"))
    };
    assert_eq!(mount("/"), "ro", "ProtectSystem=strict");
    assert_eq!(mount("/var/lib/decorum"), "rw", "ReadWritePaths");
    assert_eq!(mount("/home"), "ro", "ProtectHome");

    container.add_admin(&["runuser", "-u", "decorum", "--"]);
    common::sign_in_at(&base_url, EMAIL).await;

    // Restart=on-failure: killed, it is started again.
    container
        .exec(&["systemctl", "kill", "--signal=KILL", "decorum"])
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while show("NRestarts") != "1" || show("ActiveState") != "active" {
        assert!(
            Instant::now() < deadline,
            "not restarted: {}",
            show("ActiveState")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_ne!(show("MainPID"), pid);
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("{base_url}/healthz"))
        .await
        .map_or(true, |r| r.status() != 200)
    {
        assert!(Instant::now() < deadline, "/healthz after the restart");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    common::sign_in_at(&base_url, EMAIL).await;

    // KillSignal=SIGINT: Decorum finishes and exits 0, so systemd records a clean stop.
    container.exec(&["systemctl", "stop", "decorum"]).unwrap();
    assert_eq!(show("Result"), "success");
    assert_eq!(show("ExecMainStatus"), "0");
}
