//! Parse and lint the checklist library (see docs/checklist-format.md).
//!
//! Parsing is two-layered: serde reads each file into "raw" structs that keep the
//! source span of every value, then `Parser` checks them and builds the validated
//! model, recording every problem with its `file:line:column`. Cross-file references
//! (clauses, modules, positions, duplicate keys, clause coverage) are checked once all
//! files are read. Nothing here touches the file system: callers pass the file texts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use super::checklist::*;
use super::text::Text;
use super::training::{Clause, Module, Page, Position, Question, QuizOption};

/// One file of the library, as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// A problem found in a file, located for editors and CI logs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Everything the library defines, validated.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub checklists: Vec<Checklist>,
    pub modules: Vec<Module>,
    pub positions: Vec<Position>,
    pub clauses: Vec<Clause>,
}

impl Library {
    pub fn checklist(&self, key: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.key == key)
    }

    pub fn module(&self, key: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.key == key)
    }

    pub fn position(&self, key: &str) -> Option<&Position> {
        self.positions.iter().find(|p| p.key == key)
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }
}

/// Parse and check a set of files together.
pub fn parse_library(files: &[SourceFile]) -> (Library, Vec<Diagnostic>) {
    let (library, refs, mut diagnostics) = parse_and_resolve(files);
    refs.check_coverage(&library, &mut diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    (library, diagnostics)
}

/// The part of a library that can be used while some of its files are broken, with every
/// problem found. A file with a problem is left out, then any file that leaving it out
/// breaks (a checklist naming a module whose file is broken), until the rest is clean.
/// A clause no item traces is reported but leaves nothing out: it is a gap in the
/// library, not a fault in the standard's file, and would otherwise take every checklist
/// with it whenever one checklist file is broken.
pub fn usable_library(files: &[SourceFile]) -> (Library, Vec<Diagnostic>) {
    let (_, mut problems) = parse_library(files);
    let mut kept: Vec<&SourceFile> = files.iter().collect();
    loop {
        let (library, _, diagnostics) = parse_and_resolve(kept.iter().copied());
        if diagnostics.is_empty() {
            problems.sort();
            problems.dedup();
            return (library, problems);
        }
        kept.retain(|f| !diagnostics.iter().any(|d| d.file == f.path));
        problems.extend(diagnostics);
    }
}

/// Parse the files and check their references to each other (all but clause coverage).
fn parse_and_resolve<'a>(
    files: impl IntoIterator<Item = &'a SourceFile>,
) -> (Library, References, Vec<Diagnostic>) {
    let mut library = Library::default();
    let mut diagnostics = Vec::new();
    let mut refs = References::default();
    for file in files {
        let mut parser = Parser::new(file, &mut diagnostics, &mut refs);
        parser.parse_file(&mut library);
    }
    refs.check(&mut diagnostics);
    (library, refs, diagnostics)
}

/// Where a key is defined or used, for the cross-file checks.
#[derive(Debug, Clone)]
struct Site {
    file: PathBuf,
    line: usize,
    column: usize,
}

impl Site {
    fn diagnostic(&self, message: String) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Namespace {
    Checklist,
    Module,
    Position,
    Clause,
}

impl Namespace {
    fn noun(self) -> &'static str {
        match self {
            Namespace::Checklist => "checklist",
            Namespace::Module => "training module",
            Namespace::Position => "position",
            Namespace::Clause => "clause",
        }
    }
}

#[derive(Default)]
struct References {
    defined: Vec<(Namespace, String, Site)>,
    used: Vec<(Namespace, String, Site)>,
    /// Clauses the items trace to, for the coverage check.
    traced: BTreeSet<String>,
}

impl References {
    /// Duplicate definitions and references to nothing.
    fn check(&self, out: &mut Vec<Diagnostic>) {
        let mut first: HashMap<(Namespace, &str), &Site> = HashMap::new();
        for (ns, key, site) in &self.defined {
            if let Some(earlier) = first.get(&(*ns, key.as_str())) {
                out.push(site.diagnostic(format!(
                    "duplicate {} `{key}` (first defined at {}:{}:{})",
                    ns.noun(),
                    earlier.file.display(),
                    earlier.line,
                    earlier.column
                )));
            } else {
                first.insert((*ns, key.as_str()), site);
            }
        }
        for (ns, key, site) in &self.used {
            if !first.contains_key(&(*ns, key.as_str())) {
                out.push(site.diagnostic(format!("unknown {} `{key}`", ns.noun())));
            }
        }
    }

