//! Writing the library's model back as the TOML text it reads (the shape of the shipped
//! files: a head table, `[[context]]`, `[[section]]` and `[[section.item]]`, texts as
//! `{ zh = "…", en = "…" }`), deterministic, so `parse(write(model)) == model`.
//!
//! The text is built from a small tree ([`Doc`]) whose values may each remember where
//! they came from (a workbook cell, [`Cell`]): the workbook upload builds the same tree
//! from its cells, and [`Written::cell_at`] maps a lint problem at a TOML line and column
//! back to the cell it came from.

use std::fmt;

use crate::domain::checklist::{
    Basis, Checklist, Condition, ContextKind, Item, ItemKind, Test, Value,
};
use crate::domain::simplified::from_traditional;
use crate::domain::text::{Text, ZH_HANS, ZH_HANT};
use crate::domain::training::Module;

/// A cell of a workbook sheet, 0-based, shown as Excel names it (`Items!F12`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
}

impl Cell {
    pub fn new(sheet: &str, row: u32, col: u16) -> Self {
        Cell {
            sheet: sheet.to_string(),
            row,
            col,
        }
    }
}

/// A column's letters as Excel writes them: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}!{}{}",
            self.sheet,
            column_name(self.col),
            self.row + 1
        )
    }
}

/// A value to write, with the cell it came from when it came from a workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: V,
    pub from: Option<Cell>,
}

/// The TOML values the library uses.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Str(String),
    Num(f64),
    Bool(bool),
    /// A list of scalars on one line, or of inline tables one per line.
    List(Vec<Node>),
    /// An inline table.
    Table(Vec<(String, Node)>),
}

impl Node {
    pub fn new(value: V) -> Self {
        Node { value, from: None }
    }

    pub fn at(value: V, from: Option<Cell>) -> Self {
        Node { value, from }
    }

    pub fn str(s: impl Into<String>) -> Self {
        Node::new(V::Str(s.into()))
    }

    pub fn num(n: f64) -> Self {
        Node::new(V::Num(n))
    }

    pub fn strs<'a>(list: impl IntoIterator<Item = &'a String>) -> Self {
        Node::new(V::List(list.into_iter().map(Node::str).collect()))
    }

    /// A TOML value as the `toml` crate reads it (a cell's `when`), keys in its order.
    pub fn from_toml(value: &toml::Value, from: Option<Cell>) -> Self {
        let v = match value {
            toml::Value::String(s) => V::Str(s.clone()),
            toml::Value::Integer(i) => V::Num(*i as f64),
            toml::Value::Float(f) => V::Num(*f),
            toml::Value::Boolean(b) => V::Bool(*b),
            toml::Value::Datetime(d) => V::Str(d.to_string()),
            toml::Value::Array(list) => V::List(
                list.iter()
                    .map(|v| Node::from_toml(v, from.clone()))
                    .collect(),
            ),
            toml::Value::Table(t) => V::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), Node::from_toml(v, from.clone())))
                    .collect(),
            ),
        };
        Node::at(v, from)
    }
}

/// One table of the file (`[checklist]`, `[[section.item]]`, …) and its `key = value`
/// lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The header as written, e.g. `[[section.item]]`.
    pub header: String,
    /// A comment line written above the header, if any.
    pub comment: Option<String>,
    pub from: Option<Cell>,
    pub entries: Vec<(String, Node)>,
}

impl Block {
    pub fn new(header: &str) -> Self {
        Block {
            header: header.to_string(),
            comment: None,
            from: None,
            entries: Vec::new(),
        }
    }

    pub fn set(&mut self, key: &str, node: Node) {
        self.entries.push((key.to_string(), node));
    }
}

/// A whole file, as blocks in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Comment lines at the top of the file.
    pub preamble: Vec<String>,
    pub blocks: Vec<Block>,
}

/// Where in the written text (1-based line and column, counted in characters like the
/// lint counts them) something from a cell starts and ends.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    start: (usize, usize),
    end: (usize, usize),
    cell: Cell,
}

/// The text written, and where each value that came from a cell landed in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    marks: Vec<Mark>,
}

impl Written {
    /// The cell a problem at `line:column` of the text comes from: the innermost value
    /// written from a cell that holds the place, else the table (row) it is in.
    pub fn cell_at(&self, line: usize, column: usize) -> Option<&Cell> {
        let at = (line, column);
        self.marks
            .iter()
            .filter(|m| m.start <= at && (at < m.end || at == m.start))
            .min_by_key(|m| (m.end.0 - m.start.0, m.end.1.abs_diff(m.start.1)))
            .map(|m| &m.cell)
    }
}

