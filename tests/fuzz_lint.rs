//! The checklist parser and lint never panic on a damaged library and always say where
//! the problem is. Property test over the shipped files in `checklists/`, damaged the way
//! hand edits and bad merges damage them: a line deleted, duplicated or moved, the file
//! cut off at any byte, a character replaced by TOML punctuation or a CJK character, a
//! junk line inserted, a value replaced by an invalid one. The whole library (with the one
//! damaged file) goes through `parse_library`, so the cross-file checks run too.
//!
//! A few hundred cases by default; `PROPTEST_CASES=N` for more.

mod common;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use decorum::domain::library::{SourceFile, parse_library};
use decorum::library_files;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// Characters a slip of the keyboard or an encoding accident puts into a file.
const CHARS: &[char] = &[
    '"', '[', ']', '{', '}', '=', ',', '\n', '中', '繁', '體', '　', '＝', '\'', '#', '\\',
];

/// Values that have the wrong type, are out of range, or are not TOML at all.
const VALUES: &[&str] = &[
    "-1",
    "0",
    "-0.0",
    "1e999",
    "nan",
    "-inf",
    "99999999999999999999999",
    "true",
    "\"\"",
    "\"   \"",
    "\"中文\"",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{ zh = \"\" }",
    "{ zh = \"禮\", en = 1 }",
    "{ zh = \"禮\", en = \"Bow\", fr = \"x\" }",
    "1979-05-27T07:32:00Z",
    "\"\"\"\nmultiline\n\"\"\"",
    "'''",
    "\"unterminated",
    "[[",
    "= =",
    "",
    "\"\\u0000\"",
    "\"\\uD800\"",
];

/// Lines that do not belong where they land.
const LINES: &[&str] = &[
    "[checklist]",
    "[[section]]",
    "[[section.item]]",
    "[module]",
    "[[position]]",
    "[source]",
    "key = \"duplicate\"",
    "kind = \"nonsense\"",
    "weight = -3",
    "=",
    "[",
    "\"",
    "中文 = 1",
    "unknown_field = 1",
    "[checklist.nested]\nx = 1",
    "\u{feff}",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    TruncateAt(Index),
    ReplaceChar(Index, char),
    InsertLine(Index, &'static str),
    ReplaceValue(Index, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::TruncateAt),
        (any::<Index>(), prop::sample::select(CHARS))
            .prop_map(|(at, c)| Mutation::ReplaceChar(at, c)),
        (any::<Index>(), prop::sample::select(LINES))
            .prop_map(|(at, line)| Mutation::InsertLine(at, line)),
        (any::<Index>(), prop::sample::select(VALUES))
            .prop_map(|(at, value)| Mutation::ReplaceValue(at, value)),
    ]
}

fn lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

fn with_newline(line: &str) -> String {
    if line.ends_with('\n') {
        line.to_string()
    } else {
        format!("{line}\n")
    }
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut rows = lines(text);
    match mutation {
        Mutation::DeleteLine(at) if !rows.is_empty() => {
            rows.remove(at.index(rows.len()));
        }
        Mutation::DuplicateLine(at) if !rows.is_empty() => {
            let i = at.index(rows.len());
            let copy = with_newline(&rows[i]);
            rows[i] = with_newline(&rows[i]);
            rows.insert(i, copy);
        }
        Mutation::SwapLines(a, b) if !rows.is_empty() => {
            let (a, b) = (a.index(rows.len()), b.index(rows.len()));
            let last = rows.len() - 1;
            rows[last] = with_newline(&rows[last]);
            rows.swap(a, b);
        }
        Mutation::TruncateAt(at) => {
            let mut cut = at.index(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
        Mutation::ReplaceChar(at, c) => {
            let count = text.chars().count();
            if count == 0 {
                return c.to_string();
            }
            let i = at.index(count);
            return text
                .chars()
                .enumerate()
                .map(|(n, old)| if n == i { *c } else { old })
                .collect();
        }
        Mutation::InsertLine(at, line) => {
            let i = at.index(rows.len() + 1);
            if let Some(last) = rows.last_mut() {
                *last = with_newline(last);
            }
            rows.insert(i, with_newline(line));
        }
        Mutation::ReplaceValue(at, value) => {
            let assignments: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].contains('=') && !rows[i].trim_start().starts_with('#'))
                .collect();
            if !assignments.is_empty() {
                let i = assignments[at.index(assignments.len())];
                let eq = rows[i].find('=').unwrap_or(0);
                let ending = if rows[i].ends_with('\n') { "\n" } else { "" };
                rows[i] = format!("{}= {value}{ending}", &rows[i][..eq]);
            }
        }
        _ => {}
    }
    rows.concat()
}

/// The shipped library, as `decorum checklists lint` reads it.
fn shipped() -> Vec<SourceFile> {
    let (paths, problems) = library_files::toml_files(&[common::repo_path("checklists")]);
    assert!(problems.is_empty(), "{problems:?}");
    paths
        .into_iter()
        .map(|path| SourceFile {
            text: std::fs::read_to_string(&path).expect("read a library file"),
            path,
        })
        .collect()
}

fn excerpt(text: &str) -> String {
    if text.len() <= 600 {
        return text.to_string();
    }
    let mut cut = 600;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..cut], text.len())
}

