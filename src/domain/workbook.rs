//! A checklist as a workbook for editing in Excel, and back: the sheets and columns
//! (`Checklist`, `Sections`, `Context`, `Items`, `Limits`), each column with the note that
//! explains it and, for kinds and yes/no columns, the values it may hold. Pure: the grid
//! of cells here is what `reports::xlsx` writes with rust_xlsxwriter and reads with
//! calamine.
//!
//! Reading a workbook builds the checklist file's text through the library's writer, so
//! the server's lint checks it as it checks any file, and every value keeps the cell it
//! came from: a lint problem at a TOML line is reported at its cell (`Items!K12`). Cells of
//! the wrong type (text in a number column, a yes/no column saying neither) are reported
//! at their cell before the lint.

use std::collections::BTreeMap;

use super::checklist::{Checklist, ContextKind, ItemKind};
use super::library::writer::{self, Block, Cell, Doc, Node, V};
use super::text::{EN, Text, ZH_HANS, ZH_HANT, canonical_tag};
use crate::i18n::Message;

/// One cell's value as a spreadsheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Value {
    fn text(s: impl Into<String>) -> Value {
        let s = s.into();
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s)
        }
    }

    fn yes_no(b: bool) -> Value {
        Value::text(if b { YES } else { NO })
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: numbers as people write them.
    pub fn as_text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) => writer::number(*n),
            Value::Bool(b) => if *b { YES } else { NO }.to_string(),
        }
    }
}

pub const YES: &str = "yes";
pub const NO: &str = "no";

/// A column: its header, the message (catalog id) its header note explains it with,
/// and the values a list lets one pick from, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub note: Message,
    pub choices: Option<Vec<String>>,
}

/// One sheet: a header row of columns, then rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// A sheet as read back from a file: its header row and rows, untyped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub name: String,
    /// Every row, the header row first.
    pub rows: Vec<Vec<Value>>,
}

pub const CHECKLIST: &str = "Checklist";
pub const SECTIONS: &str = "Sections";
pub const CONTEXT: &str = "Context";
pub const ITEMS: &str = "Items";
pub const LIMITS: &str = "Limits";

/// The languages a workbook of this checklist has a column for: Traditional Chinese,
/// Simplified Chinese, English, then any other its texts are written in.
pub fn languages(c: &Checklist) -> Vec<String> {
    let mut tags: Vec<String> = vec![ZH_HANT.into(), ZH_HANS.into(), EN.into()];
    let mut other = std::collections::BTreeSet::new();
    let mut add = |t: &Text| {
        for tag in t.tags() {
            if !tags.iter().any(|x| x == tag) {
                other.insert(tag.to_string());
            }
        }
    };
    add(&c.title);
    c.description.iter().for_each(&mut add);
    for s in &c.sections {
        add(&s.title);
        for i in &s.items {
            add(&i.text);
        }
    }
    tags.extend(other);
    tags
}

/// A text's cell in one language: empty where the Simplified Chinese is the one made from
/// the Traditional (so an edit of the Traditional carries over).
fn text_cell(t: &Text, tag: &str) -> Value {
    let Some(v) = t.exact(tag) else {
        return Value::Empty;
    };
    if tag == ZH_HANS
        && t.exact(ZH_HANT).map(super::simplified::from_traditional) == Some(v.to_string())
    {
        return Value::Empty;
    }
    Value::text(v)
}

/// A list of texts in one language, one per line.
fn lines_cell(list: &[Text], tag: &str) -> Value {
    let mut cells: Vec<String> = list.iter().map(|t| text_cell(t, tag).as_text()).collect();
    // One Simplified line written makes every line written, so the lines stay in step.
    if cells.iter().any(String::is_empty) && cells.iter().any(|c| !c.is_empty()) {
        cells = list
            .iter()
            .map(|t| t.exact(tag).unwrap_or_default().to_string())
            .collect();
    }
    if cells.iter().all(String::is_empty) {
        Value::Empty
    } else {
        Value::text(cells.join("\n"))
    }
}

fn number(n: f64) -> Value {
    Value::Number(n)
}

fn opt_number(n: Option<f64>) -> Value {
    n.map_or(Value::Empty, Value::Number)
}

fn col(header: impl Into<String>, note: &'static str) -> Column {
    Column {
        header: header.into(),
        note: Message::new(note),
        choices: None,
    }
}

fn lang_cols(base: &str, note: &'static str, langs: &[String]) -> Vec<Column> {
    langs
        .iter()
        .map(|tag| Column {
            header: format!("{base}.{tag}"),
            note: Message::new(note).arg("lang", tag),
            choices: None,
        })
        .collect()
}

fn choice(mut c: Column, values: &[&str]) -> Column {
    c.choices = Some(values.iter().map(|v| v.to_string()).collect());
    c
}

fn yes_no_col(header: &str, note: &'static str) -> Column {
    choice(col(header, note), &[YES, NO])
}