/// Builds the text, keeping the line and column it is at.
struct Out {
    text: String,
    line: usize,
    column: usize,
    marks: Vec<Mark>,
}

impl Out {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.text.push_str(s);
    }

    fn here(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    fn mark(&mut self, start: (usize, usize), from: &Option<Cell>) {
        if let Some(cell) = from {
            let end = self.here();
            self.marks.push(Mark {
                start,
                end,
                cell: cell.clone(),
            });
        }
    }

    fn node(&mut self, node: &Node, indent: &str) {
        let start = self.here();
        match &node.value {
            V::Str(s) => self.push(&quote(s)),
            V::Num(n) => self.push(&number(*n)),
            V::Bool(b) => self.push(if *b { "true" } else { "false" }),
            V::List(list) => {
                let tables = list.iter().any(|n| matches!(n.value, V::Table(_)));
                if tables {
                    self.push("[\n");
                    for n in list {
                        self.push(indent);
                        self.push("  ");
                        self.node(n, indent);
                        self.push(",\n");
                    }
                    self.push(indent);
                    self.push("]");
                } else {
                    self.push("[");
                    for (i, n) in list.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.node(n, indent);
                    }
                    self.push("]");
                }
            }
            V::Table(entries) => {
                if entries.is_empty() {
                    self.push("{}");
                } else {
                    self.push("{ ");
                    for (i, (k, n)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        let entry_start = self.here();
                        self.push(&key(k));
                        self.push(" = ");
                        self.node(n, indent);
                        self.mark(entry_start, &n.from);
                    }
                    self.push(" }");
                }
            }
        }
        self.mark(start, &node.from);
    }
}

/// A value as TOML writes it inline (`{ field = "subject.gender", is = "female" }`).
pub fn inline(node: &Node) -> String {
    let mut out = Out {
        text: String::new(),
        line: 1,
        column: 1,
        marks: Vec::new(),
    };
    out.node(node, "");
    out.text
}

impl Doc {
    /// The TOML text, with where each cell's value landed.
    pub fn write(&self) -> Written {
        let mut out = Out {
            text: String::new(),
            line: 1,
            column: 1,
            marks: Vec::new(),
        };
        for line in &self.preamble {
            out.push(&comment(line));
        }
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 || !self.preamble.is_empty() {
                out.push("\n");
            }
            if let Some(c) = &block.comment {
                out.push(&comment(c));
            }
            let start = out.here();
            out.push(&block.header);
            out.push("\n");
            for (k, node) in &block.entries {
                let entry_start = out.here();
                out.push(&key(k));
                out.push(" = ");
                out.node(node, "");
                out.mark(entry_start, &node.from);
                out.push("\n");
            }
            out.mark(start, &block.from);
        }
        Written {
            text: out.text,
            marks: out.marks,
        }
    }
}

fn comment(text: &str) -> String {
    text.lines()
        .map(|l| format!("# {l}\n").replace("# \n", "#\n"))
        .collect()
}

/// A key, bare where TOML allows it, else quoted.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { k.to_string() } else { quote(k) }
}

/// A string as a TOML basic string; one with line breaks as a multi-line one.
pub fn quote(s: &str) -> String {
    let multi = s.contains('\n');
    let mut out = String::with_capacity(s.len() + 2);
    out.push_str(if multi { "\"\"\"" } else { "\"" });
    for (i, c) in s.chars().enumerate() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // A break right after the opening quotes would be dropped by the reader.
            '\n' if multi && i > 0 => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push_str(if multi { "\"\"\"" } else { "\"" });
    out
}

/// A number as people write it (`30`, `2.5`), and as TOML reads it back exactly.
pub fn number(n: f64) -> String {
    if n.is_nan() {
        "nan".into()
    } else if n.is_infinite() {
        if n > 0.0 { "inf".into() } else { "-inf".into() }
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:?}")
    }
}

/// The tag a file writes for a language: `zh` for Traditional Chinese, as the shipped
/// files do.
fn file_tag(tag: &str) -> &str {
    if tag == ZH_HANT { "zh" } else { tag }
}

/// A text as its inline table: Traditional Chinese, Simplified only where it is not the
/// one made from the Traditional, English, then any other language.
pub fn text(t: &Text) -> Node {
    let generated = t.exact(ZH_HANT).map(from_traditional);
    let mut tags: Vec<&str> = t.tags().collect();
    tags.sort_by_key(|tag| match *tag {
        ZH_HANT => (0, *tag),
        ZH_HANS => (1, *tag),
        "en" => (2, *tag),
        _ => (3, *tag),
    });
    let entries = tags
        .into_iter()
        .filter_map(|tag| {
            let value = t.exact(tag)?;
            if tag == ZH_HANS && generated.as_deref() == Some(value) {
                return None;
            }
            Some((file_tag(tag).to_string(), Node::str(value)))
        })
        .collect();
    Node::new(V::Table(entries))
}

