//! The page: A4 with a running header and a "page x / y" footer, and a report laid out
//! on it block by block, top to bottom, starting a new page when a block does not fit.

use printpdf::{
    Color, FontId, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
    TextRenderingMode, XObjectTransform,
};

use super::blocks::{Align, Bar, Figure, LineChart, Table, Tone, rgb, rule_color};
use super::text::{ellipsize, font, text_width, wrap};
use super::thumbnails::Thumbnail;
use crate::domain::Lang;
use crate::i18n::Localize;

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

/// The rows a table keeps with its header (and so with its heading), and the fewest
/// it carries over to a new page.
const KEEP_ROWS: usize = 3;

/// Body text size; tables and small print are a little smaller.
pub const BODY: f32 = 9.5;
pub const SMALL: f32 = 8.0;

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
    /// The heading drawn last, with the short paragraphs right under it, while nothing
    /// else has followed: a block that does not fit under them takes them along to the
    /// next page.
    open_heading: Option<OpenHeading>,
}

/// A heading (and the paragraphs under it) that no block has followed yet.
struct OpenHeading {
    /// The page it is on (the count of finished pages then).
    page: usize,
    /// Where its drawing starts and ends in `ops`.
    start: usize,
    end: usize,
    /// Where it started on the page.
    y: f32,
    heading: String,
    /// Paragraphs under it: text, size, tone.
    paragraphs: Vec<(String, f32, Tone)>,
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
            open_heading: None,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Room left on this page, in points.
    pub fn remaining(&self) -> f32 {
        PAGE_H - CONTENT_BOTTOM - self.y
    }

    /// Start a new page unless `height` still fits on this one. A heading with nothing
    /// under it yet moves to the new page with the block, so no page ends on a heading.
    pub fn ensure(&mut self, height: f32) {
        if self.remaining() < height && self.y > CONTENT_TOP {
            let open = self.open_heading.take();
            match open {
                Some(open)
                    if open.end == self.ops.len()
                        && open.page == self.pages.len()
                        && open.y > CONTENT_TOP =>
                {
                    self.ops.truncate(open.start);
                    self.new_page();
                    self.heading(&open.heading);
                    for (text, size, tone) in &open.paragraphs {
                        self.paragraph(text, *size, *tone);
                    }
                }
                _ => self.new_page(),
            }
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

    /// A section heading; never left alone at the bottom of a page: the next block
    /// that does not fit under it takes it along (see [`Pdf::ensure`]).
    pub fn heading(&mut self, text: &str) {
        self.ensure(18.0 + 50.0);
        let start = (self.ops.len(), self.y);
        self.gap(8.0);
        let baseline = self.y + 13.0;
        self.text_at(MARGIN_X, baseline, 12.0, Tone::Accent, true, text);
        self.y += 18.0;
        self.hrule(self.y, Tone::Accent.ink(), 0.8);
        self.y += 6.0;
        self.open_heading = Some(OpenHeading {
            page: self.pages.len(),
            start: start.0,
            end: self.ops.len(),
            y: start.1,
            heading: text.to_string(),
            paragraphs: Vec::new(),
        });
    }

    /// Wrapped text across the text column. Right under a heading it stays with it.
    pub fn paragraph(&mut self, text: &str, size: f32, tone: Tone) {
        let attached = self.heading_is_open();
        self.paragraph_at(MARGIN_X, CONTENT_W, text, size, tone);
        let (end, page) = (self.ops.len(), self.pages.len());
        match self.open_heading.as_mut() {
            Some(open) if attached && open.page == page => {
                open.end = end;
                open.paragraphs.push((text.to_string(), size, tone));
            }
            _ => self.open_heading = None,
        }
    }

    /// Whether the last thing drawn on this page is a heading (and its paragraphs).
    fn heading_is_open(&self) -> bool {
        self.open_heading
            .as_ref()
            .is_some_and(|o| o.end == self.ops.len() && o.page == self.pages.len())
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

        // The header goes with at least its first rows (three, or all of a short table).
        let first: f32 = rows.iter().take(KEEP_ROWS).map(|r| r.1).sum();
        self.ensure(header_h + first);
        self.table_header(table, &widths, &header, header_h, size, lh, pad);
        let n = rows.len();
        for (i, (row, (cells, h))) in table.rows.iter().zip(&rows).enumerate() {
            // Break before the row that does not fit; and a few rows early rather than
            // leave the last one or two alone on a page of their own.
            let rest: f32 = rows[i..].iter().map(|r| r.1).sum();
            let early = i > KEEP_ROWS
                && n - i > 1
                && n - i <= KEEP_ROWS
                && self.remaining() < rest
                && n >= 2 * KEEP_ROWS;
            if self.remaining() < *h || early {
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
            let footer = lang.t_args(
                "report-page-of",
                &[("page", (i + 1).into()), ("pages", total.into())],
            );
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
