//! The command line on a fresh data directory: migrate, import (twice), add users, and
//! clear errors for bad input.

mod common;

fn decorum(data_dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    common::run_decorum(Some(data_dir), args)
}

#[test]
fn migrate_import_and_add_users() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = decorum(dir.path(), &["migrate"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(dir.path().join("decorum.db").exists());

    let (code, _, err) = decorum(dir.path(), &["checklists", "import"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("lobby-reception v1"), "{err}");
    let (code, _, err) = decorum(dir.path(), &["checklists", "import"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("0 new version(s)"),
        "a second import changes nothing: {err}"
    );

    let (code, out, err) = decorum(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "Amy@Example.com",
            "--name",
            "陳美玲",
            "--role",
            "manager",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("added 陳美玲 <amy@example.com> as manager"),
        "{out}"
    );
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .expect("a generated password");
    assert_eq!(password.len(), 16);

    let (code, _, err) = decorum(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "amy@example.com",
            "--name",
            "Amy",
            "--role",
            "staff",
            "--no-login",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");

    let (code, _, err) = decorum(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "bo@example.com",
            "--name",
            "Bo",
            "--role",
            "boss",
        ],
    );
    assert_eq!(code, 2, "clap rejects an unknown role");
    assert!(err.contains("unknown role `boss`"), "{err}");

    let (code, _, err) = decorum(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "bo@example.com",
            "--name",
            "Bo",
            "--role",
            "staff",
            "--position",
            "astronaut",
            "--no-login",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("There is no position `astronaut`"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn a_broken_library_stops_the_import_with_located_problems() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = decorum(
        dir.path(),
        &[
            "--checklists",
            "tests/fixtures/lint/broken",
            "checklists",
            "import",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("tests/fixtures/lint/broken/bad-kind.toml:"),
        "{err}"
    );
    assert!(err.contains("problem(s)"), "{err}");
}
