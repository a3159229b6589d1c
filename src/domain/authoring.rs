//! Authoring the standard in the browser: which checklist or module a TOML text is, its
//! lint against the rest of the library (the same lint as `decorum checklists lint`),
//! what else a change to it touches, and who may approve a change.

use std::path::{Path, PathBuf};

use super::checklist::{Checklist, ItemKind};
use super::library::{Diagnostic, Library, SourceFile, parse_library};
use super::scoring::{Answer, Answers, Context, Subject, applies};
use super::training::Module;
use crate::i18n::Message;

/// What a library file defines that the editor works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editable {
    Checklist,
    Module,
}

impl Editable {
    /// The table naming the file's key (`[checklist]` or `[module]`).
    pub fn table(self) -> &'static str {
        match self {
            Editable::Checklist => "checklist",
            Editable::Module => "module",
        }
    }

    /// Where a new file of this kind goes in the library.
    pub fn new_path(self, dir: &Path, key: &str) -> PathBuf {
        match self {
            Editable::Checklist => dir.join(format!("{key}.toml")),
            Editable::Module => dir.join("training").join(format!("{key}.toml")),
        }
    }
}

/// The kind and key a file's text declares, read without linting it (so a file can be
/// found by key, and a proposal filed under it, even while it has problems).
pub fn declared(text: &str) -> Option<(Editable, String)> {
    let table: toml::Table = text.parse().ok()?;
    [Editable::Checklist, Editable::Module]
        .into_iter()
        .find_map(|kind| {
            let key = table.get(kind.table())?.get("key")?.as_str()?;
            Some((kind, key.to_string()))
        })
}

