//! PDF reports: one inspection, one person's record, one site's period.
//!
//! Each report is a pure function from a plain struct (gathered from the database by
//! [`data`]) to PDF bytes, so the builders are tested without a database and run in
//! `spawn_blocking` on the server. This module holds what they share: an A4 page with a
//! running header and a "page x / y" footer, text that wraps Chinese and English, tables
//! that break across pages and repeat their header row, figures, small vector charts
//! (lines and bars drawn as PDF paths), photo thumbnails, and the bundled font.
//!
//! Text is set in Noto Sans TC (`fonts/`), embedded at compile time and subset by printpdf,
//! so Chinese renders and stays selectable and a one-page report stays around 20 KB.
//! Headings are the same face filled and stroked (a faux bold), which spares the 7 MB of
//! a second face in the binary.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage,
    RawImageData, RawImageFormat, Rect, Rgb, TextItem, TextRenderingMode, XObjectTransform,
};

use crate::domain::Lang;
use crate::domain::stats::Summary;

pub mod data;
pub mod inspection;
pub mod site;
pub mod staff;

/// A4 in points.
pub const PAGE_W: f32 = 595.2756;
pub const PAGE_H: f32 = 841.8898;
const MARGIN_X: f32 = 42.0;
/// Where the content starts, from the top edge (the running header sits above).
const CONTENT_TOP: f32 = 62.0;
/// Where the content must end, from the bottom edge (the footer sits below).
const CONTENT_BOTTOM: f32 = 54.0;
/// Width of the text column.
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Body text size; tables and small print are a little smaller.
pub const BODY: f32 = 9.5;
pub const SMALL: f32 = 8.0;

static FONT_TTF: &[u8] = include_bytes!("../../fonts/NotoSansTC-Regular.ttf");

/// The bundled face, parsed once per process (≈ 7 MB of TrueType).
pub fn font() -> &'static ParsedFont {
    static FONT: OnceLock<ParsedFont> = OnceLock::new();
    FONT.get_or_init(|| {
        ParsedFont::from_bytes(FONT_TTF, 0, &mut Vec::new())
            .expect("the bundled fonts/NotoSansTC-Regular.ttf parses")
    })
}

/// How wide `text` is at `size` points, from the font's advance widths.
pub fn text_width(text: &str, size: f32) -> f32 {
    let f = font();
    let upm = f.font_metrics.units_per_em.max(1) as f32;
    let units: u32 = text
        .chars()
        .map(|c| f.get_horizontal_advance(f.lookup_glyph_index(c as u32).unwrap_or(0)) as u32)
        .sum();
    units as f32 * size / upm
}

/// Characters set one by one, breakable before and after: Han, kana, CJK punctuation and
/// full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Punctuation that must not start a line (it stays with the character before).
fn no_break_before(c: char) -> bool {
    "，。、；：！？）」』》〉】．,.;:!?)]}%’”…·".contains(c)
}

/// Punctuation that must not end a line (it goes with the character after).
fn no_break_after(c: char) -> bool {
    "（「『《〈【([{‘“".contains(c)
}

/// Split text into the pieces a line may break between: a Latin word, one CJK
/// character, or a run of spaces (`None`). Closing punctuation sticks to what comes
/// before it and opening punctuation to what comes after.
fn pieces(text: &str) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    let mut word = String::new();
    let mut glue_next = false;
    let flush = |word: &mut String, out: &mut Vec<Option<String>>| {
        if !word.is_empty() {
            out.push(Some(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            if !matches!(out.last(), Some(None)) {
                out.push(None);
            }
            glue_next = false;
            continue;
        }
        if no_break_before(c) {
            if !word.is_empty() {
                word.push(c);
            } else if let Some(Some(last)) = out.last_mut() {
                last.push(c);
            } else {
                word.push(c);
            }
            continue;
        }
        if is_cjk(c) {
            if glue_next {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                word.push(c);
            }
            glue_next = no_break_after(c);
            if !glue_next {
                flush(&mut word, &mut out);
            }
            continue;
        }
        // Latin and everything else accumulate into a word.
        if glue_next || !word.is_empty() && !word.chars().last().is_some_and(is_cjk) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            word.push(c);
        }
        glue_next = no_break_after(c);
    }
    flush(&mut word, &mut out);
    out
}

