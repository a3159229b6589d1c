//! `decorum checklists lint`: the shipped library is clean, and every broken file in
//! tests/fixtures/lint/broken gets the located message its first line expects, with exit 1.

mod common;

use common::repo_path;

fn lint(library: &str, paths: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--checklists", library, "checklists", "lint"];
    args.extend_from_slice(paths);
    common::run_decorum(None, &args)
}

#[test]
fn shipped_library_is_clean() {
    let (code, stdout, stderr) = lint("checklists", &["checklists"]);
    assert_eq!(code, 0, "lint found problems:\n{stdout}{stderr}");
    assert!(stderr.contains("no problems found"));
}

#[test]
fn fixture_library_is_clean() {
    let (code, stdout, _) = lint(
        "tests/fixtures/lint/library",
        &["tests/fixtures/lint/library"],
    );
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn every_broken_file_gets_its_located_message() {
    let dir = repo_path("tests/fixtures/lint/broken");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the broken set needs at least 10 files, has {}",
        files.len()
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{name}: first line must be `# expect: LINE:COL: message`"));
        let rel = format!("tests/fixtures/lint/broken/{name}");
        let (code, stdout, _) = lint("tests/fixtures/lint/library", &[&rel]);
        assert_eq!(code, 1, "{name} should fail the lint:\n{stdout}");
        let wanted = format!("{rel}:{expect}");
        assert!(
            stdout.lines().any(|l| l.starts_with(&wanted)),
            "{name}: expected a line starting with\n  {wanted}\ngot:\n{stdout}"
        );
    }
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo_path("tests/fixtures/lint/library/good.toml")).unwrap();
    let broken = good
        .replace("key = \"good\"", "key = \"many\"")
        .replace("clause = \"T.2\"", "clause = \"T.8\"")
        .replace("pass_mark = 80", "pass_mark = 101")
        .replace("training = [\"greeting\"]\n\n", "training = [\"nope\"]\n\n");
    let path = dir.path().join("many.toml");
    std::fs::write(&path, broken).unwrap();
    let (code, stdout, _) = lint("tests/fixtures/lint/library", &[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    for fragment in [
        "unknown clause `T.8`",
        "`pass_mark` must be a percent",
        "unknown training module `nope`",
    ] {
        assert!(stdout.contains(fragment), "missing {fragment}:\n{stdout}");
    }
}

#[test]
fn unreadable_input_is_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"title = \"caf\xe9\"\n").unwrap();
    let (code, stdout, stderr) = lint(
        "tests/fixtures/lint/library",
        &[path.to_str().unwrap(), "no/such/file.toml"],
    );
    assert_eq!(code, 1);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("cannot read") || stdout.contains("not UTF-8"),
        "{stdout}"
    );
}

#[test]
fn lint_checks_exactly_the_paths_given() {
    // A copy of the shipped library, linted from the repository root without naming a
    // library: it is linted on its own, not against ./checklists (every key a duplicate).
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("checklists");
    common::copy_dir(&repo_path("checklists"), &copy);
    let copy_arg = copy.to_str().unwrap();
    let (code, stdout, stderr) = common::run_decorum(None, &["checklists", "lint", copy_arg]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("no problems found"));

    // Broken in one place, the copy gets exactly that file's problem.
    let broken = copy.join("lobby-reception.toml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        text.replacen("pass_mark = 80", "pass_mark = 180", 1),
    )
    .unwrap();
    let (code, stdout, _) = common::run_decorum(None, &["checklists", "lint", copy_arg]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with(&format!("{}:9:13: `pass_mark`", broken.display())),
        "{stdout}"
    );

    // A file of the library itself is still linted against the rest of it (its modules,
    // positions and clauses), with or without naming the library.
    for args in [
        &["checklists", "lint", "checklists/lobby-reception.toml"][..],
        &[
            "--checklists",
            "checklists",
            "checklists",
            "lint",
            "checklists/lobby-reception.toml",
        ][..],
    ] {
        let (code, stdout, stderr) = common::run_decorum(None, args);
        assert_eq!(code, 0, "{args:?}: {stdout}{stderr}");
    }
}
