//! Which part of a partly broken library stays usable.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;

/// The lint fixtures' small library, read as files.
fn fixture_library() -> Vec<SourceFile> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/library");
    [
        "good.toml",
        "positions.toml",
        "standard/mini.toml",
        "training/greeting.toml",
    ]
    .iter()
    .map(|rel| SourceFile {
        path: PathBuf::from(rel),
        text: std::fs::read_to_string(root.join(rel)).unwrap(),
    })
    .collect()
}

fn broken(files: &mut [SourceFile], path: &str, from: &str, to: &str) {
    let file = files
        .iter_mut()
        .find(|f| f.path == Path::new(path))
        .unwrap();
    assert!(file.text.contains(from));
    file.text = file.text.replacen(from, to, 1);
}

#[test]
fn a_clean_library_is_all_usable() {
    let files = fixture_library();
    let (library, problems) = usable_library(&files);
    assert!(problems.is_empty(), "{problems:?}");
    let whole = parse_library(&files).0;
    assert_eq!(library.checklists.len(), whole.checklists.len());
    assert_eq!(library.modules.len(), whole.modules.len());
    assert_eq!(library.positions.len(), whole.positions.len());
}

#[test]
fn a_broken_module_leaves_out_the_checklists_that_need_it_and_nothing_else() {
    let mut files = fixture_library();
    broken(
        &mut files,
        "training/greeting.toml",
        "minutes = 5",
        "minutes = \"five\"",
    );
    let (library, problems) = usable_library(&files);
    assert!(library.module("greeting").is_none());
    assert!(
        library.checklist("good").is_none(),
        "it trains with the broken module"
    );
    assert!(
        !library.clauses.is_empty(),
        "the standard is not the module's"
    );
    let files_with_problems: BTreeSet<&Path> = problems.iter().map(|p| p.file.as_path()).collect();
    assert!(files_with_problems.contains(Path::new("training/greeting.toml")));
    assert!(
        problems.iter().any(|p| p.file == Path::new("good.toml")
            && p.message
                .to_string()
                .contains("unknown training module `greeting`")),
        "{problems:?}"
    );
}

#[test]
fn a_broken_checklist_leaves_the_standard_it_traces_in_use() {
    let mut files = fixture_library();
    broken(
        &mut files,
        "good.toml",
        "pass_mark = 80",
        "pass_mark = = 80",
    );
    let (library, problems) = usable_library(&files);
    assert!(library.checklist("good").is_none());
    // Its clauses are now traced by nothing: reported, but the standard stays.
    assert!(
        problems
            .iter()
            .any(|p| p.message.to_string().contains("not traced")),
        "{problems:?}"
    );
    assert!(!library.clauses.is_empty() && library.module("greeting").is_some());
}
