//! Authoring the standard in the browser: which checklist or module a TOML text is, its
//! lint against the rest of the library (the same lint as `decorum checklists lint`),
//! what else a change to it touches, and who may approve a change.

use std::path::{Path, PathBuf};

use super::checklist::{Checklist, Condition, Field, Item, ItemKind, Test};
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

/// Why an item does not apply to this person in this context: the first of its `when`
/// conditions that does not hold, with what it tests, what it wants and what it got
/// (`None` when the preview left that value unset).
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    /// `subject.gender`, `context.situation`…
    pub field: String,
    /// What the condition accepts, as written (`female`, `on-post, greeting`, `1–4`).
    pub wants: String,
    pub got: Option<String>,
}

/// `None` when the item applies; else the condition that leaves it out.
pub fn why_excluded(item: &Item, subject: &Subject, context: &Context) -> Option<Excluded> {
    item.when.iter().find_map(|c: &Condition| {
        let value = match &c.field {
            Field::SubjectGender => subject
                .gender
                .map(|g| super::Value::Text(g.as_str().to_string())),
            Field::SubjectPosition => subject.position.clone().map(super::Value::Text),
            Field::Context(key) => context.get(key).cloned(),
        };
        (!c.test.holds(value.as_ref())).then(|| Excluded {
            field: c.field.to_string(),
            wants: match &c.test {
                Test::Is(v) => v.to_string(),
                Test::In(list) => list
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                Test::Range { min, max } => format!(
                    "{}–{}",
                    min.map_or(String::new(), |n| n.to_string()),
                    max.map_or(String::new(), |n| n.to_string())
                ),
            },
            got: value.map(|v| v.to_string()),
        })
    })
}

/// One row of a side-by-side comparison of two texts: the old line and the new line
/// (with their numbers), either missing where a line was added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub old: Option<(usize, String)>,
    pub new: Option<(usize, String)>,
}

impl DiffRow {
    pub fn changed(&self) -> bool {
        match (&self.old, &self.new) {
            (Some((_, a)), Some((_, b))) => a != b,
            _ => true,
        }
    }
}

/// The two texts line by line, side by side (a longest-common-subsequence alignment;
/// a removed line beside an added one at the same place shows as a changed line).
pub fn side_by_side(old: &str, new: &str) -> Vec<DiffRow> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // The common head and tail are matched as they are; the alignment works on the rest.
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let same = |i: usize, j: usize| DiffRow {
        old: Some((i + 1, a[i].to_string())),
        new: Some((j + 1, b[j].to_string())),
    };
    let mut rows: Vec<DiffRow> = (0..head).map(|n| same(n, n)).collect();
    // (old index, new index) of each middle line kept, in order; a middle too large to
    // align (over a million cells) is shown as all changed.
    let mut kept: Vec<(usize, usize)> = Vec::new();
    if mid_a.len().saturating_mul(mid_b.len()) <= 1_000_000 {
        // lcs[i][j]: the common lines of mid_a[i..] and mid_b[j..].
        let mut lcs = vec![vec![0u32; mid_b.len() + 1]; mid_a.len() + 1];
        for i in (0..mid_a.len()).rev() {
            for j in (0..mid_b.len()).rev() {
                lcs[i][j] = if mid_a[i] == mid_b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < mid_a.len() && j < mid_b.len() {
            if mid_a[i] == mid_b[j] {
                kept.push((head + i, head + j));
                i += 1;
                j += 1;
            } else if lcs[i][j + 1] >= lcs[i + 1][j] {
                j += 1;
            } else {
                i += 1;
            }
        }
    }
    // Between kept lines, the removed lines beside the added ones.
    let (mut i, mut j) = (head, head);
    let ends = (a.len() - tail, b.len() - tail);
    for (ki, kj) in kept.into_iter().chain(std::iter::once(ends)) {
        let (removed, added) = (ki - i, kj - j);
        for n in 0..removed.max(added) {
            rows.push(DiffRow {
                old: (n < removed).then(|| (i + n + 1, a[i + n].to_string())),
                new: (n < added).then(|| (j + n + 1, b[j + n].to_string())),
            });
        }
        if (ki, kj) != ends {
            rows.push(same(ki, kj));
        }
        (i, j) = (ki + 1, kj + 1);
    }
    rows.extend((0..tail).map(|n| same(a.len() - tail + n, b.len() - tail + n)));
    rows
}

/// The line (1-based) where `needle` first appears in `text`, for pointing at a file
/// name the lint cannot check (an image that was never uploaded).
pub fn line_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(n, line)| {
        line.find(needle)
            .map(|col| (n + 1, line[..col].chars().count() + 1))
    })
}

/// The snippet an author pastes into a module page to show an uploaded image.
pub fn image_snippet(file: &str) -> String {
    format!("[[page.image]]\nfile = \"{file}\"\nalt = {{ zh = \"…\", en = \"…\" }}\n")
}

/// A starting point for a new module that copies no other: one page and one question
/// to fill in (`KEY` is replaced by the new key; the clause is one to change).
pub fn module_template(key: &str) -> String {
    MODULE_TEMPLATE.replace("KEY", key)
}

const MODULE_TEMPLATE: &str = r#"[module]
key = "KEY"
title = { zh = "標題", en = "Title" }
summary = { zh = "一句話說明這個單元教什麼。", en = "One sentence on what this module teaches." }
clauses = ["4.2.1"]
minutes = 10
pass_mark = 80
due_days = 7
due_days_critical = 2

[[page]]
title = { zh = "規定", en = "The rule" }
body = { zh = """標準怎樣規定。""", en = """What the standard says.""" }

[[question]]
key = "the-rule"
kind = "single"
text = { zh = "標準怎樣規定？", en = "What does the standard say?" }
options = [
  { zh = "正確答案", en = "The right answer", correct = true },
  { zh = "錯誤答案", en = "A wrong answer" },
]
explanation = { zh = "為何正確。", en = "Why it is right." }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_pairs_changed_lines_and_keeps_equal_ones() {
        let rows = side_by_side("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(rows.len(), 4);
        assert!(!rows[0].changed());
        assert_eq!(rows[1].old, Some((2, "b".into())));
        assert_eq!(rows[1].new, Some((2, "B".into())));
        assert!(!rows[2].changed());
        assert_eq!(rows[3].old, None);
        assert_eq!(rows[3].new, Some((4, "d".into())));
    }

    #[test]
    fn a_line_is_found_with_its_column() {
        assert_eq!(line_of("x\n  file = \"ab\"\n", "ab"), Some((2, 11)));
        assert_eq!(line_of("x", "y"), None);
    }

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