/// The `Items` sheet's columns, in order.
pub fn item_columns(langs: &[String]) -> Vec<Column> {
    let mut c = vec![
        col("section", "xlsx-note-section"),
        col("key", "xlsx-note-item-key"),
        col("clause", "xlsx-note-clause"),
        choice(col("kind", "xlsx-note-kind"), &ItemKind::NAMES),
    ];
    c.extend(lang_cols("text", "xlsx-note-text", langs));
    c.extend(lang_cols("guidance", "xlsx-note-guidance", langs));
    c.extend([
        col("weight", "xlsx-note-weight"),
        yes_no_col("critical", "xlsx-note-critical"),
        yes_no_col("required", "xlsx-note-required"),
        yes_no_col("na", "xlsx-note-na"),
        col("training", "xlsx-note-training"),
        col("when", "xlsx-note-when"),
        choice(
            col("basis", "xlsx-note-basis"),
            &super::checklist::Basis::NAMES,
        ),
        col("unit", "xlsx-note-unit"),
        col("target", "xlsx-note-target"),
        col("tolerance", "xlsx-note-tolerance"),
        col("min", "xlsx-note-min"),
        col("max", "xlsx-note-max"),
        col("range_min", "xlsx-note-range"),
        col("range_max", "xlsx-note-range"),
        col("pass_at", "xlsx-note-pass-at"),
        yes_no_col("in_order", "xlsx-note-in-order"),
    ]);
    c.extend(lang_cols("labels", "xlsx-note-labels", langs));
    c.extend(lang_cols("script", "xlsx-note-script", langs));
    c.extend(lang_cols("phrases", "xlsx-note-phrases", langs));
    c.extend(lang_cols("steps", "xlsx-note-steps", langs));
    c.extend([choice(
        col("action_owner", "xlsx-note-action-owner"),
        &["manager", "supervisor"],
    )]);
    c.push(col("action_due_days", "xlsx-note-action-due-days"));
    c.extend(lang_cols("action_text", "xlsx-note-action-text", langs));
    c.push(yes_no_col("action_photo", "xlsx-note-action-photo"));
    c
}

