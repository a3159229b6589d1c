//! The configuration file as the `decorum` binary reads it: settings from the file, the
//! environment and flags over it, secrets from files, and clear errors for a missing
//! file or an unknown key.

mod common;

use std::path::Path;
use std::process::Command;

fn decorum(envs: &[(&str, &Path)], args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
    command
        .current_dir(common::repo_path(""))
        .env_remove("DATABASE_URL")
        .env_remove("DECORUM_DATA_DIR")
        .env_remove("DECORUM_CONFIG")
        .args(args);
    for (name, value) in envs {
        command.env(name, value);
    }
    let output = command.output().expect("run decorum");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn settings_come_from_the_file_and_the_environment_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = dir.path().join("from-file");
    let config = dir.path().join("decorum.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"{}\"\ntime_zone = \"Asia/Hong_Kong\"\n",
            from_file.display()
        ),
    )
    .unwrap();
    let config_arg = config.to_str().unwrap();

    let (code, out, err) = decorum(&[], &["migrate", "--config", config_arg]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        from_file.join("decorum.db").exists(),
        "data_dir from the file"
    );
    assert!(err.contains("configuration read from"), "{err}");

    // DECORUM_CONFIG names the file too; DECORUM_DATA_DIR beats it, --data-dir beats both.
    let from_env = dir.path().join("from-env");
    let (code, _, err) = decorum(
        &[("DECORUM_CONFIG", &config), ("DECORUM_DATA_DIR", &from_env)],
        &["migrate"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        from_env.join("decorum.db").exists(),
        "the environment beats the file"
    );
    let from_flag = dir.path().join("from-flag");
    let (code, _, err) = decorum(
        &[("DECORUM_CONFIG", &config), ("DECORUM_DATA_DIR", &from_env)],
        &["migrate", "--data-dir", from_flag.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(from_flag.join("decorum.db").exists(), "a flag beats both");
}

#[test]
fn the_database_url_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("secret-place.db");
    let secret = dir.path().join("database-url");
    std::fs::write(
        &secret,
        format!("sqlite://{}?mode=rwc\n", database.display()),
    )
    .unwrap();
    let (code, out, err) = decorum(
        &[
            ("DATABASE_URL_FILE", &secret),
            ("DECORUM_DATA_DIR", dir.path()),
        ],
        &["migrate"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(database.exists(), "the URL in the file was used");
    assert!(!dir.path().join("decorum.db").exists());

    let config = dir.path().join("decorum.toml");
    std::fs::write(
        &config,
        format!(
            "database_url_file = \"{}\"\n",
            dir.path().join("absent").display()
        ),
    )
    .unwrap();
    let (code, _, err) = decorum(&[], &["migrate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("database_url_file: cannot read") && err.contains("absent"),
        "{err}"
    );
}

#[test]
fn a_missing_file_or_an_unknown_key_stops_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.toml");
    let (code, _, err) = decorum(&[], &["migrate", "--config", absent.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "cannot read the configuration file {}",
            absent.display()
        )),
        "{err}"
    );

    let config = dir.path().join("decorum.toml");
    std::fs::write(
        &config,
        "# settings\ndata_dir = \"/tmp\"\ndatabase_ulr = \"sqlite://x\"\n",
    )
    .unwrap();
    let (code, _, err) = decorum(&[], &["migrate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "{}:3: database_ulr: unknown field",
            config.display()
        )),
        "{err}"
    );
}