fn texts(list: &[Text]) -> Node {
    Node::new(V::List(list.iter().map(text).collect()))
}

fn with_fields(t: &Text, fields: Vec<(&str, Node)>) -> Node {
    let V::Table(langs) = text(t).value else {
        unreachable!("a text is written as a table")
    };
    let mut entries: Vec<(String, Node)> = fields
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    entries.extend(langs);
    Node::new(V::Table(entries))
}

fn value(v: &Value) -> Node {
    match v {
        Value::Number(n) => Node::num(*n),
        Value::Text(t) => Node::str(t),
    }
}

/// One condition as its inline table.
pub fn condition(c: &Condition) -> Node {
    let mut entries = vec![("field".to_string(), Node::str(c.field.to_string()))];
    match &c.test {
        Test::Is(v) => entries.push(("is".into(), value(v))),
        Test::In(list) => entries.push((
            "in".into(),
            Node::new(V::List(list.iter().map(value).collect())),
        )),
        Test::Range { min, max } => {
            if let Some(min) = min {
                entries.push(("min".into(), Node::num(*min)));
            }
            if let Some(max) = max {
                entries.push(("max".into(), Node::num(*max)));
            }
        }
    }
    Node::new(V::Table(entries))
}

/// An item's `when`: one condition as a table, several as a list.
pub fn conditions(when: &[Condition]) -> Option<Node> {
    match when {
        [] => None,
        [one] => Some(condition(one)),
        many => Some(Node::new(V::List(many.iter().map(condition).collect()))),
    }
}

fn numbers(map: &std::collections::BTreeMap<String, f64>) -> Node {
    Node::new(V::Table(
        map.iter()
            .map(|(k, v)| (k.clone(), Node::num(*v)))
            .collect(),
    ))
}

/// A checklist as the file the library reads.
pub fn checklist_doc(c: &Checklist) -> Doc {
    let mut doc = Doc::default();
    let mut head = Block::new("[checklist]");
    head.set("key", Node::str(&c.key));
    head.set("title", text(&c.title));
    if let Some(d) = &c.description {
        head.set("description", text(d));
    }
    head.set("positions", Node::strs(&c.positions));
    head.set("pass_mark", Node::num(c.pass_mark));
    head.set("source", Node::str(&c.source));
    if c.sign_off {
        head.set("sign_off", Node::new(V::Bool(true)));
    }
    doc.blocks.push(head);
    for field in &c.context {
        let mut b = Block::new("[[context]]");
        b.set("key", Node::str(&field.key));
        b.set("label", text(&field.label));
        match &field.kind {
            ContextKind::Choice { options, default } => {
                b.set("kind", Node::str("choice"));
                b.set(
                    "options",
                    Node::new(V::List(
                        options
                            .iter()
                            .map(|o| with_fields(&o.label, vec![("value", Node::str(&o.value))]))
                            .collect(),
                    )),
                );
                if let Some(d) = default {
                    b.set("default", Node::str(d));
                }
            }
            ContextKind::Number { min, max, default } => {
                b.set("kind", Node::str("number"));
                b.set("min", Node::num(*min));
                b.set("max", Node::num(*max));
                if let Some(d) = default {
                    b.set("default", Node::num(*d));
                }
            }
        }
        doc.blocks.push(b);
    }
    for section in &c.sections {
        let mut b = Block::new("[[section]]");
        b.set("key", Node::str(&section.key));
        b.set("title", text(&section.title));
        doc.blocks.push(b);
        for item in &section.items {
            doc.blocks.push(item_block(item));
        }
    }
    doc
}