/// The workbook of a checklist: every field it has, in the sheets above.
pub fn checklist_sheets(c: &Checklist) -> Vec<Sheet> {
    let langs = languages(c);

    let mut head = Vec::new();
    head.push(vec![Value::text("key"), Value::text(&c.key)]);
    for tag in &langs {
        head.push(vec![
            Value::text(format!("title.{tag}")),
            text_cell(&c.title, tag),
        ]);
    }
    for tag in &langs {
        head.push(vec![
            Value::text(format!("description.{tag}")),
            c.description
                .as_ref()
                .map_or(Value::Empty, |d| text_cell(d, tag)),
        ]);
    }
    head.push(vec![
        Value::text("positions"),
        Value::text(c.positions.join(", ")),
    ]);
    head.push(vec![Value::text("pass_mark"), number(c.pass_mark)]);
    head.push(vec![Value::text("source"), Value::text(&c.source)]);
    head.push(vec![Value::text("sign_off"), Value::yes_no(c.sign_off)]);
    let checklist = Sheet {
        name: CHECKLIST.into(),
        columns: vec![
            col("field", "xlsx-note-field"),
            col("value", "xlsx-note-value"),
        ],
        rows: head,
    };

    let mut section_cols = vec![col("key", "xlsx-note-section-key")];
    section_cols.extend(lang_cols("title", "xlsx-note-section-title", &langs));
    let sections = Sheet {
        name: SECTIONS.into(),
        columns: section_cols,
        rows: c
            .sections
            .iter()
            .map(|s| {
                let mut row = vec![Value::text(&s.key)];
                row.extend(langs.iter().map(|tag| text_cell(&s.title, tag)));
                row
            })
            .collect(),
    };

    let mut context_cols = vec![
        col("key", "xlsx-note-context-key"),
        choice(col("kind", "xlsx-note-context-kind"), &["choice", "number"]),
    ];
    context_cols.extend(lang_cols("label", "xlsx-note-context-label", &langs));
    context_cols.extend([
        col("min", "xlsx-note-context-min"),
        col("max", "xlsx-note-context-max"),
        col("default", "xlsx-note-context-default"),
        col("option", "xlsx-note-option"),
    ]);
    context_cols.extend(lang_cols("option", "xlsx-note-option-label", &langs));
    let mut context_rows = Vec::new();
    for field in &c.context {
        let mut row = vec![Value::text(&field.key)];
        let (kind, min, max, default, options) = match &field.kind {
            ContextKind::Choice { options, default } => (
                "choice",
                Value::Empty,
                Value::Empty,
                default.as_deref().map_or(Value::Empty, Value::text),
                options.as_slice(),
            ),
            ContextKind::Number { min, max, default } => (
                "number",
                number(*min),
                number(*max),
                opt_number(*default),
                &[][..],
            ),
        };
        row.push(Value::text(kind));
        row.extend(langs.iter().map(|tag| text_cell(&field.label, tag)));
        row.extend([min, max, default]);
        let option_row = |o: &super::checklist::ChoiceOption| {
            let mut cells = vec![Value::text(&o.value)];
            cells.extend(langs.iter().map(|tag| text_cell(&o.label, tag)));
            cells
        };
        match options.split_first() {
            None => row.extend(std::iter::repeat_n(Value::Empty, langs.len() + 1)),
            Some((first, _)) => row.extend(option_row(first)),
        }
        context_rows.push(row);
        for o in options.iter().skip(1) {
            let mut row = vec![Value::Empty; 5 + langs.len()];
            row.extend(option_row(o));
            context_rows.push(row);
        }
    }
    let context = Sheet {
        name: CONTEXT.into(),
        columns: context_cols,
        rows: context_rows,
    };

    let item_cols = item_columns(&langs);
    let mut item_rows = Vec::new();
    let mut limit_rows = Vec::new();
    for (section, item) in c.items() {
        let mut cells: BTreeMap<String, Value> = BTreeMap::new();
        let mut put = |name: &str, v: Value| {
            cells.insert(name.to_string(), v);
        };
        put("section", Value::text(&section.key));
        put("key", Value::text(&item.key));
        put("clause", Value::text(&item.clause));
        put("kind", Value::text(item.kind.name()));
        for tag in &langs {
            put(&format!("text.{tag}"), text_cell(&item.text, tag));
            put(&format!("guidance.{tag}"), text_cell(&item.guidance, tag));
        }
        put("weight", number(item.weight));
        put("critical", Value::yes_no(item.critical));
        put("required", Value::yes_no(item.required));
        put("na", Value::yes_no(item.na));
        put("training", Value::text(item.training.join(", ")));
        if let Some(when) = writer::conditions(&item.when) {
            put("when", Value::text(writer::inline(&when)));
        }
        if item.basis != super::checklist::Basis::Source {
            put("basis", Value::text("company-practice"));
        }
        match &item.kind {
            ItemKind::Check => {}
            ItemKind::Scale {
                max,
                pass_at,
                labels,
            } => {
                put("max", number(*max as f64));
                put("pass_at", number(*pass_at as f64));
                for tag in &langs {
                    put(&format!("labels.{tag}"), lines_cell(labels, tag));
                }
            }
            ItemKind::Measure {
                unit,
                allowed,
                range,
            } => {
                put("unit", Value::text(unit));
                put("target", opt_number(allowed.target));
                put("tolerance", opt_number(allowed.tolerance));
                put("min", opt_number(allowed.min));
                put("max", opt_number(allowed.max));
                put("range_min", opt_number(range.map(|r| r.0)));
                put("range_max", opt_number(range.map(|r| r.1)));
            }
            ItemKind::Script {
                script,
                phrases,
                pass_at,
            } => {
                for tag in &langs {
                    put(&format!("script.{tag}"), text_cell(script, tag));
                    put(&format!("phrases.{tag}"), lines_cell(phrases, tag));
                }
                put("pass_at", number(*pass_at as f64));
            }
            ItemKind::Steps {
                steps,
                in_order,
                pass_at,
            } => {
                for tag in &langs {
                    put(&format!("steps.{tag}"), lines_cell(steps, tag));
                }
                put("in_order", Value::yes_no(*in_order));
                put("pass_at", number(*pass_at as f64));
            }
            ItemKind::Limit { unit, limit } => {
                put("unit", Value::text(unit));
                let options: std::collections::BTreeSet<&String> =
                    limit.base.keys().chain(limit.extra.keys()).collect();
                for option in options {
                    limit_rows.push(vec![
                        Value::text(&item.key),
                        Value::text(&limit.by),
                        limit.per.as_deref().map_or(Value::Empty, Value::text),
                        if limit.per.is_some() {
                            number(limit.above)
                        } else {
                            Value::Empty
                        },
                        Value::text(option),
                        opt_number(limit.base.get(option).copied()),
                        opt_number(limit.extra.get(option).copied()),
                    ]);
                }
            }
        }
        if let Some(action) = &item.action {
            put("action_owner", Value::text(action.owner.as_str()));
            put("action_due_days", number(action.due_days as f64));
            for tag in &langs {
                put(&format!("action_text.{tag}"), text_cell(&action.text, tag));
            }
            put("action_photo", Value::yes_no(action.photo));
        }
        item_rows.push(
            item_cols
                .iter()
                .map(|c| cells.remove(&c.header).unwrap_or(Value::Empty))
                .collect(),
        );
    }
    let items = Sheet {
        name: ITEMS.into(),
        columns: item_cols,
        rows: item_rows,
    };
    let limits = Sheet {
        name: LIMITS.into(),
        columns: vec![
            col("item", "xlsx-note-limit-item"),
            col("by", "xlsx-note-limit-by"),
            col("per", "xlsx-note-limit-per"),
            col("above", "xlsx-note-limit-above"),
            col("option", "xlsx-note-limit-option"),
            col("base", "xlsx-note-limit-base"),
            col("extra", "xlsx-note-limit-extra"),
        ],
        rows: limit_rows,
    };
    vec![checklist, sections, context, items, limits]
}