    /// Every clause to inspect is traced by some checklist item.
    fn check_coverage(&self, library: &Library, out: &mut Vec<Diagnostic>) {
        for clause in library.clauses.iter().filter(|c| c.inspect) {
            if !self.traced.contains(&clause.id) {
                let site = self
                    .defined
                    .iter()
                    .find(|(ns, key, _)| *ns == Namespace::Clause && *key == clause.id)
                    .map(|(_, _, site)| site);
                if let Some(site) = site {
                    out.push(site.diagnostic(format!(
                        "clause `{}` is not traced by any checklist item (add an item, or mark it `inspect = false`)",
                        clause.id
                    )));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Raw file shapes, as serde reads them.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    zh: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklistFile {
    checklist: RawChecklistHead,
    #[serde(default)]
    context: Vec<RawContext>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklistHead {
    key: Spanned<String>,
    title: RawText,
    description: Option<RawText>,
    positions: Spanned<Vec<Spanned<String>>>,
    pass_mark: Spanned<f64>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    key: Spanned<String>,
    label: RawText,
    kind: Spanned<String>,
    options: Option<Spanned<Vec<RawChoice>>>,
    min: Option<Spanned<f64>>,
    max: Option<Spanned<f64>>,
    default: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    value: Spanned<String>,
    zh: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: Spanned<String>,
    title: RawText,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    key: Spanned<String>,
    clause: Spanned<String>,
    kind: Spanned<String>,
    text: RawText,
    guidance: RawText,
    weight: Option<Spanned<f64>>,
    critical: Option<bool>,
    required: Option<bool>,
    na: Option<bool>,
    training: Spanned<Vec<Spanned<String>>>,
    when: Option<Spanned<toml::Value>>,
    // Kind-specific fields; which ones belong to which kind is checked by hand so the
    // message can say so.
    max: Option<Spanned<f64>>,
    min: Option<Spanned<f64>>,
    pass_at: Option<Spanned<f64>>,
    labels: Option<Spanned<Vec<RawText>>>,
    unit: Option<Spanned<String>>,
    target: Option<Spanned<f64>>,
    tolerance: Option<Spanned<f64>>,
    range: Option<Spanned<Vec<f64>>>,
    script: Option<RawText>,
    phrases: Option<Spanned<Vec<RawText>>>,
    steps: Option<Spanned<Vec<RawText>>>,
    in_order: Option<Spanned<bool>>,
    limit: Option<Spanned<RawLimit>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    by: Spanned<String>,
    base: Spanned<BTreeMap<String, f64>>,
    per: Option<Spanned<String>>,
    above: Option<f64>,
    extra: Option<Spanned<BTreeMap<String, f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModuleFile {
    module: RawModuleHead,
    #[serde(default)]
    page: Vec<RawPage>,
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModuleHead {
    key: Spanned<String>,
    title: RawText,
    summary: RawText,
    clauses: Spanned<Vec<Spanned<String>>>,
    minutes: Spanned<u32>,
    pass_mark: Spanned<f64>,
    due_days: Spanned<u32>,
    due_days_critical: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: RawText,
    body: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: Spanned<String>,
    kind: Spanned<String>,
    text: RawText,
    options: Spanned<Vec<RawQuizOption>>,
    explanation: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuizOption {
    zh: Spanned<String>,
    en: Spanned<String>,
    #[serde(default)]
    correct: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPositionsFile {
    position: Vec<RawPosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosition {
    key: Spanned<String>,
    name: RawText,
    curriculum: Spanned<Vec<Spanned<String>>>,
    curriculum_due_days: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandardFile {
    source: RawSource,
    #[serde(default)]
    clause: Vec<RawClause>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    key: Spanned<String>,
    title: RawText,
    description: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    id: Spanned<String>,
    title: Option<RawText>,
    text: RawText,
    inspect: Option<bool>,
}

// ---------------------------------------------------------------------------
// Checking one file.

struct Parser<'a> {
    file: &'a SourceFile,
    line_starts: Vec<usize>,
    out: &'a mut Vec<Diagnostic>,
    refs: &'a mut References,
}

/// Which characters a key may use.
#[derive(Clone, Copy)]
enum KeyStyle {
    Kebab,
    /// Context keys may also use `_`.
    Snake,
}

impl<'a> Parser<'a> {
    fn new(file: &'a SourceFile, out: &'a mut Vec<Diagnostic>, refs: &'a mut References) -> Self {
        let line_starts = std::iter::once(0)
            .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Parser {
            file,
            line_starts,
            out,
            refs,
        }
    }

    fn site(&self, offset: usize) -> Site {
        let offset = offset.min(self.file.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .file
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        Site {
            file: self.file.path.clone(),
            line,
            column,
        }
    }

    fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let diagnostic = self.site(span.start).diagnostic(message.into());
        self.out.push(diagnostic);
    }

    fn define(&mut self, ns: Namespace, key: &Spanned<String>) {
        let site = self.site(key.span().start);
        self.refs.defined.push((ns, key.get_ref().clone(), site));
    }

    fn use_key(&mut self, ns: Namespace, key: &Spanned<String>) {
        let site = self.site(key.span().start);
        self.refs.used.push((ns, key.get_ref().clone(), site));
    }

    fn parse_file(&mut self, library: &mut Library) {
        let table = match toml::from_str::<toml::Table>(&self.file.text) {
            Ok(table) => table,
            Err(e) => return self.serde_error(&e),
        };
        let text = self.file.text.as_str();
        if table.contains_key("checklist") {
            match toml::from_str::<RawChecklistFile>(text) {
                Ok(raw) => {
                    if let Some(checklist) = self.checklist(raw) {
                        library.checklists.push(checklist);
                    }
                }
                Err(e) => self.serde_error(&e),
            }
        } else if table.contains_key("module") {
            match toml::from_str::<RawModuleFile>(text) {
                Ok(raw) => {
                    if let Some(module) = self.module(raw) {
                        library.modules.push(module);
                    }
                }
                Err(e) => self.serde_error(&e),
            }
        } else if table.contains_key("position") {
            match toml::from_str::<RawPositionsFile>(text) {
                Ok(raw) => library.positions.extend(self.positions(raw)),
                Err(e) => self.serde_error(&e),
            }
        } else if table.contains_key("source") {
            match toml::from_str::<RawStandardFile>(text) {
                Ok(raw) => library.clauses.extend(self.standard(raw)),
                Err(e) => self.serde_error(&e),
            }
        } else {
            self.error(
                &(0..0),
                "not a library file: expected a [checklist], [module], [[position]] or [source] table",
            );
        }
    }

    fn serde_error(&mut self, e: &toml::de::Error) {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace('\n', " ");
        self.error(&span, message);
    }

    fn key(&mut self, key: &Spanned<String>, what: &str, style: KeyStyle) -> String {
        let k = key.get_ref();
        let ok_char = |c: char| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '-'
                || (c == '_' && matches!(style, KeyStyle::Snake))
        };
        let valid = k.len() <= 64
            && k.starts_with(|c: char| c.is_ascii_lowercase())
            && k.chars().all(ok_char);
        if !valid {
            let allowed = match style {
                KeyStyle::Kebab => "lower-case letters, digits and -",
                KeyStyle::Snake => "lower-case letters, digits, - and _",
            };
            self.error(
                &key.span(),
                format!("{what} key `{k}` is not valid: use {allowed}, starting with a letter, at most 64 characters"),
            );
        }
        k.clone()
    }

    fn text(&mut self, raw: RawText, what: &str) -> Text {
        let zh = self.one_text(raw.zh, what, "zh");
        let en = self.one_text(raw.en, what, "en");
        Text { zh, en }
    }

    fn one_text(&mut self, value: Spanned<String>, what: &str, lang: &str) -> String {
        let span = value.span();
        let s = value.into_inner();
        if s.trim().is_empty() {
            self.error(&span, format!("{what}: the {lang} text is empty"));
        } else if s.contains('\0') {
            self.error(
                &span,
                format!("{what}: the {lang} text contains a NUL character"),
            );
        } else if lang == "zh" && !s.chars().any(is_cjk) {
            self.error(
                &span,
                format!(
                    "{what}: the zh text has no Chinese characters (is it in the wrong language?)"
                ),
            );
        }
        s.trim().to_string()
    }

    fn texts(&mut self, list: Vec<RawText>, what: &str) -> Vec<Text> {
        list.into_iter().map(|t| self.text(t, what)).collect()
    }

    fn references(
        &mut self,
        ns: Namespace,
        list: Spanned<Vec<Spanned<String>>>,
        what: &str,
        at_least_one: bool,
    ) -> Vec<String> {
        if at_least_one && list.get_ref().is_empty() {
            self.error(
                &list.span(),
                format!("{what} must name at least one {}", ns.noun()),
            );
        }
        let mut seen = BTreeSet::new();
        let mut keys = Vec::new();
        for key in list.into_inner() {
            if !seen.insert(key.get_ref().clone()) {
                self.error(
                    &key.span(),
                    format!("{} `{}` is listed twice", ns.noun(), key.get_ref()),
                );
                continue;
            }
            self.use_key(ns, &key);
            keys.push(key.into_inner());
        }
        keys
    }

    fn percent(&mut self, value: &Spanned<f64>, what: &str) -> f64 {
        let v = *value.get_ref();
        if !(0.0..=100.0).contains(&v) {
            self.error(
                &value.span(),
                format!("{what} must be a percent between 0 and 100, not {v}"),
            );
        }
        v
    }

    // -- checklists --------------------------------------------------------

    fn checklist(&mut self, raw: RawChecklistFile) -> Option<Checklist> {
        let errors_before = self.out.len();
        let head = raw.checklist;
        self.define(Namespace::Checklist, &head.key);
        let key = self.key(&head.key, "checklist", KeyStyle::Kebab);
        let title = self.text(head.title, "checklist title");
        let description = head
            .description
            .map(|d| self.text(d, "checklist description"));
        let positions = self.references(Namespace::Position, head.positions, "`positions`", true);
        let pass_mark = self.percent(&head.pass_mark, "`pass_mark`");
        if head.source.get_ref().trim().is_empty() {
            self.error(
                &head.source.span(),
                "`source` is empty: name the part of the standard this checklist checks",
            );
        }
        let context = self.context_fields(raw.context);

        if raw.section.is_empty() {
            self.error(
                &head.key.span(),
                format!("checklist `{key}` has no [[section]]"),
            );
        }
        let mut section_keys = BTreeSet::new();
        let mut item_keys = BTreeSet::new();
        let mut sections = Vec::new();
        for raw_section in raw.section {
            let section_key = self.key(&raw_section.key, "section", KeyStyle::Kebab);
            if !section_keys.insert(section_key.clone()) {
                self.error(
                    &raw_section.key.span(),
                    format!("duplicate section key `{section_key}`"),
                );
            }
            let title = self.text(raw_section.title, "section title");
            if raw_section.item.is_empty() {
                self.error(
                    &raw_section.key.span(),
                    format!("section `{section_key}` has no [[section.item]]"),
                );
            }
            let mut items = Vec::new();
            for raw_item in raw_section.item {
                if !item_keys.insert(raw_item.key.get_ref().clone()) {
                    self.error(
                        &raw_item.key.span(),
                        format!(
                            "duplicate item key `{}` in checklist `{key}`",
                            raw_item.key.get_ref()
                        ),
                    );
                }
                if let Some(item) = self.item(raw_item, &context) {
                    items.push(item);
                }
            }
            sections.push(Section {
                key: section_key,
                title,
                items,
            });
        }
        (self.out.len() == errors_before).then_some(Checklist {
            key,
            title,
            description,
            positions,
            pass_mark,
            source: head.source.into_inner(),
            context,
            sections,
        })
    }

    fn context_fields(&mut self, raw: Vec<RawContext>) -> Vec<ContextField> {
        let mut seen = BTreeSet::new();
        let mut fields = Vec::new();
        for field in raw {
            let key = self.key(&field.key, "context", KeyStyle::Snake);
            if !seen.insert(key.clone()) {
                self.error(&field.key.span(), format!("duplicate context key `{key}`"));
            }
            let label = self.text(field.label, "context label");
            let kind = match field.kind.get_ref().as_str() {
                "choice" => {
                    if field.min.is_some() || field.max.is_some() {
                        self.error(
                            &field.key.span(),
                            "a `choice` context takes `options`, not `min`/`max`",
                        );
                    }
                    let Some(options) = field.options else {
                        self.error(
                            &field.key.span(),
                            format!("choice context `{key}` needs `options`"),
                        );
                        continue;
                    };
                    if options.get_ref().len() < 2 {
                        self.error(&options.span(), "a choice needs at least two options");
                    }
                    let mut values = BTreeSet::new();
                    let mut list = Vec::new();
                    for option in options.into_inner() {
                        let value = self.key(&option.value, "option", KeyStyle::Snake);
                        if !values.insert(value.clone()) {
                            self.error(&option.value.span(), format!("duplicate option `{value}`"));
                        }
                        let label = self.text(
                            RawText {
                                zh: option.zh,
                                en: option.en,
                            },
                            "option label",
                        );
                        list.push(ChoiceOption { value, label });
                    }
                    let default = match field.default {
                        None => None,
                        Some(d) => match d.get_ref().as_str() {
                            Some(v) if values.contains(v) => Some(v.to_string()),
                            _ => {
                                self.error(
                                    &d.span(),
                                    format!("default of `{key}` must be one of its options"),
                                );
                                None
                            }
                        },
                    };
                    ContextKind::Choice {
                        options: list,
                        default,
                    }
                }
                "number" => {
                    if field.options.is_some() {
                        self.error(
                            &field.key.span(),
                            "a `number` context takes `min` and `max`, not `options`",
                        );
                    }
                    let (Some(min), Some(max)) = (field.min, field.max) else {
                        self.error(
                            &field.key.span(),
                            format!("number context `{key}` needs both `min` and `max`"),
                        );
                        continue;
                    };
                    if min.get_ref() > max.get_ref() {
                        self.error(
                            &min.span(),
                            format!(
                                "`min` ({}) is greater than `max` ({})",
                                min.get_ref(),
                                max.get_ref()
                            ),
                        );
                    }
                    let default = match field.default {
                        None => None,
                        Some(d) => match toml_number(d.get_ref()) {
                            Some(v) if v >= *min.get_ref() && v <= *max.get_ref() => Some(v),
                            _ => {
                                self.error(
                                    &d.span(),
                                    format!(
                                        "default of `{key}` must be a number from {} to {}",
                                        min.get_ref(),
                                        max.get_ref()
                                    ),
                                );
                                None
                            }
                        },
                    };
                    ContextKind::Number {
                        min: *min.get_ref(),
                        max: *max.get_ref(),
                        default,
                    }
                }
                other => {
                    self.error(
                        &field.kind.span(),
                        format!("unknown context kind `{other}` (expected choice or number)"),
                    );
                    continue;
                }
            };
            fields.push(ContextField { key, label, kind });
        }
        fields
    }

    fn item(&mut self, raw: RawItem, context: &[ContextField]) -> Option<Item> {
        let errors_before = self.out.len();
        let key = self.key(&raw.key, "item", KeyStyle::Kebab);
        let clause_span = raw.clause.span();
        let site = self.site(clause_span.start);
        self.refs
            .used
            .push((Namespace::Clause, raw.clause.get_ref().clone(), site));
        self.refs.traced.insert(raw.clause.get_ref().clone());
        let text = self.text(raw.text, "item text");
        let guidance = self.text(raw.guidance, "item guidance");
        let weight = match raw.weight {
            None => 1.0,
            Some(w) => {
                let v = *w.get_ref();
                if !(v > 0.0 && v <= 100.0) {
                    self.error(
                        &w.span(),
                        format!("`weight` must be greater than 0 and at most 100, not {v}"),
                    );
                }
                v
            }
        };
        let training = self.references(Namespace::Module, raw.training, "`training`", true);
        let when = match &raw.when {
            None => Vec::new(),
            Some(w) => self.conditions(w, context),
        };

        let kind_span = raw.kind.span();
        let kind_name = raw.kind.get_ref().clone();
        let fields: [(&str, Option<Range<usize>>); 13] = [
            ("max", raw.max.as_ref().map(|v| v.span())),
            ("min", raw.min.as_ref().map(|v| v.span())),
            ("pass_at", raw.pass_at.as_ref().map(|v| v.span())),
            ("labels", raw.labels.as_ref().map(|v| v.span())),
            ("unit", raw.unit.as_ref().map(|v| v.span())),
            ("target", raw.target.as_ref().map(|v| v.span())),
            ("tolerance", raw.tolerance.as_ref().map(|v| v.span())),
            ("range", raw.range.as_ref().map(|v| v.span())),
            ("script", raw.script.as_ref().map(|v| v.zh.span())),
            ("phrases", raw.phrases.as_ref().map(|v| v.span())),
            ("steps", raw.steps.as_ref().map(|v| v.span())),
            ("in_order", raw.in_order.as_ref().map(|v| v.span())),
            ("limit", raw.limit.as_ref().map(|v| v.span())),
        ];
        let allowed: &[&str] = match kind_name.as_str() {
            "check" => &[],
            "scale" => &["max", "pass_at", "labels"],
            "measure" => &["unit", "target", "tolerance", "min", "max", "range"],
            "script" => &["script", "phrases", "pass_at"],
            "steps" => &["steps", "in_order", "pass_at"],
            "limit" => &["unit", "limit"],
            other => {
                self.error(
                    &kind_span,
                    format!(
                        "unknown item kind `{other}` (expected one of: {})",
                        ItemKind::NAMES.join(", ")
                    ),
                );
                return None;
            }
        };
        for (name, span) in &fields {
            if let Some(span) = span
                && !allowed.contains(name)
            {
                self.error(
                    span,
                    format!("`{name}` does not apply to a `{kind_name}` item"),
                );
            }
        }

        let kind = match kind_name.as_str() {
            "check" => Some(ItemKind::Check),
            "scale" => self.scale_kind(&raw.key, raw.max, raw.pass_at, raw.labels),
            "measure" => self
                .measure_kind(
                    &raw.key,
                    raw.unit,
                    raw.target,
                    raw.tolerance,
                    raw.min,
                    raw.max,
                )
                .and_then(|measure| self.with_input_range(&raw.key, measure, raw.range)),
            "script" => self.script_kind(&raw.key, raw.script, raw.phrases, raw.pass_at),
            "steps" => self.steps_kind(&raw.key, raw.steps, raw.in_order, raw.pass_at),
            "limit" => self.limit_kind(&raw.key, raw.unit, raw.limit, context, &when),
            _ => None,
        };
        let kind = kind?;
        (self.out.len() == errors_before).then_some(Item {
            key,
            clause: raw.clause.into_inner(),
            text,
            guidance,
            weight,
            critical: raw.critical.unwrap_or(false),
            required: raw.required.unwrap_or(true),
            na: raw.na.unwrap_or(true),
            training,
            when,
            kind,
        })
    }

    fn count(&mut self, value: &Spanned<f64>, what: &str, lo: u32, hi: u32) -> Option<u32> {
        let v = *value.get_ref();
        if v.fract() != 0.0 || v < lo as f64 || v > hi as f64 {
            self.error(
                &value.span(),
                format!("{what} must be a whole number from {lo} to {hi}, not {v}"),
            );
            return None;
        }
        Some(v as u32)
    }

    fn scale_kind(
        &mut self,
        key: &Spanned<String>,
        max: Option<Spanned<f64>>,
        pass_at: Option<Spanned<f64>>,
        labels: Option<Spanned<Vec<RawText>>>,
    ) -> Option<ItemKind> {
        let Some(max) = max else {
            self.error(
                &key.span(),
                "a `scale` item needs `max` (the top of the scale, 1–10)",
            );
            return None;
        };
        let max = self.count(&max, "`max`", 1, 10)?;
        let pass_at = match pass_at {
            None => max,
            Some(p) => self.count(&p, "`pass_at`", 0, max)?,
        };
        let labels = match labels {
            None => Vec::new(),
            Some(l) => {
                if l.get_ref().len() != max as usize + 1 {
                    self.error(
                        &l.span(),
                        format!(
                            "`labels` needs {} entries, one for each point 0…{max}",
                            max + 1
                        ),
                    );
                }
                self.texts(l.into_inner(), "scale label")
            }
        };
        Some(ItemKind::Scale {
            max,
            pass_at,
            labels,
        })
    }

    fn measure_kind(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        target: Option<Spanned<f64>>,
        tolerance: Option<Spanned<f64>>,
        min: Option<Spanned<f64>>,
        max: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let unit = self.unit(key, unit, "measure")?;
        let allowed = match (target, tolerance) {
            (Some(t), Some(tol)) => {
                if let Some(span) = min.as_ref().or(max.as_ref()).map(|v| v.span()) {
                    self.error(
                        &span,
                        "give either `target` and `tolerance`, or `min`/`max`, not both",
                    );
                }
                if *tol.get_ref() < 0.0 {
                    self.error(&tol.span(), "`tolerance` must not be negative");
                }
                Allowed::target(*t.get_ref(), *tol.get_ref())
            }
            (Some(t), None) => {
                self.error(&t.span(), "`target` needs a `tolerance`");
                return None;
            }
            (None, Some(tol)) => {
                self.error(&tol.span(), "`tolerance` needs a `target`");
                return None;
            }
            (None, None) => {
                if min.is_none() && max.is_none() {
                    self.error(
                        &key.span(),
                        "a `measure` item needs `target` and `tolerance`, or `min` and/or `max`",
                    );
                    return None;
                }
                if let (Some(lo), Some(hi)) = (&min, &max)
                    && lo.get_ref() > hi.get_ref()
                {
                    self.error(
                        &lo.span(),
                        format!(
                            "`min` ({}) is greater than `max` ({})",
                            lo.get_ref(),
                            hi.get_ref()
                        ),
                    );
                }
                Allowed::range(min.map(|v| *v.get_ref()), max.map(|v| *v.get_ref()))
            }
        };
        Some(ItemKind::Measure {
            unit,
            allowed,
            range: None,
        })
    }

    /// A measure with its `range` checked and set (see [`Self::input_range`]).
    fn with_input_range(
        &mut self,
        key: &Spanned<String>,
        measure: ItemKind,
        range: Option<Spanned<Vec<f64>>>,
    ) -> Option<ItemKind> {
        let ItemKind::Measure { unit, allowed, .. } = measure else {
            return Some(measure);
        };
        let range = self.input_range(key, &unit, &allowed, range)?;
        Some(ItemKind::Measure {
            unit,
            allowed,
            range,
        })
    }

    /// A measure's `range = [min, max]`: the values the form accepts. It must hold every
    /// passing value; without it the unit needs a default (see `default_input_range`).
    fn input_range(
        &mut self,
        key: &Spanned<String>,
        unit: &str,
        allowed: &Allowed,
        range: Option<Spanned<Vec<f64>>>,
    ) -> Option<Option<(f64, f64)>> {
        let (span, given) = match &range {
            Some(r) => match r.get_ref()[..] {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => {
                    (r.span(), Some((lo, hi)))
                }
                _ => {
                    self.error(
                        &r.span(),
                        "`range` is two numbers, the lowest and the highest value the form accepts: `range = [0, 180]`",
                    );
                    return None;
                }
            },
            None => (key.span(), None),
        };
        let Some((lo, hi)) = given.or_else(|| default_input_range(unit)) else {
            self.error(
                &key.span(),
                format!(
                    "`{unit}` has no default input range: give the values the form accepts, such as `range = [0, 5000]`"
                ),
            );
            return None;
        };
        let (pass_lo, pass_hi) = allowed.bounds();
        let outside =
            pass_lo.is_some_and(|v| v < lo || v > hi) || pass_hi.is_some_and(|v| v < lo || v > hi);
        if outside {
            let whose = if given.is_some() {
                "`range`"
            } else {
                "the unit's default input range"
            };
            self.error(
                &span,
                format!("{whose} {lo}–{hi} {unit} does not hold the passing values of this item"),
            );
            return None;
        }
        Some(given)
    }

    fn unit(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        kind: &str,
    ) -> Option<String> {
        match unit {
            Some(u) if !u.get_ref().trim().is_empty() => Some(u.into_inner()),
            Some(u) => {
                self.error(&u.span(), "`unit` is empty");
                None
            }
            None => {
                self.error(
                    &key.span(),
                    format!("a `{kind}` item needs a `unit` (such as °, cm or 元)"),
                );
                None
            }
        }
    }

    fn script_kind(
        &mut self,
        key: &Spanned<String>,
        script: Option<RawText>,
        phrases: Option<Spanned<Vec<RawText>>>,
        pass_at: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let (Some(script), Some(phrases)) = (script, phrases) else {
            self.error(&key.span(), "a `script` item needs `script` (the words in full) and `phrases` (the key phrases)");
            return None;
        };
        let script = self.text(script, "script");
        let count = phrases.get_ref().len();
        if count == 0 {
            self.error(
                &phrases.span(),
                "`phrases` must list at least one key phrase",
            );
            return None;
        }
        let phrases = self.texts(phrases.into_inner(), "phrase");
        let pass_at = match pass_at {
            None => count as u32,
            Some(p) => self.count(&p, "`pass_at`", 1, count as u32)?,
        };
        Some(ItemKind::Script {
            script,
            phrases,
            pass_at,
        })
    }

    fn steps_kind(
        &mut self,
        key: &Spanned<String>,
        steps: Option<Spanned<Vec<RawText>>>,
        in_order: Option<Spanned<bool>>,
        pass_at: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let Some(steps) = steps else {
            self.error(
                &key.span(),
                "a `steps` item needs `steps`, the service steps in order",
            );
            return None;
        };
        let count = steps.get_ref().len();
        if count < 2 {
            self.error(
                &steps.span(),
                "`steps` must list at least two steps (use a `check` for one)",
            );
            return None;
        }
        let steps = self.texts(steps.into_inner(), "step");
        let pass_at = match pass_at {
            None => count as u32,
            Some(p) => self.count(&p, "`pass_at`", 1, count as u32)?,
        };
        Some(ItemKind::Steps {
            steps,
            in_order: in_order.is_some_and(|v| *v.get_ref()),
            pass_at,
        })
    }

    fn limit_kind(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        limit: Option<Spanned<RawLimit>>,
        context: &[ContextField],
        when: &[Condition],
    ) -> Option<ItemKind> {
        let unit = self.unit(key, unit, "limit");
        let Some(limit) = limit else {
            self.error(
                &key.span(),
                "a `limit` item needs `limit = { by = …, base = { … } }`",
            );
            return None;
        };
        let limit_span = limit.span();
        let raw = limit.into_inner();
        let by = raw.by.get_ref().clone();
        let options: Vec<String> = match context.iter().find(|c| c.key == by).map(|c| &c.kind) {
            Some(ContextKind::Choice { options, .. }) => {
                options.iter().map(|o| o.value.clone()).collect()
            }
            Some(ContextKind::Number { .. }) => {
                self.error(
                    &raw.by.span(),
                    format!("`by` must name a choice context; `{by}` is a number"),
                );
                return None;
            }
            None => {
                self.error(&raw.by.span(), format!("`by` names unknown context `{by}`"));
                return None;
            }
        };
        // Options the item's own condition rules out need no cap.
        let field = Field::Context(by.clone());
        let reachable: Vec<&String> = options
            .iter()
            .filter(|o| {
                when.iter()
                    .filter(|c| c.field == field)
                    .all(|c| c.test.holds(Some(&Value::Text((*o).clone()))))
            })
            .collect();
        for option in &reachable {
            if !raw.base.get_ref().contains_key(*option) {
                self.error(
                    &raw.base.span(),
                    format!("`base` has no cap for `{option}` (add it, or exclude it with `when`)"),
                );
            }
        }
        self.check_caps(&raw.base, &options, &by, "base");
        if let Some(extra) = &raw.extra {
            self.check_caps(extra, &options, &by, "extra");
        }
        let per = match &raw.per {
            None => {
                if raw.extra.is_some() || raw.above.is_some() {
                    self.error(
                        &limit_span,
                        "`extra` and `above` need `per` (the number context to count)",
                    );
                }
                None
            }
            Some(per) => {
                match context
                    .iter()
                    .find(|c| c.key == *per.get_ref())
                    .map(|c| &c.kind)
                {
                    Some(ContextKind::Number { .. }) => {}
                    Some(ContextKind::Choice { .. }) => self.error(
                        &per.span(),
                        format!(
                            "`per` must name a number context; `{}` is a choice",
                            per.get_ref()
                        ),
                    ),
                    None => self.error(
                        &per.span(),
                        format!("`per` names unknown context `{}`", per.get_ref()),
                    ),
                }
                if raw.extra.is_none() {
                    self.error(
                        &per.span(),
                        "`per` needs `extra`, the amount added for each unit above `above`",
                    );
                }
                Some(per.get_ref().clone())
            }
        };
        Some(ItemKind::Limit {
            unit: unit?,
            limit: LimitRule {
                by,
                base: raw.base.into_inner(),
                per,
                above: raw.above.unwrap_or(0.0),
                extra: raw.extra.map(|e| e.into_inner()).unwrap_or_default(),
            },
        })
    }

    fn check_caps(
        &mut self,
        caps: &Spanned<BTreeMap<String, f64>>,
        options: &[String],
        by: &str,
        what: &str,
    ) {
        for (option, amount) in caps.get_ref() {
            if !options.contains(option) {
                self.error(
                    &caps.span(),
                    format!("`{what}` names `{option}`, which is not an option of `{by}`"),
                );
            }
            if !(amount.is_finite() && *amount >= 0.0) {
                self.error(
                    &caps.span(),
                    format!("`{what}.{option}` must be a non-negative amount"),
                );
            }
        }
    }

    fn conditions(
        &mut self,
        when: &Spanned<toml::Value>,
        context: &[ContextField],
    ) -> Vec<Condition> {
        let span = when.span();
        let tables: Vec<&toml::Table> = match when.get_ref() {
            toml::Value::Table(t) => vec![t],
            toml::Value::Array(list) if !list.is_empty() => {
                let tables: Vec<_> = list.iter().filter_map(|v| v.as_table()).collect();
                if tables.len() != list.len() {
                    self.error(&span, "`when` must be a condition table or a list of them");
                    return Vec::new();
                }
                tables
            }
            _ => {
                self.error(&span, "`when` must be a condition table, such as { field = \"subject.gender\", is = \"female\" }, or a list of them");
                return Vec::new();
            }
        };
        tables
            .into_iter()
            .filter_map(|t| self.condition(t, &span, context))
            .collect()
    }

    fn condition(
        &mut self,
        table: &toml::Table,
        span: &Range<usize>,
        context: &[ContextField],
    ) -> Option<Condition> {
        for name in table.keys() {
            if !["field", "is", "in", "min", "max"].contains(&name.as_str()) {
                self.error(
                    span,
                    format!("unknown condition key `{name}` (expected field, is, in, min, max)"),
                );
                return None;
            }
        }
        let Some(path) = table.get("field").and_then(|f| f.as_str()) else {
            self.error(
                span,
                "a condition needs `field`, such as \"subject.gender\" or \"context.guests\"",
            );
            return None;
        };
        let Some(field) = Field::parse(path) else {
            self.error(span, format!("condition on unknown field `{path}` (expected subject.gender, subject.position or context.<key>)"));
            return None;
        };
        let test = match (
            table.get("is"),
            table.get("in"),
            table.get("min"),
            table.get("max"),
        ) {
            (Some(v), None, None, None) => Test::Is(self.condition_value(v, span)?),
            (None, Some(toml::Value::Array(list)), None, None) if !list.is_empty() => Test::In(
                list.iter()
                    .map(|v| self.condition_value(v, span))
                    .collect::<Option<Vec<_>>>()?,
            ),
            (None, None, min, max) if min.is_some() || max.is_some() => {
                let min = min.map(toml_number);
                let max = max.map(toml_number);
                if min == Some(None) || max == Some(None) {
                    self.error(span, "`min` and `max` in a condition must be numbers");
                    return None;
                }
                Test::Range {
                    min: min.flatten(),
                    max: max.flatten(),
                }
            }
            _ => {
                self.error(span, "a condition needs exactly one test: `is`, `in` (a non-empty list), or `min`/`max`");
                return None;
            }
        };
        self.check_condition_values(&field, &test, span, context)?;
        Some(Condition { field, test })
    }

    fn condition_value(&mut self, value: &toml::Value, span: &Range<usize>) -> Option<Value> {
        match value {
            toml::Value::String(s) => Some(Value::Text(s.clone())),
            v => match toml_number(v) {
                Some(n) => Some(Value::Number(n)),
                None => {
                    self.error(span, "condition values must be strings or numbers");
                    None
                }
            },
        }
    }

    /// The values a condition compares with must be ones the field can take.
    fn check_condition_values(
        &mut self,
        field: &Field,
        test: &Test,
        span: &Range<usize>,
        context: &[ContextField],
    ) -> Option<()> {
        let values: Vec<&Value> = match test {
            Test::Is(v) => vec![v],
            Test::In(list) => list.iter().collect(),
            Test::Range { .. } => Vec::new(),
        };
        match field {
            Field::SubjectGender => {
                for v in values {
                    if !matches!(v.as_text(), Some("female" | "male")) {
                        self.error(
                            span,
                            format!("subject.gender is `female` or `male`, not `{v}`"),
                        );
                        return None;
                    }
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, "subject.gender takes `is` or `in`, not `min`/`max`");
                    return None;
                }
            }
            Field::SubjectPosition => {
                for v in values {
                    let Some(key) = v.as_text() else {
                        self.error(span, "subject.position values are position keys");
                        return None;
                    };
                    let site = self.site(span.start);
                    self.refs
                        .used
                        .push((Namespace::Position, key.to_string(), site));
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, "subject.position takes `is` or `in`, not `min`/`max`");
                    return None;
                }
            }
            Field::Context(key) => match context.iter().find(|c| c.key == *key).map(|c| &c.kind) {
                None => {
                    self.error(span, format!("condition on unknown context field `{key}`"));
                    return None;
                }
                Some(ContextKind::Choice { options, .. }) => {
                    if matches!(test, Test::Range { .. }) {
                        self.error(
                            span,
                            format!("`{key}` is a choice: test it with `is` or `in`"),
                        );
                        return None;
                    }
                    for v in values {
                        if !options
                            .iter()
                            .any(|o| Some(o.value.as_str()) == v.as_text())
                        {
                            self.error(span, format!("`{v}` is not an option of `{key}`"));
                            return None;
                        }
                    }
                }
                Some(ContextKind::Number { .. }) => {
                    if values.iter().any(|v| v.as_number().is_none()) {
                        self.error(
                            span,
                            format!("`{key}` is a number: compare it with numbers"),
                        );
                        return None;
                    }
                }
            },
        }
        Some(())
    }

    // -- modules, positions, standard ----------------------------------------

    fn module(&mut self, raw: RawModuleFile) -> Option<Module> {
        let errors_before = self.out.len();
        let head = raw.module;
        self.define(Namespace::Module, &head.key);
        let key = self.key(&head.key, "module", KeyStyle::Kebab);
        let title = self.text(head.title, "module title");
        let summary = self.text(head.summary, "module summary");
        let clauses = self.references(Namespace::Clause, head.clauses, "`clauses`", true);
        let pass_mark = self.percent(&head.pass_mark, "`pass_mark`");
        if *head.due_days.get_ref() == 0 {
            self.error(&head.due_days.span(), "`due_days` must be at least 1");
        }
        if *head.due_days_critical.get_ref() == 0
            || head.due_days_critical.get_ref() > head.due_days.get_ref()
        {
            self.error(
                &head.due_days_critical.span(),
                "`due_days_critical` must be from 1 to `due_days`",
            );
        }
        if raw.page.is_empty() {
            self.error(&head.key.span(), format!("module `{key}` has no [[page]]"));
        }
        let pages = raw
            .page
            .into_iter()
            .map(|p| Page {
                title: self.text(p.title, "page title"),
                body: self.text(p.body, "page body"),
            })
            .collect();
        if raw.question.is_empty() {
            self.error(
                &head.key.span(),
                format!("module `{key}` has no quiz [[question]]"),
            );
        }
        let mut question_keys = BTreeSet::new();
        let mut questions = Vec::new();
        for q in raw.question {
            let qkey = self.key(&q.key, "question", KeyStyle::Kebab);
            if !question_keys.insert(qkey.clone()) {
                self.error(&q.key.span(), format!("duplicate question key `{qkey}`"));
            }
            let multiple = match q.kind.get_ref().as_str() {
                "single" => false,
                "multiple" => true,
                other => {
                    self.error(
                        &q.kind.span(),
                        format!("unknown question kind `{other}` (expected single or multiple)"),
                    );
                    continue;
                }
            };
            let options_span = q.options.span();
            let options: Vec<QuizOption> = q
                .options
                .into_inner()
                .into_iter()
                .map(|o| QuizOption {
                    text: self.text(RawText { zh: o.zh, en: o.en }, "answer option"),
                    correct: o.correct,
                })
                .collect();
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                self.error(&options_span, "a question needs at least two options");
            } else if !multiple && correct != 1 {
                self.error(
                    &options_span,
                    format!("a `single` question needs exactly one correct option, not {correct}"),
                );
            } else if multiple && correct == 0 {
                self.error(
                    &options_span,
                    "a `multiple` question needs at least one correct option",
                );
            }
            questions.push(Question {
                key: qkey,
                multiple,
                text: self.text(q.text, "question"),
                options,
                explanation: q.explanation.map(|e| self.text(e, "explanation")),
            });
        }
        (self.out.len() == errors_before).then_some(Module {
            key,
            title,
            summary,
            clauses,
            minutes: *head.minutes.get_ref(),
            pass_mark,
            due_days: *head.due_days.get_ref(),
            due_days_critical: *head.due_days_critical.get_ref(),
            pages,
            questions,
        })
    }

    fn positions(&mut self, raw: RawPositionsFile) -> Vec<Position> {
        raw.position
            .into_iter()
            .map(|p| {
                self.define(Namespace::Position, &p.key);
                let key = self.key(&p.key, "position", KeyStyle::Kebab);
                if *p.curriculum_due_days.get_ref() == 0 {
                    self.error(
                        &p.curriculum_due_days.span(),
                        "`curriculum_due_days` must be at least 1",
                    );
                }
                Position {
                    key,
                    name: self.text(p.name, "position name"),
                    curriculum: self.references(
                        Namespace::Module,
                        p.curriculum,
                        "`curriculum`",
                        false,
                    ),
                    curriculum_due_days: *p.curriculum_due_days.get_ref(),
                }
            })
            .collect()
    }

    fn standard(&mut self, raw: RawStandardFile) -> Vec<Clause> {
        let source = self.key(&raw.source.key, "source", KeyStyle::Kebab);
        self.text(raw.source.title, "source title");
        if let Some(d) = raw.source.description {
            self.text(d, "source description");
        }
        raw.clause
            .into_iter()
            .map(|c| {
                self.define(Namespace::Clause, &c.id);
                let id = c.id.get_ref().clone();
                if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
                    self.error(
                        &c.id.span(),
                        format!("clause id `{id}` must be non-empty with no spaces"),
                    );
                }
                Clause {
                    id,
                    source: source.clone(),
                    title: c.title.map(|t| self.text(t, "clause title")),
                    text: self.text(c.text, "clause text"),
                    inspect: c.inspect.unwrap_or(true),
                }
            })
            .collect()
    }
}

fn toml_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod usable_tests {
    use super::*;
    use std::path::Path;

    /// The lint fixtures' small library, read as files.
    fn fixture_library() -> Vec<SourceFile> {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/library");
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
        let files_with_problems: BTreeSet<&Path> =
            problems.iter().map(|p| p.file.as_path()).collect();
        assert!(files_with_problems.contains(Path::new("training/greeting.toml")));
        assert!(
            problems.iter().any(|p| p.file == Path::new("good.toml")
                && p.message.contains("unknown training module `greeting`")),
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
            problems.iter().any(|p| p.message.contains("not traced")),
            "{problems:?}"
        );
        assert!(!library.clauses.is_empty() && library.module("greeting").is_some());
    }
}