fn item_block(item: &Item) -> Block {
    let mut b = Block::new("[[section.item]]");
    b.set("key", Node::str(&item.key));
    b.set("clause", Node::str(&item.clause));
    b.set("kind", Node::str(item.kind.name()));
    b.set("text", text(&item.text));
    b.set("guidance", text(&item.guidance));
    if item.weight != 1.0 {
        b.set("weight", Node::num(item.weight));
    }
    if item.critical {
        b.set("critical", Node::new(V::Bool(true)));
    }
    if !item.required {
        b.set("required", Node::new(V::Bool(false)));
    }
    if !item.na {
        b.set("na", Node::new(V::Bool(false)));
    }
    b.set("training", Node::strs(&item.training));
    if let Some(when) = conditions(&item.when) {
        b.set("when", when);
    }
    if item.basis == Basis::CompanyPractice {
        b.set("basis", Node::str("company-practice"));
    }
    match &item.kind {
        ItemKind::Check => {}
        ItemKind::Scale {
            max,
            pass_at,
            labels,
        } => {
            b.set("max", Node::num(*max as f64));
            b.set("pass_at", Node::num(*pass_at as f64));
            if !labels.is_empty() {
                b.set("labels", texts(labels));
            }
        }
        ItemKind::Measure {
            unit,
            allowed,
            range,
        } => {
            b.set("unit", Node::str(unit));
            for (name, v) in [
                ("target", allowed.target),
                ("tolerance", allowed.tolerance),
                ("min", allowed.min),
                ("max", allowed.max),
            ] {
                if let Some(v) = v {
                    b.set(name, Node::num(v));
                }
            }
            if let Some((lo, hi)) = range {
                b.set(
                    "range",
                    Node::new(V::List(vec![Node::num(*lo), Node::num(*hi)])),
                );
            }
        }
        ItemKind::Script {
            script,
            phrases,
            pass_at,
        } => {
            b.set("script", text(script));
            b.set("phrases", texts(phrases));
            b.set("pass_at", Node::num(*pass_at as f64));
        }
        ItemKind::Steps {
            steps,
            in_order,
            pass_at,
        } => {
            b.set("steps", texts(steps));
            b.set("in_order", Node::new(V::Bool(*in_order)));
            b.set("pass_at", Node::num(*pass_at as f64));
        }
        ItemKind::Limit { unit, limit } => {
            b.set("unit", Node::str(unit));
            let mut entries = vec![
                ("by".to_string(), Node::str(&limit.by)),
                ("base".to_string(), numbers(&limit.base)),
            ];
            if let Some(per) = &limit.per {
                entries.push(("per".into(), Node::str(per)));
                entries.push(("above".into(), Node::num(limit.above)));
                if !limit.extra.is_empty() {
                    entries.push(("extra".into(), numbers(&limit.extra)));
                }
            }
            b.set("limit", Node::new(V::Table(entries)));
        }
    }
    if let Some(action) = &item.action {
        let mut entries = vec![
            ("owner".to_string(), Node::str(action.owner.as_str())),
            ("due_days".to_string(), Node::num(action.due_days as f64)),
            ("text".to_string(), text(&action.text)),
        ];
        if action.photo {
            entries.push(("photo".into(), Node::new(V::Bool(true))));
        }
        b.set("action", Node::new(V::Table(entries)));
    }
    b
}

/// A checklist as the TOML text the library reads.
pub fn checklist_toml(c: &Checklist) -> String {
    checklist_doc(c).write().text
}

/// A training module as the file the library reads.
pub fn module_doc(m: &Module) -> Doc {
    let mut doc = Doc::default();
    let mut head = Block::new("[module]");
    head.set("key", Node::str(&m.key));
    head.set("title", text(&m.title));
    head.set("summary", text(&m.summary));
    head.set("clauses", Node::strs(&m.clauses));
    head.set("minutes", Node::num(m.minutes as f64));
    head.set("pass_mark", Node::num(m.pass_mark));
    head.set("due_days", Node::num(m.due_days as f64));
    head.set("due_days_critical", Node::num(m.due_days_critical as f64));
    doc.blocks.push(head);
    for page in &m.pages {
        let mut b = Block::new("[[page]]");
        b.set("title", text(&page.title));
        b.set("body", text(&page.body));
        doc.blocks.push(b);
        for diagram in &page.diagrams {
            let mut d = Block::new("[[page.diagram]]");
            d.set("key", Node::str(&diagram.key));
            d.set("caption", text(&diagram.caption));
            doc.blocks.push(d);
        }
    }
    for q in &m.questions {
        let mut b = Block::new("[[question]]");
        b.set("key", Node::str(&q.key));
        b.set(
            "kind",
            Node::str(if q.multiple { "multiple" } else { "single" }),
        );
        b.set("text", text(&q.text));
        b.set(
            "options",
            Node::new(V::List(
                q.options
                    .iter()
                    .map(|o| {
                        let fields = if o.correct {
                            vec![("correct", Node::new(V::Bool(true)))]
                        } else {
                            Vec::new()
                        };
                        with_fields(&o.text, fields)
                    })
                    .collect(),
            )),
        );
        if let Some(e) = &q.explanation {
            b.set("explanation", text(e));
        }
        doc.blocks.push(b);
    }
    doc
}