/// A cell that could not be read as its column needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    pub cell: Cell,
    pub message: Message,
}

/// A sheet read back, its columns found by header.
struct Reader<'a> {
    grid: &'a Grid,
    columns: BTreeMap<String, u16>,
    problems: &'a mut Vec<CellProblem>,
}

impl<'a> Reader<'a> {
    fn new(
        grid: &'a Grid,
        known: &dyn Fn(&str) -> bool,
        problems: &'a mut Vec<CellProblem>,
    ) -> Self {
        let mut columns = BTreeMap::new();
        if let Some(header) = grid.rows.first() {
            for (i, v) in header.iter().enumerate() {
                let name = v.as_text();
                if name.is_empty() {
                    continue;
                }
                let cell = Cell::new(&grid.name, 0, i as u16);
                if !known(&name) {
                    problems.push(CellProblem {
                        cell,
                        message: Message::new("xlsx-unknown-column").arg("column", &name),
                    });
                } else if columns.insert(name.clone(), i as u16).is_some() {
                    problems.push(CellProblem {
                        cell,
                        message: Message::new("xlsx-duplicate-column").arg("column", &name),
                    });
                }
            }
        }
        Reader {
            grid,
            columns,
            problems,
        }
    }

    /// The data rows (after the header) that have anything in them, by row number.
    fn rows(&self) -> Vec<u32> {
        (1..self.grid.rows.len())
            .filter(|&r| self.grid.rows[r].iter().any(|v| !v.is_empty()))
            .map(|r| r as u32)
            .collect()
    }

    fn cell(&self, row: u32, name: &str) -> Option<(Cell, &'a Value)> {
        let col = *self.columns.get(name)?;
        let grid: &'a Grid = self.grid;
        let value = grid.rows.get(row as usize)?.get(col as usize)?;
        (!value.is_empty()).then(|| (Cell::new(&grid.name, row, col), value))
    }

    fn problem(&mut self, cell: Cell, message: Message) {
        self.problems.push(CellProblem { cell, message });
    }

    fn text(&self, row: u32, name: &str) -> Option<Node> {
        let (cell, v) = self.cell(row, name)?;
        Some(Node::at(V::Str(v.as_text()), Some(cell)))
    }

    fn raw_text(&self, row: u32, name: &str) -> Option<String> {
        self.cell(row, name).map(|(_, v)| v.as_text())
    }

    fn number(&mut self, row: u32, name: &str) -> Option<Node> {
        let (cell, v) = self.cell(row, name)?;
        let n = match v {
            Value::Number(n) => Some(*n),
            Value::Text(t) => t.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        };
        match n {
            Some(n) => Some(Node::at(V::Num(n), Some(cell))),
            None => {
                let value = v.as_text();
                self.problem(
                    cell,
                    Message::new("xlsx-not-a-number")
                        .arg("column", name)
                        .arg("value", value),
                );
                None
            }
        }
    }

