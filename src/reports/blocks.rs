//! The pieces a report is made of (tables, cells, headline figures, chart series and
//! bars), the tones that colour them, and the verdict and percentage as printed.

use printpdf::{Color, Rgb};

use crate::domain::Lang;
use crate::domain::stats::Summary;
use crate::i18n::Localize;

/// What a piece of text or a row means, and so its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Normal,
    Muted,
    Accent,
    Good,
    Bad,
    Warn,
}

impl Tone {
    pub(super) fn ink(self) -> Color {
        match self {
            Tone::Normal => rgb(0.11, 0.12, 0.14),
            Tone::Muted => rgb(0.42, 0.44, 0.48),
            Tone::Accent => rgb(0.10, 0.28, 0.50),
            Tone::Good => rgb(0.08, 0.45, 0.22),
            Tone::Bad => rgb(0.72, 0.11, 0.11),
            Tone::Warn => rgb(0.62, 0.38, 0.00),
        }
    }

    /// A light background for a row or a box of this tone.
    pub(super) fn tint(self) -> Color {
        match self {
            Tone::Good => rgb(0.91, 0.96, 0.92),
            Tone::Bad => rgb(0.99, 0.92, 0.92),
            Tone::Warn => rgb(1.0, 0.96, 0.88),
            Tone::Accent => rgb(0.91, 0.94, 0.98),
            Tone::Normal | Tone::Muted => rgb(0.955, 0.96, 0.965),
        }
    }
}

pub(super) fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

pub(super) fn rule_color() -> Color {
    rgb(0.80, 0.82, 0.85)
}

/// Pass or fail, in words and colour.
pub fn verdict(lang: Lang, passed: Option<bool>) -> (String, Tone) {
    match passed {
        Some(true) => (lang.t("spotcheck-pass"), Tone::Good),
        Some(false) => (lang.t("spotcheck-fail"), Tone::Bad),
        None => ("—".into(), Tone::Muted),
    }
}

/// A percentage as printed: one decimal.
pub fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1}%"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// One cell of a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
    pub bold: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Default::default()
        }
    }

    pub fn tone(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            tone,
            bold: false,
        }
    }

    pub fn bold(mut self) -> Cell {
        self.bold = true;
        self
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::new(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::new(text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Relative width; the columns share the text column in these proportions.
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, width: f32, align: Align) -> Column {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// A tinted background (a failed row, an overdue module…).
    pub shade: Option<Tone>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row { cells, shade: None }
    }

    pub fn shaded(cells: Vec<Cell>, shade: Option<Tone>) -> Row {
        Row { cells, shade }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// The four headline figures of a set of spot-checks, as the site and staff reports show them.
pub fn summary_figures(l: Lang, s: &Summary) -> [Figure; 4] {
    [
        Figure::new(
            l.t("quality-spot-checks"),
            s.inspections.to_string(),
            Tone::Accent,
        ),
        Figure::new(l.t("report-average-score"), pct(s.mean), Tone::Accent),
        Figure::new(
            l.t("quality-pass-rate"),
            pct(s.pass_rate),
            match s.pass_rate {
                Some(p) if p < 80.0 => Tone::Bad,
                Some(_) => Tone::Good,
                None => Tone::Muted,
            },
        ),
        Figure::new(
            l.t("report-critical-failures"),
            s.critical.to_string(),
            if s.critical > 0 {
                Tone::Bad
            } else {
                Tone::Good
            },
        ),
    ]
}

/// A headline number in a box.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub tone: Tone,
}

impl Figure {
    pub fn new(label: impl Into<String>, value: impl Into<String>, tone: Tone) -> Figure {
        Figure {
            label: label.into(),
            value: value.into(),
            tone,
        }
    }
}

/// One series of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per x label; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
    pub tone: Tone,
    pub dashed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub min: f64,
    pub max: f64,
    /// Appended to axis values, e.g. "%".
    pub unit: String,
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Printed after the bar, e.g. "5 · 25% · Σ 60%".
    pub note: String,
}