/// A training module as the TOML text the library reads.
pub fn module_toml(m: &Module) -> String {
    module_doc(m).write().text
}

#[cfg(test)]
pub(crate) mod shipped {
    use std::path::Path;

    use super::super::SourceFile;

    /// Every file of the shipped library (paths relative to `checklists/`).
    pub(crate) fn shipped() -> Vec<SourceFile> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "toml" || e == "svg") {
                    out.push(SourceFile {
                        path: p.strip_prefix(&root).unwrap().to_path_buf(),
                        text: std::fs::read_to_string(&p).unwrap(),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SourceFile, parse_library};
    use super::shipped::shipped;
    use super::*;

    #[test]
    fn every_shipped_checklist_and_module_reads_back_as_itself() {
        let files = shipped();
        let (library, problems) = parse_library(&files);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(library.checklists.len() >= 8 && library.modules.len() >= 25);
        let rewritten: Vec<SourceFile> = files
            .iter()
            .map(|f| {
                let text = match crate::domain::authoring::declared(&f.text) {
                    Some((crate::domain::authoring::Editable::Checklist, key)) => {
                        checklist_toml(library.checklist(&key).unwrap())
                    }
                    Some((crate::domain::authoring::Editable::Module, key)) => {
                        module_toml(library.module(&key).unwrap())
                    }
                    None => f.text.clone(),
                };
                SourceFile {
                    path: f.path.clone(),
                    text,
                }
            })
            .collect();
        let (again, problems) = parse_library(&rewritten);
        assert!(problems.is_empty(), "{problems:?}");
        for c in &library.checklists {
            let back = again.checklist(&c.key).unwrap();
            assert_eq!(back, c, "{}", c.key);
            assert_eq!(back.content_hash(), c.content_hash());
        }
        for m in &library.modules {
            assert_eq!(again.module(&m.key).unwrap(), m, "{}", m.key);
        }
        // Deterministic: writing what was read back gives the same text.
        for c in &again.checklists {
            assert_eq!(
                checklist_toml(c),
                checklist_toml(library.checklist(&c.key).unwrap())
            );
        }
    }

    #[test]
    fn strings_and_numbers_read_back_exactly() {
        for s in [
            "plain",
            "with \"quotes\" and \\ back",
            "two\nlines",
            "tab\tand\u{1}control",
            "ends with quote\"",
            "\"\"\" three",
            "中文「引號」",
        ] {
            let t: toml::Table = format!("v = {}", quote(s)).parse().unwrap();
            assert_eq!(t["v"].as_str(), Some(s), "{s:?}");
        }
        for n in [0.0, 30.0, -2.5, 0.1, 1e20, 1e-7, 123456.789, -0.0] {
            let t: toml::Table = format!("v = {}", number(n)).parse().unwrap();
            let back = super::super::parser::toml_number(&t["v"]).unwrap();
            assert_eq!(back, n, "{n}");
        }
    }

    #[test]
    fn a_problem_at_a_line_maps_back_to_its_cell() {
        let mut doc = Doc::default();
        let mut b = Block::new("[[section.item]]");
        b.from = Some(Cell::new("Items", 11, 0));
        b.set(
            "key",
            Node::at(V::Str("a".into()), Some(Cell::new("Items", 11, 1))),
        );
        b.set(
            "text",
            Node::new(V::Table(vec![
                (
                    "zh".into(),
                    Node::at(V::Str("甲".into()), Some(Cell::new("Items", 11, 4))),
                ),
                (
                    "en".into(),
                    Node::at(V::Str("A".into()), Some(Cell::new("Items", 11, 6))),
                ),
            ])),
        );
        b.set(
            "weight",
            Node::at(V::Num(-1.0), Some(Cell::new("Items", 11, 5))),
        );
        doc.blocks.push(b);
        let w = doc.write();
        let lines: Vec<&str> = w.text.lines().collect();
        assert_eq!(lines[0], "[[section.item]]");
        assert_eq!(w.cell_at(1, 1).unwrap().to_string(), "Items!A12");
        assert_eq!(w.cell_at(2, 7).unwrap().to_string(), "Items!B12");
        let weight_col = lines[3].find('-').unwrap() + 1;
        assert_eq!(w.cell_at(4, weight_col).unwrap().to_string(), "Items!F12");
        let en_col = lines[2][..lines[2].find("en =").unwrap()].chars().count() + 1;
        assert_eq!(w.cell_at(3, en_col).unwrap().to_string(), "Items!G12");
        assert_eq!(w.cell_at(3, 10).unwrap().to_string(), "Items!E12");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
    }
}