    fn yes_no(&mut self, row: u32, name: &str) -> Option<Node> {
        let (cell, v) = self.cell(row, name)?;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) if *n == 1.0 => Some(true),
            Value::Number(n) if *n == 0.0 => Some(false),
            Value::Text(t) => match t.trim().to_lowercase().as_str() {
                "yes" | "y" | "true" | "是" => Some(true),
                "no" | "n" | "false" | "否" => Some(false),
                _ => None,
            },
            _ => None,
        };
        match b {
            Some(b) => Some(Node::at(V::Bool(b), Some(cell))),
            None => {
                let value = v.as_text();
                self.problem(
                    cell,
                    Message::new("xlsx-not-yes-no")
                        .arg("column", name)
                        .arg("value", value),
                );
                None
            }
        }
    }

    /// A comma-separated list of keys.
    fn list(&self, row: u32, name: &str) -> Option<Node> {
        let (cell, v) = self.cell(row, name)?;
        let items = v
            .as_text()
            .split([',', '，', '、', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Node::at(V::Str(s.to_string()), Some(cell.clone())))
            .collect();
        Some(Node::at(V::List(items), Some(cell)))
    }

    /// A text from its language columns `base.<tag>`.
    fn texts(&self, row: u32, base: &str) -> Option<Node> {
        let mut entries = Vec::new();
        for (header, _) in self.columns.range(format!("{base}.")..) {
            let Some(tag) = header.strip_prefix(&format!("{base}.")) else {
                break;
            };
            if let Some((cell, v)) = self.cell(row, header) {
                entries.push((file_tag(tag), Node::at(V::Str(v.as_text()), Some(cell))));
            }
        }
        sort_tags(&mut entries);
        let from = entries.first().and_then(|(_, n)| n.from.clone());
        (!entries.is_empty()).then(|| Node::at(V::Table(entries), from))
    }

    /// A list of texts, one per line in each language column.
    fn text_lines(&mut self, row: u32, base: &str) -> Option<Node> {
        let mut per_lang = Vec::new();
        for (header, _) in self.columns.range(format!("{base}.")..) {
            let Some(tag) = header.strip_prefix(&format!("{base}.")) else {
                break;
            };
            if let Some((cell, v)) = self.cell(row, header) {
                let lines: Vec<String> = v
                    .as_text()
                    .lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                per_lang.push((file_tag(tag), cell, lines));
            }
        }
        let count = per_lang.iter().map(|(_, _, l)| l.len()).max()?;
        for (_, cell, lines) in &per_lang {
            if lines.len() != count {
                let cell = cell.clone();
                self.problem(
                    cell,
                    Message::new("xlsx-line-counts")
                        .arg("column", base)
                        .count("count", lines.len())
                        .arg("expected", count),
                );
            }
        }
        let list = (0..count)
            .map(|i| {
                let mut entries: Vec<(String, Node)> = per_lang
                    .iter()
                    .filter_map(|(tag, cell, lines)| {
                        lines
                            .get(i)
                            .map(|l| (tag.clone(), Node::at(V::Str(l.clone()), Some(cell.clone()))))
                    })
                    .collect();
                sort_tags(&mut entries);
                Node::new(V::Table(entries))
            })
            .collect();
        Some(Node::new(V::List(list)))
    }

    /// A cell holding TOML written inline (an item's `when`).
    fn inline_toml(&mut self, row: u32, name: &str) -> Option<Node> {
        let (cell, v) = self.cell(row, name)?;
        let text = v.as_text();
        match format!("v = {text}").parse::<toml::Table>() {
            Ok(t) if t.len() == 1 => Some(Node::from_toml(&t["v"], Some(cell))),
            Ok(_) => {
                self.problem(
                    cell,
                    Message::new("xlsx-not-toml")
                        .arg("column", name)
                        .arg("detail", "one value expected"),
                );
                None
            }
            Err(e) => {
                self.problem(
                    cell,
                    Message::new("xlsx-not-toml")
                        .arg("column", name)
                        .arg("detail", e.message().trim().replace('\n', " ")),
                );
                None
            }
        }
    }
}

/// The tag a file writes: `zh` for Traditional Chinese, a tag as given otherwise (the lint
/// says what is wrong with a malformed one).
fn file_tag(tag: &str) -> String {
    match canonical_tag(tag) {
        Ok(t) if t == ZH_HANT => "zh".into(),
        Ok(t) => t,
        Err(_) => tag.to_string(),
    }
}

fn sort_tags(entries: &mut [(String, Node)]) {
    entries.sort_by_key(|(tag, _)| match tag.as_str() {
        "zh" => (0, tag.clone()),
        ZH_HANS => (1, tag.clone()),
        EN => (2, tag.clone()),
        _ => (3, tag.clone()),
    });
}

fn known_lang_column(name: &str, bases: &[&str], plain: &[&str]) -> bool {
    plain.contains(&name)
        || bases.iter().any(|b| {
            name.strip_prefix(b)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
        })
}

fn with_header(rows: Vec<Vec<Value>>, columns: &[Column]) -> Vec<Vec<Value>> {
    let mut out = vec![columns.iter().map(|c| Value::text(&c.header)).collect()];
    out.extend(rows);
    out
}

impl Sheet {
    /// The sheet as a file holds it: the header row, then the rows.
    pub fn grid(&self) -> Grid {
        Grid {
            name: self.name.clone(),
            rows: with_header(self.rows.clone(), &self.columns),
        }
    }
}

/// A `limit` item's rows on the Limits sheet while they are read: where the item was
/// first named, its cap's fields (`by`, `per`, `above`), and per option its base and extra.
type LimitRows = (
    Cell,
    Vec<(String, Node)>,
    Vec<(String, Node)>,
    Vec<(String, Node)>,
);