#[test]
fn the_shipped_library_is_clean() {
    let (library, diagnostics) = parse_library(&shipped());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert!(!library.checklists.is_empty());
}

#[test]
fn a_damaged_library_never_panics_and_every_problem_is_located() {
    let files = shipped();
    assert!(files.len() > 10, "the library has its files");
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..files.len(), prop::collection::vec(mutation(), 1..=3));
    let tried = Cell::new(0usize);
    let invalid = Cell::new(0usize);
    let diagnostics_seen = Cell::new(0usize);
    let result = runner.run(&strategy, |(which, mutations)| {
        let mut damaged = files.clone();
        let mut text = damaged[which].text.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        damaged[which].text = text.clone();
        let name = damaged[which]
            .path
            .strip_prefix(common::repo_path(""))
            .unwrap_or(&damaged[which].path)
            .display()
            .to_string();
        let parsed = catch_unwind(AssertUnwindSafe(|| parse_library(&damaged)));
        let Ok((_, diagnostics)) = parsed else {
            return Err(TestCaseError::fail(format!(
                "parse_library panicked on {name} after {mutations:?}; the file begins:\n{}",
                excerpt(&text)
            )));
        };
        tried.set(tried.get() + 1);
        if !diagnostics.is_empty() {
            invalid.set(invalid.get() + 1);
            diagnostics_seen.set(diagnostics_seen.get() + diagnostics.len());
        }
        for d in &diagnostics {
            let Some(file) = damaged.iter().find(|f| f.path == d.file) else {
                return Err(TestCaseError::fail(format!(
                    "{d} names a file that was not given ({name} after {mutations:?})"
                )));
            };
            let line_count = file.text.lines().count().max(1);
            let line_text = file
                .text
                .lines()
                .nth(d.line.saturating_sub(1))
                .unwrap_or("");
            let located = d.line >= 1
                && d.column >= 1
                && d.line <= line_count + 1
                && d.column <= line_text.len() + 1;
            if !located || d.message.to_string().trim().is_empty() {
                return Err(TestCaseError::fail(format!(
                    "not a located message: {:?} (line {} of {line_count}, column {} of a {}-byte line) in {name} after {mutations:?}; the file begins:\n{}",
                    d.to_string(),
                    d.line,
                    d.column,
                    line_text.len(),
                    excerpt(&file.text)
                )));
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => println!(
            "fuzz lint: {} damaged libraries tried, {} found invalid with {} located messages, no panic",
            tried.get(),
            invalid.get(),
            diagnostics_seen.get()
        ),
        Err(TestError::Fail(reason, (which, mutations))) => panic!(
            "{reason}\nminimal case: file {} with {mutations:?}",
            files[which].path.display()
        ),
        Err(e) => panic!("{e}"),
    }
}