/// Break `text` into lines no wider than `width` at `size`: between Latin words, between
/// CJK characters (keeping punctuation where it belongs), and inside a word only when
/// the word alone is too wide. Newlines in the text are kept.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = text_width(" ", size);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        let mut pending_space = false;
        for piece in pieces(paragraph) {
            let Some(piece) = piece else {
                pending_space = !line.is_empty();
                continue;
            };
            let w = text_width(&piece, size);
            let gap = if pending_space { space } else { 0.0 };
            pending_space = false;
            if line_w + gap + w <= width {
                if gap > 0.0 {
                    line.push(' ');
                }
                line.push_str(&piece);
                line_w += gap + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if w <= width {
                line.push_str(&piece);
                line_w = w;
                continue;
            }
            // A word wider than the line: break it between characters.
            for c in piece.chars() {
                let cw = text_width(c.encode_utf8(&mut [0; 4]), size);
                if line_w + cw > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Cut `text` to fit `width`, ending in "…" when shortened.
pub fn ellipsize(text: &str, size: f32, width: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let budget = width - text_width("…", size);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > budget {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

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
    fn ink(self) -> Color {
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
    fn tint(self) -> Color {
        match self {
            Tone::Good => rgb(0.91, 0.96, 0.92),
            Tone::Bad => rgb(0.99, 0.92, 0.92),
            Tone::Warn => rgb(1.0, 0.96, 0.88),
            Tone::Accent => rgb(0.91, 0.94, 0.98),
            Tone::Normal | Tone::Muted => rgb(0.955, 0.96, 0.965),
        }
    }
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

fn rule_color() -> Color {
    rgb(0.80, 0.82, 0.85)
}

/// Pass or fail, in words and colour.
pub fn verdict(lang: Lang, passed: Option<bool>) -> (String, Tone) {
    match passed {
        Some(true) => (lang.pick("合格", "Pass").into(), Tone::Good),
        Some(false) => (lang.pick("不合格", "Fail").into(), Tone::Bad),
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
            l.pick("抽查次數", "Spot-checks"),
            s.inspections.to_string(),
            Tone::Accent,
        ),
        Figure::new(l.pick("平均分", "Average score"), pct(s.mean), Tone::Accent),
        Figure::new(
            l.pick("合格率", "Pass rate"),
            pct(s.pass_rate),
            match s.pass_rate {
                Some(p) if p < 80.0 => Tone::Bad,
                Some(_) => Tone::Good,
                None => Tone::Muted,
            },
        ),
        Figure::new(
            l.pick("嚴重不合格", "Critical failures"),
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

/// A photo decoded and shrunk for the page.
#[derive(Debug, Clone)]
pub struct Thumbnail(RawImage);

impl Thumbnail {
    /// Decode a JPEG or PNG and shrink it so its longer side is at most `max_px`
    /// pixels; `None` when it cannot be decoded (WebP, a damaged file…).
    pub fn decode(bytes: &[u8], max_px: usize) -> Option<Thumbnail> {
        let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).ok()?;
        shrink(image, max_px)
    }

    pub fn size(&self) -> (usize, usize) {
        (self.0.width, self.0.height)
    }
}

/// Box-filter an 8-bit image down to at most `max_px` on its longer side (never up),
/// dropping any alpha channel onto white.
fn shrink(image: RawImage, max_px: usize) -> Option<Thumbnail> {
    let RawImageData::U8(pixels) = &image.pixels else {
        return None;
    };
    let channels = match image.data_format {
        RawImageFormat::R8 => 1,
        RawImageFormat::RG8 => 2,
        RawImageFormat::RGB8 => 3,
        RawImageFormat::RGBA8 => 4,
        _ => return None,
    };
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 || pixels.len() < w * h * channels {
        return None;
    }
    let scale = (w.max(h) as f64 / max_px.max(1) as f64).max(1.0);
    let (nw, nh) = (
        ((w as f64 / scale).round() as usize).max(1),
        ((h as f64 / scale).round() as usize).max(1),
    );
    let mut out = Vec::with_capacity(nw * nh * 3);
    for y in 0..nh {
        let (y0, y1) = (y * h / nh, ((y + 1) * h / nh).max(y * h / nh + 1));
        for x in 0..nw {
            let (x0, x1) = (x * w / nw, ((x + 1) * w / nw).max(x * w / nw + 1));
            let mut sum = [0u32; 3];
            let mut n = 0u32;
            for sy in y0..y1 {
                for sx in x0..x1 {
                    let p = &pixels[(sy * w + sx) * channels..][..channels];
                    let (color, alpha) = match channels {
                        1 => ([p[0]; 3], 255),
                        2 => ([p[0]; 3], p[1]),
                        3 => ([p[0], p[1], p[2]], 255),
                        _ => ([p[0], p[1], p[2]], p[3]),
                    };
                    for (s, c) in sum.iter_mut().zip(color) {
                        // Composite onto white.
                        *s += (c as u32 * alpha as u32 + 255 * (255 - alpha as u32)) / 255;
                    }
                    n += 1;
                }
            }
            out.extend(sum.map(|s| (s / n) as u8));
        }
    }
    Some(Thumbnail(RawImage {
        pixels: RawImageData::U8(out),
        width: nw,
        height: nh,
        data_format: RawImageFormat::RGB8,
        tag: Vec::new(),
    }))
}

/// A report being laid out, top to bottom, page after page. Positions are measured
/// from the top edge of the page (`y`) and converted to PDF's bottom-left origin when
/// drawn.
pub struct Pdf {
    lang: Lang,
    doc: PdfDocument,
    font: FontId,
    header: String,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
}

impl Pdf {
    /// A new report; `header` runs along the top of every page.
    pub fn new(lang: Lang, title: &str, header: &str) -> Pdf {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.creator = "Decorum".into();
        doc.metadata.info.producer = "Decorum (printpdf)".into();
        let font = doc.add_font(font());
        Pdf {
            lang,
            doc,
            font,
            header: header.to_string(),
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Room left on this page, in points.
    pub fn remaining(&self) -> f32 {
        PAGE_H - CONTENT_BOTTOM - self.y
    }

    /// Start a new page unless `height` still fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.remaining() < height && self.y > CONTENT_TOP {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = CONTENT_TOP;
    }

    pub fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(PAGE_H - CONTENT_BOTTOM);
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    // ---- primitives -------------------------------------------------------------

    /// One line of text with its baseline `baseline` points below the top edge.
    fn text_at(&mut self, x: f32, baseline: f32, size: f32, tone: Tone, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        let ink = tone.ink();
        self.ops.push(Op::SetFillColor { col: ink.clone() });
        if bold {
            self.ops.push(Op::SetOutlineColor { col: ink });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(size * 0.035),
            });
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetTextRenderingMode {
                mode: if bold {
                    TextRenderingMode::FillStroke
                } else {
                    TextRenderingMode::Fill
                },
            },
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(PAGE_H - baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text aligned in a box `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    fn text_in(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        size: f32,
        align: Align,
        tone: Tone,
        bold: bool,
        text: &str,
    ) {
        let w = text_width(text, size);
        let at = match align {
            Align::Left => x,
            Align::Right => x + width - w,
            Align::Center => x + (width - w) / 2.0,
        };
        self.text_at(at, baseline, size, tone, bold, text);
    }

    fn fill_rect(&mut self, x: f32, top: f32, width: f32, height: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - top - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    fn stroke(&mut self, points: &[(f32, f32)], color: Color, width: f32, dashed: bool) {
        if points.len() < 2 {
            return;
        }
        self.ops.push(Op::SetOutlineColor { col: color });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if dashed {
            self.ops.push(Op::SetLineDashPattern {
                dash: printpdf::LineDashPattern::new(0.0, &[3.0, 2.0]),
            });
        }
        self.ops.push(Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: Point {
                            x: Pt(x),
                            y: Pt(PAGE_H - y),
                        },
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
        if dashed {
            self.ops.push(Op::SetLineDashPattern {
                dash: printpdf::LineDashPattern::solid(),
            });
        }
    }

    fn hrule(&mut self, y: f32, color: Color, width: f32) {
        self.stroke(
            &[(MARGIN_X, y), (PAGE_W - MARGIN_X, y)],
            color,
            width,
            false,
        );
    }

    // ---- blocks ---------------------------------------------------------------------

    /// The report's title, with a line under it (e.g. the period or the person).
    pub fn title(&mut self, title: &str, subtitle: &str) {
        let lines = wrap(title, 17.0, CONTENT_W);
        for line in &lines {
            self.ensure(26.0);
            let baseline = self.y + 19.0;
            self.text_at(MARGIN_X, baseline, 17.0, Tone::Accent, true, line);
            self.y += 25.0;
        }
        if !subtitle.is_empty() {
            self.paragraph(subtitle, 10.0, Tone::Muted);
        }
        self.gap(4.0);
    }

    /// A section heading; never left alone at the bottom of a page.
    pub fn heading(&mut self, text: &str) {
        self.ensure(18.0 + 50.0);
        self.gap(8.0);
        let baseline = self.y + 13.0;
        self.text_at(MARGIN_X, baseline, 12.0, Tone::Accent, true, text);
        self.y += 18.0;
        self.hrule(self.y, Tone::Accent.ink(), 0.8);
        self.y += 6.0;
    }

    /// Wrapped text across the text column.
    pub fn paragraph(&mut self, text: &str, size: f32, tone: Tone) {
        self.paragraph_at(MARGIN_X, CONTENT_W, text, size, tone);
    }

    fn paragraph_at(&mut self, x: f32, width: f32, text: &str, size: f32, tone: Tone) {
        let lh = size * 1.5;
        for line in wrap(text, size, width) {
            self.ensure(lh);
            let baseline = self.y + size * 1.12;
            self.text_at(x, baseline, size, tone, false, &line);
            self.y += lh;
        }
    }

    /// Labelled values in a grid of `columns` columns: a small muted label above each value.
    pub fn fields(&mut self, pairs: &[(String, String)], columns: usize) {
        let columns = columns.max(1);
        let col_w = CONTENT_W / columns as f32;
        for row in pairs.chunks(columns) {
            let wrapped: Vec<Vec<String>> = row
                .iter()
                .map(|(_, v)| wrap(v, 10.0, col_w - 10.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = 12.0 + lines as f32 * 14.0 + 4.0;
            self.ensure(height);
            for (i, ((label, _), value)) in row.iter().zip(&wrapped).enumerate() {
                let x = MARGIN_X + i as f32 * col_w;
                self.text_at(x, self.y + 8.5, 7.5, Tone::Muted, false, label);
                for (n, line) in value.iter().enumerate() {
                    let baseline = self.y + 12.0 + 11.0 + n as f32 * 14.0;
                    self.text_at(x, baseline, 10.0, Tone::Normal, false, line);
                }
            }
            self.y += height;
        }
    }

    /// Headline figures in boxes across the page.
    pub fn figures(&mut self, figures: &[Figure]) {
        if figures.is_empty() {
            return;
        }
        let gap = 8.0;
        let n = figures.len() as f32;
        let w = (CONTENT_W - gap * (n - 1.0)) / n;
        let h = 50.0;
        self.ensure(h + 6.0);
        for (i, f) in figures.iter().enumerate() {
            let x = MARGIN_X + i as f32 * (w + gap);
            self.fill_rect(x, self.y, w, h, f.tone.tint());
            let value = ellipsize(&f.value, 17.0, w - 12.0);
            self.text_at(x + 8.0, self.y + 24.0, 17.0, f.tone, true, &value);
            let label = ellipsize(&f.label, 8.0, w - 12.0);
            self.text_at(x + 8.0, self.y + 41.0, 8.0, Tone::Muted, false, &label);
        }
        self.y += h + 6.0;
    }

    /// A table across the text column. Rows never split; a row that does not fit goes to
    /// the next page, which repeats the header row first.
    pub fn table(&mut self, table: &Table) {
        let size = SMALL + 0.5;
        let lh = size * 1.42;
        let pad = 3.5;
        let total: f32 = table
            .columns
            .iter()
            .map(|c| c.width)
            .sum::<f32>()
            .max(0.001);
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|c| c.width / total * CONTENT_W)
            .collect();
        let header: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(&c.title, size, w - 2.0 * pad))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let max_row_lines =
            (((PAGE_H - CONTENT_TOP - CONTENT_BOTTOM - header_h) / lh).floor() as usize).max(2) - 1;
        let rows: Vec<(Vec<Vec<String>>, f32)> = table
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<Vec<String>> = widths
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let text = row.cells.get(i).map_or("", |c| c.text.as_str());
                        let mut lines = wrap(text, size, w - 2.0 * pad);
                        lines.truncate(max_row_lines);
                        lines
                    })
                    .collect();
                let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
                (cells, lines as f32 * lh + 2.0 * pad)
            })
            .collect();

        let first = rows.first().map_or(0.0, |r| r.1);
        self.ensure(header_h + first);
        self.table_header(table, &widths, &header, header_h, size, lh, pad);
        for (i, (row, (cells, h))) in table.rows.iter().zip(&rows).enumerate() {
            if self.remaining() < *h {
                self.new_page();
                self.table_header(table, &widths, &header, header_h, size, lh, pad);
            }
            let shade = match row.shade {
                Some(tone) => Some(tone.tint()),
                None if i % 2 == 1 => Some(rgb(0.975, 0.978, 0.982)),
                None => None,
            };
            if let Some(color) = shade {
                self.fill_rect(MARGIN_X, self.y, CONTENT_W, *h, color);
            }
            let mut x = MARGIN_X;
            for (c, (column, w)) in table.columns.iter().zip(&widths).enumerate() {
                let cell = row.cells.get(c);
                let (tone, bold) = cell.map_or((Tone::Normal, false), |c| (c.tone, c.bold));
                for (n, line) in cells[c].iter().enumerate() {
                    let baseline = self.y + pad + size * 1.1 + n as f32 * lh;
                    self.text_in(
                        x + pad,
                        w - 2.0 * pad,
                        baseline,
                        size,
                        column.align,
                        tone,
                        bold,
                        line,
                    );
                }
                x += w;
            }
            self.y += h;
            self.hrule(self.y, rule_color(), 0.4);
        }
        self.gap(6.0);
    }

    #[allow(clippy::too_many_arguments)]
    fn table_header(
        &mut self,
        table: &Table,
        widths: &[f32],
        header: &[Vec<String>],
        height: f32,
        size: f32,
        lh: f32,
        pad: f32,
    ) {
        self.fill_rect(MARGIN_X, self.y, CONTENT_W, height, rgb(0.89, 0.91, 0.94));
        let mut x = MARGIN_X;
        for ((column, w), lines) in table.columns.iter().zip(widths).zip(header) {
            for (n, line) in lines.iter().enumerate() {
                let baseline = self.y + pad + size * 1.1 + n as f32 * lh;
                self.text_in(
                    x + pad,
                    w - 2.0 * pad,
                    baseline,
                    size,
                    column.align,
                    Tone::Normal,
                    true,
                    line,
                );
            }
            x += w;
        }
        self.y += height;
        self.hrule(self.y, rgb(0.55, 0.58, 0.62), 0.7);
    }

    /// A line chart over evenly spaced x labels, `height` points tall.
    pub fn line_chart(&mut self, chart: &LineChart, height: f32) {
        let legend_h = 14.0;
        let axis_w = 34.0;
        let label_h = 14.0;
        self.ensure(height + legend_h + label_h + 8.0);
        // Legend.
        let mut x = MARGIN_X + axis_w;
        for s in &chart.series {
            let y = self.y + 6.0;
            self.stroke(&[(x, y), (x + 16.0, y)], s.tone.ink(), 1.6, s.dashed);
            self.text_at(x + 20.0, self.y + 9.0, SMALL, Tone::Muted, false, &s.name);
            x += 20.0 + text_width(&s.name, SMALL) + 16.0;
        }
        self.y += legend_h;
        let top = self.y;
        let left = MARGIN_X + axis_w;
        let width = CONTENT_W - axis_w - 6.0;
        let bottom = top + height;
        let span = (chart.max - chart.min).max(1e-9);
        let to_y = |v: f64| bottom - ((v - chart.min) / span) as f32 * height;
        // Grid and axis values.
        for step in 0..=4 {
            let v = chart.min + span * step as f64 / 4.0;
            let y = to_y(v);
            self.stroke(&[(left, y), (left + width, y)], rule_color(), 0.4, false);
            let label = format!("{v:.0}{}", chart.unit);
            self.text_in(
                MARGIN_X,
                axis_w - 5.0,
                y + 2.8,
                7.0,
                Align::Right,
                Tone::Muted,
                false,
                &label,
            );
        }
        let n = chart.labels.len().max(1);
        let slot = width / n as f32;
        let x_of = |i: usize| left + slot * (i as f32 + 0.5);
        // X labels, thinned so they never overlap.
        let widest = chart
            .labels
            .iter()
            .map(|l| text_width(l, 7.0))
            .fold(0.0, f32::max);
        let every = ((widest + 6.0) / slot).ceil().max(1.0) as usize;
        for (i, label) in chart.labels.iter().enumerate() {
            if i % every == 0 {
                self.text_in(
                    x_of(i) - slot * every as f32 / 2.0,
                    slot * every as f32,
                    bottom + 10.0,
                    7.0,
                    Align::Center,
                    Tone::Muted,
                    false,
                    label,
                );
            }
        }
        self.stroke(
            &[(left, top), (left, bottom), (left + width, bottom)],
            rgb(0.45, 0.47, 0.5),
            0.7,
            false,
        );
        // Series: segments between consecutive known values, a dot on each.
        for s in &chart.series {
            let points: Vec<Option<(f32, f32)>> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| v.map(|v| (x_of(i), to_y(v.clamp(chart.min, chart.max)))))
                .collect();
            for run in points.split(Option::is_none) {
                let run: Vec<(f32, f32)> = run.iter().flatten().copied().collect();
                self.stroke(&run, s.tone.ink(), 1.6, s.dashed);
            }
            for &(x, y) in points.iter().flatten() {
                self.fill_rect(x - 1.8, y - 1.8, 3.6, 3.6, s.tone.ink());
            }
        }
        self.y = bottom + label_h + 4.0;
    }

    /// Horizontal bars, longest value first as given, with a label on the left and a
    /// note after each bar.
    pub fn bar_chart(&mut self, bars: &[Bar], tone: Tone) {
        let label_w = CONTENT_W * 0.44;
        let note_w = 92.0;
        let bar_x = MARGIN_X + label_w + 6.0;
        let bar_w = CONTENT_W - label_w - 6.0 - note_w;
        let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1e-9);
        let size = SMALL;
        for bar in bars {
            let mut lines = wrap(&bar.label, size, label_w);
            lines.truncate(2);
            let h = (lines.len() as f32 * size * 1.35).max(14.0) + 5.0;
            self.ensure(h);
            for (n, line) in lines.iter().enumerate() {
                let baseline = self.y + 3.0 + size * 1.1 + n as f32 * size * 1.35;
                self.text_at(MARGIN_X, baseline, size, Tone::Normal, false, line);
            }
            let len = (bar.value / max) as f32 * bar_w;
            let bar_h = 9.0;
            let top = self.y + (h - bar_h) / 2.0;
            self.fill_rect(bar_x, top, len.max(0.8), bar_h, tone.ink());
            self.text_at(
                bar_x + len + 5.0,
                top + bar_h - 1.5,
                size,
                Tone::Muted,
                false,
                &bar.note,
            );
            self.y += h;
        }
        self.gap(6.0);
    }

    /// A photo thumbnail `width` points wide, with a caption to its right.
    pub fn thumbnail(&mut self, photo: &Thumbnail, width: f32, caption: &str) {
        let (px_w, px_h) = photo.size();
        let height = width * px_h as f32 / px_w.max(1) as f32;
        self.ensure(height + 6.0);
        let id = self.doc.add_image(&photo.0);
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(MARGIN_X + 12.0)),
                translate_y: Some(Pt(PAGE_H - self.y - height)),
                dpi: Some(px_w as f32 * 72.0 / width),
                ..Default::default()
            },
        });
        if !caption.is_empty() {
            let x = MARGIN_X + 12.0 + width + 8.0;
            let top = self.y;
            self.paragraph_at(x, CONTENT_W - width - 20.0, caption, SMALL, Tone::Muted);
            self.y = top;
        }
        self.y += height + 6.0;
    }

    /// A block of text indented under a list item.
    pub fn indented(&mut self, text: &str, size: f32, tone: Tone) {
        self.paragraph_at(MARGIN_X + 12.0, CONTENT_W - 12.0, text, size, tone);
    }

    /// Lay out the header and the "page x / y" footer on every page and write the PDF.
    pub fn finish(mut self) -> Vec<u8> {
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        let lang = self.lang;
        let mut pages = std::mem::take(&mut self.pages);
        for (i, ops) in pages.iter_mut().enumerate() {
            // Draw the running header and the footer into a scratch page, then append.
            self.ops = Vec::new();
            let header = ellipsize(&self.header, SMALL, CONTENT_W - 70.0);
            self.text_at(MARGIN_X, 34.0, SMALL, Tone::Muted, false, &header);
            self.text_in(
                MARGIN_X,
                CONTENT_W,
                34.0,
                SMALL,
                Align::Right,
                Tone::Accent,
                true,
                "Decorum",
            );
            self.hrule(40.0, rule_color(), 0.5);
            self.hrule(PAGE_H - 40.0, rule_color(), 0.5);
            let footer = match lang {
                Lang::Zh => format!("第 {} / {} 頁", i + 1, total),
                Lang::En => format!("Page {} / {}", i + 1, total),
            };
            self.text_in(
                MARGIN_X,
                CONTENT_W,
                PAGE_H - 27.0,
                SMALL,
                Align::Right,
                Tone::Muted,
                false,
                &footer,
            );
            ops.append(&mut self.ops);
        }
        let pages = pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
            .collect();
        let options = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: Some(ImageOptimizationOptions {
                quality: Some(0.8),
                max_image_size: None,
                dither_greyscale: None,
                convert_to_greyscale: Some(false),
                auto_optimize: Some(false),
                format: Some(ImageCompression::Jpeg),
            }),
        };
        self.doc.with_pages(pages).save(&options, &mut Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_wraps_between_characters_and_keeps_punctuation() {
        let lines = wrap(
            "保持微笑，主動問候客人。保持微笑，主動問候客人。",
            10.0,
            60.0,
        );
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(text_width(line, 10.0) <= 60.0 + 10.0, "{line}");
            assert!(
                !line.starts_with('，') && !line.starts_with('。'),
                "{lines:?}"
            );
        }
        assert_eq!(
            lines.concat(),
            "保持微笑，主動問候客人。保持微笑，主動問候客人。"
        );
    }

    #[test]
    fn english_wraps_between_words() {
        let lines = wrap(
            "Greet every guest within five seconds of arrival",
            10.0,
            120.0,
        );
        assert!(lines.len() > 1);
        assert_eq!(
            lines.join(" "),
            "Greet every guest within five seconds of arrival"
        );
        for line in &lines {
            assert!(text_width(line, 10.0) <= 120.0, "{line}");
        }
    }

    #[test]
    fn mixed_text_and_long_words_wrap() {
        let lines = wrap(
            "鞠躬 Bow 30° 禮節性鞠躬30度 supercalifragilistic",
            9.0,
            40.0,
        );
        for line in &lines {
            assert!(text_width(line, 9.0) <= 40.0 + 9.0, "{line}");
        }
        assert_eq!(wrap("", 9.0, 40.0), vec![String::new()]);
        assert_eq!(wrap("a\nb", 9.0, 40.0), vec!["a", "b"]);
    }

    #[test]
    fn ellipsize_shortens_only_what_is_too_wide() {
        assert_eq!(ellipsize("短", 10.0, 100.0), "短");
        let cut = ellipsize("這是一段很長很長很長很長的文字", 10.0, 50.0);
        assert!(cut.ends_with('…') && text_width(&cut, 10.0) <= 50.0);
    }

    #[test]
    fn shrinking_keeps_the_aspect_ratio() {
        let image = RawImage {
            pixels: RawImageData::U8(vec![200; 400 * 200 * 4]),
            width: 400,
            height: 200,
            data_format: RawImageFormat::RGBA8,
            tag: Vec::new(),
        };
        let thumb = shrink(image, 100).unwrap();
        assert_eq!(thumb.size(), (100, 50));
    }
}