/// The checklist file a workbook describes, each value marked with its cell, and the
/// cells that could not be read.
pub fn read_checklist(grids: &[Grid]) -> (Doc, Vec<CellProblem>) {
    let mut problems = Vec::new();
    let mut doc = Doc::default();
    let empty = Grid::default();
    let sheet = |name: &str, problems: &mut Vec<CellProblem>| -> Grid {
        match grids.iter().find(|g| g.name == name) {
            Some(g) => g.clone(),
            None => {
                if name != LIMITS && name != CONTEXT {
                    problems.push(CellProblem {
                        cell: Cell::new(name, 0, 0),
                        message: Message::new("xlsx-missing-sheet").arg("sheet", name),
                    });
                }
                Grid {
                    name: name.to_string(),
                    ..empty.clone()
                }
            }
        }
    };

    // Checklist: one field per row, its name in the first column, its value in the second.
    let head_grid = sheet(CHECKLIST, &mut problems);
    let mut head = Block::new("[checklist]");
    head.from = Some(Cell::new(CHECKLIST, 0, 0));
    let mut fields: BTreeMap<String, (Cell, Value)> = BTreeMap::new();
    for (r, row) in head_grid.rows.iter().enumerate().skip(1) {
        let name = row.first().map(Value::as_text).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let value = row.get(1).cloned().unwrap_or(Value::Empty);
        let known = ["key", "positions", "pass_mark", "source", "sign_off"]
            .contains(&name.as_str())
            || known_lang_column(&name, &["title", "description"], &[]);
        if !known {
            problems.push(CellProblem {
                cell: Cell::new(CHECKLIST, r as u32, 0),
                message: Message::new("xlsx-unknown-field").arg("field", &name),
            });
            continue;
        }
        if !value.is_empty() {
            fields.insert(name, (Cell::new(CHECKLIST, r as u32, 1), value));
        }
    }
    // The head's fields as a one-row grid, so they are read like any other row.
    let names: Vec<String> = fields.keys().cloned().collect();
    let head_row = Grid {
        name: CHECKLIST.into(),
        rows: vec![
            names.iter().map(Value::text).collect(),
            names.iter().map(|n| fields[n].1.clone()).collect(),
        ],
    };
    let before = problems.len();
    {
        let mut r = Reader::new(&head_row, &|_| true, &mut problems);
        // Cells are reported where they are in the sheet, not in the one-row copy.
        let at_sheet = |n: Option<Node>| n.map(|n| relocate(n, &fields));
        if let Some(n) = at_sheet(r.text(1, "key")) {
            head.set("key", n);
        }
        if let Some(n) = at_sheet(r.texts(1, "title")) {
            head.set("title", n);
        }
        if let Some(n) = at_sheet(r.texts(1, "description")) {
            head.set("description", n);
        }
        if let Some(n) = at_sheet(r.list(1, "positions")) {
            head.set("positions", n);
        }
        if let Some(n) = at_sheet(r.number(1, "pass_mark")) {
            head.set("pass_mark", n);
        }
        if let Some(n) = at_sheet(r.text(1, "source")) {
            head.set("source", n);
        }
        if let Some(n) = at_sheet(r.yes_no(1, "sign_off")) {
            head.set("sign_off", n);
        }
    }
    for p in problems[before..].iter_mut() {
        {
            let name = names.get(p.cell.col as usize).cloned().unwrap_or_default();
            if let Some((cell, _)) = fields.get(&name) {
                p.cell = cell.clone();
            }
        }
    }
    doc.blocks.push(head);

    // Context: a field per row with a key; rows without one add options to the field above.
    let context_grid = sheet(CONTEXT, &mut problems);
    {
        let known = |n: &str| {
            known_lang_column(
                n,
                &["label", "option"],
                &["key", "kind", "min", "max", "default", "option"],
            )
        };
        let mut r = Reader::new(&context_grid, &known, &mut problems);
        let mut fields: Vec<(Block, Vec<Node>, bool)> = Vec::new();
        for row in r.rows() {
            if let Some(key) = r.text(row, "key") {
                let mut b = Block::new("[[context]]");
                b.from = key.from.clone();
                let kind = r.raw_text(row, "kind").unwrap_or_default();
                b.set("key", key);
                if let Some(n) = r.texts(row, "label") {
                    b.set("label", n);
                }
                if let Some(n) = r.text(row, "kind") {
                    b.set("kind", n);
                }
                for name in ["min", "max"] {
                    if let Some(n) = r.number(row, name) {
                        b.set(name, n);
                    }
                }
                let number = kind == "number";
                if number {
                    if let Some(n) = r.number(row, "default") {
                        b.set("default", n);
                    }
                } else if let Some(n) = r.text(row, "default") {
                    b.set("default", n);
                }
                fields.push((b, Vec::new(), number));
            }
            if let Some(value) = r.text(row, "option") {
                let mut entries = vec![("value".to_string(), value)];
                if let Some(Node {
                    value: V::Table(langs),
                    ..
                }) = r.texts(row, "option")
                {
                    entries.extend(langs);
                }
                match fields.last_mut() {
                    Some((_, options, _)) => options.push(Node::new(V::Table(entries))),
                    None => {
                        let cell = Cell::new(CONTEXT, row, 0);
                        r.problem(cell, Message::new("xlsx-option-without-field"));
                    }
                }
            }
        }
        for (mut b, options, number) in fields {
            if !options.is_empty() || !number {
                let at = b.entries.iter().position(|(k, _)| k == "default");
                let node = ("options".to_string(), Node::new(V::List(options)));
                match at {
                    Some(i) => b.entries.insert(i, node),
                    None => b.entries.push(node),
                }
            }
            doc.blocks.push(b);
        }
    }

    // Limits: one row per option of an item's cap.
    let limit_grid = sheet(LIMITS, &mut problems);
    let mut limits: BTreeMap<String, LimitRows> = BTreeMap::new();
    {
        let known =
            |n: &str| ["item", "by", "per", "above", "option", "base", "extra"].contains(&n);
        let mut r = Reader::new(&limit_grid, &known, &mut problems);
        for row in r.rows() {
            let Some(item) = r.raw_text(row, "item") else {
                r.problem(
                    Cell::new(LIMITS, row, 0),
                    Message::new("xlsx-limit-without-item"),
                );
                continue;
            };
            let first = Cell::new(LIMITS, row, r.columns.get("item").copied().unwrap_or(0));
            let by = r.text(row, "by");
            let per = r.text(row, "per");
            let above = r.number(row, "above");
            let option = r.raw_text(row, "option");
            let base = r.number(row, "base");
            let extra = r.number(row, "extra");
            let entry = limits
                .entry(item)
                .or_insert_with(|| (first, Vec::new(), Vec::new(), Vec::new()));
            for (name, node) in [("by", by), ("per", per), ("above", above)] {
                if let Some(node) = node
                    && !entry.1.iter().any(|(k, _)| k == name)
                {
                    entry.1.push((name.to_string(), node));
                }
            }
            if let Some(option) = option {
                if let Some(base) = base {
                    entry.2.push((option.clone(), base));
                }
                if let Some(extra) = extra {
                    entry.3.push((option, extra));
                }
            }
        }
    }

    // Sections, then each section's items in the order of the Items sheet.
    let section_grid = sheet(SECTIONS, &mut problems);
    let mut sections: Vec<(String, Block, Vec<Block>)> = Vec::new();
    {
        let known = |n: &str| known_lang_column(n, &["title"], &["key"]);
        let r = Reader::new(&section_grid, &known, &mut problems);
        for row in r.rows() {
            let Some(key) = r.text(row, "key") else {
                continue;
            };
            let mut b = Block::new("[[section]]");
            b.from = key.from.clone();
            let name = r.raw_text(row, "key").unwrap_or_default();
            b.set("key", key);
            if let Some(n) = r.texts(row, "title") {
                b.set("title", n);
            }
            sections.push((name, b, Vec::new()));
        }
    }
    let item_grid = sheet(ITEMS, &mut problems);
    {
        let bases = [
            "text",
            "guidance",
            "labels",
            "script",
            "phrases",
            "steps",
            "action_text",
        ];
        let plain = [
            "section",
            "key",
            "clause",
            "kind",
            "weight",
            "critical",
            "required",
            "na",
            "training",
            "when",
            "basis",
            "unit",
            "target",
            "tolerance",
            "min",
            "max",
            "range_min",
            "range_max",
            "pass_at",
            "in_order",
            "action_owner",
            "action_due_days",
            "action_photo",
        ];
        let known = |n: &str| known_lang_column(n, &bases, &plain);
        let mut r = Reader::new(&item_grid, &known, &mut problems);
        let mut seen_limits = Vec::new();
        for row in r.rows() {
            let mut b = Block::new("[[section.item]]");
            b.from = Some(Cell::new(ITEMS, row, 0));
            let key = r.raw_text(row, "key").unwrap_or_default();
            for name in ["key", "clause", "kind"] {
                if let Some(n) = r.text(row, name) {
                    b.set(name, n);
                }
            }
            for name in ["text", "guidance"] {
                if let Some(n) = r.texts(row, name) {
                    b.set(name, n);
                }
            }
            if let Some(n) = r.number(row, "weight") {
                b.set("weight", n);
            }
            for name in ["critical", "required", "na"] {
                if let Some(n) = r.yes_no(row, name) {
                    b.set(name, n);
                }
            }
            let training_cell = r.columns.get("training").map(|&c| Cell::new(ITEMS, row, c));
            b.set(
                "training",
                r.list(row, "training")
                    .unwrap_or_else(|| Node::at(V::List(Vec::new()), training_cell)),
            );
            if let Some(n) = r.inline_toml(row, "when") {
                b.set("when", n);
            }
            for name in ["basis", "unit"] {
                if let Some(n) = r.text(row, name) {
                    b.set(name, n);
                }
            }
            for name in ["target", "tolerance", "min", "max"] {
                if let Some(n) = r.number(row, name) {
                    b.set(name, n);
                }
            }
            let lo = r.number(row, "range_min");
            let hi = r.number(row, "range_max");
            if lo.is_some() || hi.is_some() {
                let from = lo.as_ref().or(hi.as_ref()).and_then(|n| n.from.clone());
                let list = [lo, hi].into_iter().flatten().collect();
                b.set("range", Node::at(V::List(list), from));
            }
            if let Some(n) = r.texts(row, "script") {
                b.set("script", n);
            }
            for name in ["labels", "phrases", "steps"] {
                if let Some(n) = r.text_lines(row, name) {
                    b.set(name, n);
                }
            }
            if let Some(n) = r.yes_no(row, "in_order") {
                b.set("in_order", n);
            }
            if let Some(n) = r.number(row, "pass_at") {
                b.set("pass_at", n);
            }
            if let Some((first, head, base, extra)) = limits.get(&key) {
                seen_limits.push(key.clone());
                let mut entries = head.clone();
                entries.insert(
                    entries
                        .iter()
                        .position(|(k, _)| k != "by")
                        .unwrap_or(entries.len()),
                    (
                        "base".to_string(),
                        Node::at(V::Table(base.clone()), Some(first.clone())),
                    ),
                );
                if !extra.is_empty() {
                    entries.push((
                        "extra".to_string(),
                        Node::at(V::Table(extra.clone()), Some(first.clone())),
                    ));
                }
                b.set("limit", Node::at(V::Table(entries), Some(first.clone())));
            }
            let mut action = Vec::new();
            if let Some(n) = r.text(row, "action_owner") {
                action.push(("owner".to_string(), n));
            }
            if let Some(n) = r.number(row, "action_due_days") {
                action.push(("due_days".to_string(), n));
            }
            if let Some(n) = r.texts(row, "action_text") {
                action.push(("text".to_string(), n));
            }
            if let Some(n) = r.yes_no(row, "action_photo") {
                action.push(("photo".to_string(), n));
            }
            if !action.is_empty() {
                let from = action[0].1.from.clone();
                b.set("action", Node::at(V::Table(action), from));
            }
            match r.cell(row, "section") {
                None => r.problem(
                    Cell::new(ITEMS, row, r.columns.get("section").copied().unwrap_or(0)),
                    Message::new("xlsx-item-without-section"),
                ),
                Some((cell, v)) => {
                    let name = v.as_text();
                    match sections.iter_mut().find(|(k, _, _)| *k == name) {
                        Some((_, _, items)) => items.push(b),
                        None => {
                            let mut s = Block::new("[[section]]");
                            s.from = Some(cell.clone());
                            s.set("key", Node::at(V::Str(name.clone()), Some(cell)));
                            sections.push((name, s, vec![b]));
                        }
                    }
                }
            }
        }
        for (item, (first, ..)) in &limits {
            if !seen_limits.contains(item) {
                r.problem(
                    first.clone(),
                    Message::new("xlsx-limit-unknown-item").arg("item", item),
                );
            }
        }
    }
    for (_, section, items) in sections {
        doc.blocks.push(section);
        doc.blocks.extend(items);
    }
    (doc, problems)
}

