//! The parser of one file: its position in the file for each problem, the file kind it
//! dispatches on, and the checks every kind shares (keys, texts, references, percents,
//! counts). Each kind's own checks live in the module named after it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use super::raw::*;
use super::references::{Namespace, References, Site};
use super::{Diagnostic, Library, SourceFile};
use crate::domain::text::{EN, Text, ZH_HANS, ZH_HANT, canonical_tag, is_han};
use crate::i18n::Message;

/// Checks one file and builds its part of the library, recording each problem.
pub(super) struct Parser<'a> {
    file: &'a SourceFile,
    line_starts: Vec<usize>,
    pub(super) out: &'a mut Vec<Diagnostic>,
    pub(super) refs: &'a mut References,
    /// Where each text of the file starts and the languages it is written in, for the
    /// check that every text has the languages the file's other texts have.
    languages: Vec<(usize, BTreeSet<String>)>,
}

/// Languages every text must have: the ones every other falls back to in the end.
const REQUIRED_LANGUAGES: [&str; 2] = [ZH_HANT, EN];

/// Which characters a key may use.
#[derive(Clone, Copy)]
pub(super) enum KeyStyle {
    Kebab,
    /// Context keys may also use `_`.
    Snake,
}

impl<'a> Parser<'a> {
    pub(super) fn new(
        file: &'a SourceFile,
        out: &'a mut Vec<Diagnostic>,
        refs: &'a mut References,
    ) -> Self {
        let line_starts = std::iter::once(0)
            .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Parser {
            file,
            line_starts,
            out,
            refs,
            languages: Vec::new(),
        }
    }