/// A copy of a file's text under a new key: the `key = "…"` of its head table is
/// rewritten, everything else (comments included) kept, for a new checklist or module
/// started from a template or an existing one.
pub fn copy_as(text: &str, kind: Editable, new_key: &str) -> String {
    let head = format!("[{}]", kind.table());
    let mut in_head = false;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_head = trimmed.trim_end() == head;
        }
        if in_head
            && !done
            && trimmed.starts_with("key")
            && trimmed[3..].trim_start().starts_with('=')
        {
            out.push_str(&format!("key = \"{new_key}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A problem in the edited text, at its line and column, said in the viewer's language
/// (`message.say(lang)`); `Display` says it in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: Message,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// The edited text linted in its place in the library.
#[derive(Debug, Clone, Default)]
pub struct Linted {
    pub problems: Vec<Problem>,
    /// What the text defines, when it lints clean.
    pub checklist: Option<Checklist>,
    pub module: Option<Module>,
    /// The library with the edit in it, for what-it-affects.
    pub library: Library,
}

impl Linted {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && (self.checklist.is_some() || self.module.is_some())
    }
}

/// Lint `text` as the library file at `path` (replacing the file there, or added when
/// there is none), with `files` the rest of the library. Only the edited file's problems
/// are reported: the others are the library's own and block nothing here.
pub fn lint(files: &[SourceFile], path: &Path, text: &str, expect: (Editable, &str)) -> Linted {
    let mut all: Vec<SourceFile> = files.iter().filter(|f| f.path != path).cloned().collect();
    all.push(SourceFile {
        path: path.to_path_buf(),
        text: text.to_string(),
    });
    let (library, diagnostics) = parse_library(&all);
    let mut problems: Vec<Problem> = diagnostics
        .into_iter()
        .filter(|d: &Diagnostic| d.file == path)
        .map(|d| Problem {
            line: d.line,
            column: d.column,
            message: d.message,
        })
        .collect();
    let (kind, key) = expect;
    if problems.is_empty() {
        match declared(text) {
            Some((k, declared_key)) if k == kind && declared_key == key => {}
            _ => problems.push(Problem {
                line: 1,
                column: 1,
                message: Message::new("lint-must-define")
                    .arg("table", kind.table())
                    .arg("key", key),
            }),
        }
    }
    let clean = problems.is_empty();
    Linted {
        checklist: clean
            .then(|| library.checklist(key).cloned())
            .flatten()
            .filter(|_| kind == Editable::Checklist),
        module: clean
            .then(|| library.module(key).cloned())
            .flatten()
            .filter(|_| kind == Editable::Module),
        problems,
        library,
    }
}

/// What a change to the checklist or module `key` reaches: the checklists that link a
/// module, the modules a checklist's items send people to, and the positions whose
/// curriculum or checklists name either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub checklists: Vec<String>,
    pub modules: Vec<String>,
    pub curricula: Vec<String>,
}

pub fn reach(library: &Library, kind: Editable, key: &str) -> Reach {
    let mut r = Reach::default();
    match kind {
        Editable::Checklist => {
            r.checklists.push(key.to_string());
            if let Some(c) = library.checklist(key) {
                for (_, item) in c.items() {
                    r.modules.extend(item.training.iter().cloned());
                }
                r.curricula.extend(c.positions.iter().cloned());
            }
        }
        Editable::Module => {
            r.modules.push(key.to_string());
            for c in &library.checklists {
                if c.items().any(|(_, i)| i.training.iter().any(|m| m == key)) {
                    r.checklists.push(c.key.clone());
                }
            }
            for p in &library.positions {
                if p.curriculum.iter().any(|m| m == key) {
                    r.curricula.push(p.key.clone());
                }
            }
        }
    }
    for list in [&mut r.checklists, &mut r.modules, &mut r.curricula] {
        list.sort();
        list.dedup();
    }
    r
}

/// Whether `reviewer` may approve a change `author` proposed: anyone else, and the author
/// too only where the configuration allows self-approval (a one-person team).
pub fn may_approve(author: i32, reviewer: i32, allow_self_approval: bool) -> bool {
    author != reviewer || allow_self_approval
}

/// A sample card for the preview: every item that applies to this person in this context
/// answered as a pass would be (the best mark of its kind), so the author sees what a
/// clean inspection scores and which items count.
pub fn sample_answers(checklist: &Checklist, subject: &Subject, context: &Context) -> Answers {
    checklist
        .items()
        .map(|(_, item)| item)
        .filter(|item| applies(item, subject, context))
        .map(|item| (item.key.clone(), best_answer(&item.kind)))
        .collect()
}

/// The best answer an item of this kind can get: a pass, the full scale, on target…
pub fn best_answer(kind: &ItemKind) -> Answer {
    match kind {
        ItemKind::Check => Answer::Pass,
        ItemKind::Scale { max, .. } => Answer::Scale(*max),
        ItemKind::Measure { allowed, .. } => {
            let (lo, hi) = allowed.bounds();
            Answer::Measure(allowed.target.or(lo).or(hi).unwrap_or(0.0))
        }
        ItemKind::Script { phrases, .. } => Answer::Heard((0..phrases.len()).collect()),
        ItemKind::Steps { steps, .. } => Answer::Done((0..steps.len()).collect()),
        ItemKind::Limit { .. } => Answer::Amount(0.0),
    }
}

/// The form field value the tablet form shows an answer as, for the answers that are one
/// value (a choice or a number).
pub fn answer_field(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Pass => Some("pass".into()),
        Answer::Fail => Some("fail".into()),
        Answer::Na => Some("na".into()),
        Answer::Scale(v) => Some(v.to_string()),
        Answer::Measure(v) | Answer::Amount(v) => Some(v.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_declares_its_kind_and_key() {
        assert_eq!(
            declared("[checklist]\nkey = \"a\"\n"),
            Some((Editable::Checklist, "a".into()))
        );
        assert_eq!(
            declared("[module]\nkey = \"m\"\n"),
            Some((Editable::Module, "m".into()))
        );
        assert_eq!(declared("[checklist\n"), None);
    }

    #[test]
    fn a_copy_takes_the_new_key_and_keeps_the_rest() {
        let text = "# a comment\n[checklist]\nkey = \"old\"\ntitle = { zh = \"甲\", en = \"A\" }\n[[section]]\nkey = \"s\"\n";
        let copy = copy_as(text, Editable::Checklist, "new");
        assert_eq!(declared(&copy), Some((Editable::Checklist, "new".into())));
        assert!(copy.contains("# a comment\n") && copy.contains("key = \"s\""));
    }

    #[test]
    fn only_another_person_approves_unless_allowed() {
        assert!(!may_approve(1, 1, false));
        assert!(may_approve(1, 2, false));
        assert!(may_approve(1, 1, true));
    }
}