/// Put a one-row copy's cells back where the fields are in the `Checklist` sheet.
fn relocate(mut node: Node, fields: &BTreeMap<String, (Cell, Value)>) -> Node {
    fn walk(node: &mut Node, names: &[&String], fields: &BTreeMap<String, (Cell, Value)>) {
        if let Some(cell) = &node.from
            && let Some(name) = names.get(cell.col as usize)
        {
            node.from = fields.get(*name).map(|(c, _)| c.clone());
        }
        match &mut node.value {
            V::List(list) => list.iter_mut().for_each(|n| walk(n, names, fields)),
            V::Table(entries) => entries.iter_mut().for_each(|(_, n)| walk(n, names, fields)),
            _ => {}
        }
    }
    let names: Vec<&String> = fields.keys().collect();
    walk(&mut node, &names, fields);
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::library::parse_library;
    use crate::domain::library::writer::shipped::shipped;

    fn grids(c: &Checklist) -> Vec<Grid> {
        checklist_sheets(c).iter().map(Sheet::grid).collect()
    }

    #[test]
    fn every_shipped_checklist_survives_the_workbook() {
        let files = shipped();
        let (library, problems) = parse_library(&files);
        assert!(problems.is_empty(), "{problems:?}");
        for c in &library.checklists {
            let (doc, cell_problems) = read_checklist(&grids(c));
            assert!(cell_problems.is_empty(), "{}: {cell_problems:?}", c.key);
            let text = doc.write().text;
            let mut again = files.clone();
            let path = again
                .iter_mut()
                .find(|f| {
                    crate::domain::authoring::declared(&f.text).is_some_and(|(_, k)| k == c.key)
                })
                .unwrap();
            path.text = text.clone();
            let (back, problems) = parse_library(&again);
            assert!(problems.is_empty(), "{}: {problems:?}\n{text}", c.key);
            assert_eq!(back.checklist(&c.key).unwrap(), c, "{}", c.key);
        }
    }

    #[test]
    fn wrong_cells_are_reported_where_they_are() {
        let files = shipped();
        let (library, _) = parse_library(&files);
        let c = library.checklist("client-visit").unwrap();
        let mut g = grids(c);
        let items = g.iter_mut().find(|g| g.name == ITEMS).unwrap();
        let col = |name: &str| {
            items.rows[0]
                .iter()
                .position(|v| v.as_text() == name)
                .unwrap()
        };
        let (w, cr) = (col("weight"), col("critical"));
        items.rows[3][w] = Value::Text("abc".into());
        items.rows[4][cr] = Value::Text("maybe".into());
        let (_, problems) = read_checklist(&g);
        let at: Vec<String> = problems.iter().map(|p| p.cell.to_string()).collect();
        assert_eq!(
            at,
            vec![
                format!("Items!{}4", writer::column_name(w as u16)),
                format!("Items!{}5", writer::column_name(cr as u16)),
            ]
        );
        assert!(problems[0].message.to_string().contains("abc"));
    }
}