    pub(super) fn file(&self) -> &'a SourceFile {
        self.file
    }

    pub(super) fn site(&self, offset: usize) -> Site {
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

    pub(super) fn error(&mut self, span: &Range<usize>, message: Message) {
        let diagnostic = self.site(span.start).diagnostic(message);
        self.out.push(diagnostic);
    }

    pub(super) fn define(&mut self, ns: Namespace, key: &Spanned<String>) {
        let site = self.site(key.span().start);
        self.refs.defined.push((ns, key.get_ref().clone(), site));
    }

    pub(super) fn use_key(&mut self, ns: Namespace, key: &Spanned<String>) {
        let site = self.site(key.span().start);
        self.refs.used.push((ns, key.get_ref().clone(), site));
    }

    pub(super) fn parse_file(&mut self, library: &mut Library) {
        self.parse_kind(library);
        self.check_languages();
    }

    fn parse_kind(&mut self, library: &mut Library) {
        if self.file.path.extension().is_some_and(|e| e == "svg") {
            return self.diagram(library);
        }
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
            self.error(&(0..0), Message::new("lint-not-library-file"));
        }
    }

    /// A problem the TOML reader found (a syntax error, a missing or unknown field, a
    /// value of the wrong type): its English text, in a message of ours.
    fn serde_error(&mut self, e: &toml::de::Error) {
        let span = e.span().unwrap_or(0..0);
        let detail = e.message().trim().replace('\n', " ");
        self.error(&span, Message::new("lint-toml").arg("detail", detail));
    }

    /// A key, `what` naming what it is the key of (a `lint-what-…` message id).
    pub(super) fn key(
        &mut self,
        key: &Spanned<String>,
        what: &'static str,
        style: KeyStyle,
    ) -> String {
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
            let id = match style {
                KeyStyle::Kebab => "lint-key-invalid-kebab",
                KeyStyle::Snake => "lint-key-invalid-snake",
            };
            self.error(
                &key.span(),
                Message::new(id)
                    .arg_said("what", Message::new(what))
                    .arg("key", k),
            );
        }
        k.clone()
    }

    /// Read a text: every tag well-formed and written once, each text non-empty, the
    /// required languages there; Simplified Chinese made from Traditional where the file
    /// does not give it.
    /// `what` names the text (a `lint-what-…` message id).
    pub(super) fn text(&mut self, raw: RawText, what: &'static str) -> Text {
        let start = raw.span().start;
        let mut text = Text::default();
        let mut written = BTreeSet::new();
        for (tag, value) in raw.into_inner() {
            let Some(tag) = self.language_tag(&tag, &written) else {
                continue;
            };
            let value = self.one_text(value, what, &tag);
            written.insert(tag.clone());
            text.set(tag, value);
        }
        for required in REQUIRED_LANGUAGES {
            if !written.contains(required) {
                // `zh` is how most files still name Traditional Chinese.
                let field = if required == ZH_HANT { "zh" } else { required };
                self.error(
                    &(start..start),
                    Message::new("lint-text-missing-language")
                        .arg("field", field)
                        .arg_said("what", Message::new(what))
                        .arg("hant", ZH_HANT)
                        .arg("en", EN),
                );
            }
        }
        self.languages.push((start, written));
        text.with_generated_languages()
    }

    /// A text that shares its table with fields of its own (`names`): those fields by
    /// name, and the text made of the rest. A field that is not a string is reported.
    pub(super) fn text_with_fields(
        &mut self,
        raw: RawTextWithFields,
        names: &[&str],
        what: &'static str,
    ) -> (Text, BTreeMap<String, Spanned<toml::Value>>) {
        let span = raw.span();
        let mut fields = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for (key, value) in raw.into_inner() {
            if names.contains(&key.get_ref().as_str()) {
                fields.insert(key.into_inner(), value);
                continue;
            }
            let value_span = value.span();
            match value.into_inner() {
                toml::Value::String(s) => {
                    texts.insert(key, Spanned::new(value_span, s));
                }
                other => self.error(
                    &value_span,
                    Message::new("lint-text-not-string")
                        .arg("type", other.type_str())
                        .arg("key", key.get_ref()),
                ),
            }
        }
        (self.text(Spanned::new(span, texts), what), fields)
    }

    /// The canonical form of a text's language tag, or `None` (reported) when the tag is
    /// malformed or the text already has that language.
    fn language_tag(
        &mut self,
        tag: &Spanned<String>,
        written: &BTreeSet<String>,
    ) -> Option<String> {
        match canonical_tag(tag.get_ref()) {
            Err(message) => {
                self.error(&tag.span(), message);
                None
            }
            Ok(canonical) if written.contains(&canonical) => {
                self.error(
                    &tag.span(),
                    Message::new("lint-text-twice")
                        .arg("lang", &canonical)
                        .arg("hant", ZH_HANT),
                );
                None
            }
            Ok(canonical) => Some(canonical),
        }
    }

    /// Every text of the file has every language that any of its texts has: a language
    /// missing from one item but present in the rest is a translation left out. Simplified
    /// Chinese is exempt, being made from Traditional where a text does not give it.
    fn check_languages(&mut self) {
        let in_file: BTreeSet<String> = self
            .languages
            .iter()
            .flat_map(|(_, tags)| tags.iter().cloned())
            .filter(|tag| tag != ZH_HANS)
            .collect();
        for (start, tags) in std::mem::take(&mut self.languages) {
            for missing in in_file.difference(&tags) {
                if REQUIRED_LANGUAGES.contains(&missing.as_str()) {
                    continue; // already reported as missing
                }
                self.error(
                    &(start..start),
                    Message::new("lint-text-language-left-out").arg("lang", missing),
                );
            }
        }
    }

    fn one_text(&mut self, value: Spanned<String>, what: &'static str, lang: &str) -> String {
        let span = value.span();
        let s = value.into_inner();
        let problem = if s.trim().is_empty() {
            Some("lint-text-empty")
        } else if s.contains('\0') {
            Some("lint-text-nul")
        } else if lang.starts_with("zh-") && !s.chars().any(is_han) {
            Some("lint-text-no-han")
        } else {
            None
        };
        if let Some(id) = problem {
            self.error(
                &span,
                Message::new(id)
                    .arg_said("what", Message::new(what))
                    .arg("lang", lang),
            );
        }
        s.trim().to_string()
    }

    pub(super) fn texts(&mut self, list: Vec<RawText>, what: &'static str) -> Vec<Text> {
        list.into_iter().map(|t| self.text(t, what)).collect()
    }

    pub(super) fn references(
        &mut self,
        ns: Namespace,
        list: Spanned<Vec<Spanned<String>>>,
        what: &str,
        at_least_one: bool,
    ) -> Vec<String> {
        if at_least_one && list.get_ref().is_empty() {
            self.error(
                &list.span(),
                Message::new("lint-list-empty")
                    .arg("field", what)
                    .arg_said("noun", ns.noun()),
            );
        }
        let mut seen = BTreeSet::new();
        let mut keys = Vec::new();
        for key in list.into_inner() {
            if !seen.insert(key.get_ref().clone()) {
                self.error(
                    &key.span(),
                    Message::new("lint-listed-twice")
                        .arg_said("noun", ns.noun())
                        .arg("key", key.get_ref()),
                );
                continue;
            }
            self.use_key(ns, &key);
            keys.push(key.into_inner());
        }
        keys
    }

    pub(super) fn percent(&mut self, value: &Spanned<f64>, what: &str) -> f64 {
        let v = *value.get_ref();
        if !(0.0..=100.0).contains(&v) {
            self.error(
                &value.span(),
                Message::new("lint-percent")
                    .arg("field", what)
                    .arg("value", v),
            );
        }
        v
    }

    pub(super) fn count(
        &mut self,
        value: &Spanned<f64>,
        what: &str,
        lo: u32,
        hi: u32,
    ) -> Option<u32> {
        let v = *value.get_ref();
        if v.fract() != 0.0 || v < lo as f64 || v > hi as f64 {
            self.error(
                &value.span(),
                Message::new("lint-whole-number")
                    .arg("field", what)
                    .arg("lo", lo)
                    .arg("hi", hi)
                    .arg("value", v),
            );
            return None;
        }
        Some(v as u32)
    }
}

pub(super) fn toml_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}
