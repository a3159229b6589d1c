//! Charts drawn as SVG on the server: no charting JavaScript, crisp on any screen, and
//! every mark can be a link to the inspections behind it.

use maud::{Markup, html};

const W: f64 = 720.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

fn x_at(i: usize, n: usize) -> f64 {
    let inner = W - LEFT - RIGHT;
    if n <= 1 {
        LEFT + inner / 2.0
    } else {
        LEFT + inner * i as f64 / (n - 1) as f64
    }
}

/// y for a value on a 0…100 scale.
fn y_at(v: f64) -> f64 {
    TOP + (H - TOP - BOTTOM) * (1.0 - v.clamp(0.0, 100.0) / 100.0)
}

fn axes(labels: &[String]) -> Markup {
    let n = labels.len();
    // Label at most ~12 ticks so they stay readable.
    let step = n.div_ceil(12).max(1);
    html! {
        @for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
            line.grid x1=(LEFT) x2=(W - RIGHT) y1=(y_at(v)) y2=(y_at(v)) {}
            text.axis x=(LEFT - 6.0) y=(y_at(v) + 4.0) text-anchor="end" { (v) }
        }
        @for (i, label) in labels.iter().enumerate() {
            @if i % step == 0 {
                text.axis x=(x_at(i, n)) y=(H - BOTTOM + 16.0) text-anchor="middle" { (label) }
            }
        }
    }
}

pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub values: Vec<Option<f64>>,
}

/// Lines on a 0–100 scale, one point per label; `links[i]` opens what is behind point i.
pub fn lines(title: &str, labels: &[String], series: &[Series], links: &[String]) -> Markup {
    let n = labels.len();
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(title) {
                title { (title) }
                (axes(labels))
                @for s in series {
                    @let points: Vec<String> = s.values.iter().enumerate()
                        .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x_at(i, n), y_at(v)))).collect();
                    polyline class={ "line " (s.class) } points=(points.join(" ")) {}
                    @for (i, v) in s.values.iter().enumerate() {
                        @if let Some(v) = v {
                            a href=(links.get(i).map(String::as_str).unwrap_or("#")) {
                                circle class={ "dot " (s.class) } cx=(format!("{:.1}", x_at(i, n))) cy=(format!("{:.1}", y_at(*v))) r="4" {
                                    title { (labels[i]) " · " (s.name) ": " (format!("{v:.1}")) }
                                }
                            }
                        }
                    }
                }
            }
            figcaption.legend {
                @for s in series { span class={ "key " (s.class) } { (s.name) } " " }
            }
        }
    }
}

pub struct ControlPoint {
    pub label: String,
    /// All on a 0–100 scale.
    pub value: f64,
    pub lcl: f64,
    pub ucl: f64,
    pub out: bool,
    pub link: String,
    /// The spot-checks in the period: the `n` of its proportion, and the list the link shows.
    pub inspections: usize,
    /// What hovering the point says, in the viewer's language.
    pub tooltip: String,
}

/// A p-chart: the pass rate per period with its centre line and control limits;
/// periods outside their limits are marked.
pub fn control(title: &str, center: f64, points: &[ControlPoint]) -> Markup {
    let n = points.len();
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let step = |pick: fn(&ControlPoint) -> f64| -> String {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x_at(i, n), y_at(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(title) {
                title { (title) }
                (axes(&labels))
                line.center x1=(LEFT) x2=(W - RIGHT) y1=(y_at(center)) y2=(y_at(center)) {}
                polyline.limit points=(step(|p| p.ucl)) {}
                polyline.limit points=(step(|p| p.lcl)) {}
                polyline.line.pass points=(step(|p| p.value)) {}
                @for (i, p) in points.iter().enumerate() {
                    a href=(p.link) {
                        circle class={ "dot " (if p.out { "out" } else { "pass" }) } cx=(format!("{:.1}", x_at(i, n))) cy=(format!("{:.1}", y_at(p.value))) r=(if p.out { "6" } else { "4" }) {
                            title { (p.tooltip) }
                        }
                    }
                }
            }
        }
    }
}

pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Running total share, 0–100, drawn as the Pareto line.
    pub cumulative: f64,
    pub link: String,
    pub tooltip: String,
}

/// Horizontal bars (most first) with the cumulative share at the right.
pub fn pareto(title: &str, bars: &[Bar], unit: &str) -> Markup {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let row = 26.0;
    let label_w = 300.0;
    let bar_w = W - label_w - 110.0;
    let height = bars.len() as f64 * row + 8.0;
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (W) " " (height) } role="img" aria-label=(title) {
                title { (title) }
                @for (i, b) in bars.iter().enumerate() {
                    @let y = 4.0 + i as f64 * row;
                    a href=(b.link) {
                        text.label x=(label_w - 8.0) y=(y + 17.0) text-anchor="end" { (truncate(&b.label, 44)) }
                        rect.bar x=(label_w) y=(y + 3.0) width=(format!("{:.1}", bar_w * b.value / max)) height=(row - 8.0) {
                            title { (b.tooltip) }
                        }
                        text.value x=(format!("{:.1}", label_w + bar_w * b.value / max + 6.0)) y=(y + 17.0) { (b.value) " " (unit) }
                        text.axis x=(W - 4.0) y=(y + 17.0) text-anchor="end" { (format!("{:.0}%", b.cumulative)) }
                    }
                }
            }
        }
    }
}

/// Cut a label to about `width` columns, counting CJK characters as two.
fn truncate(s: &str, width: usize) -> String {
    let cols = |c: char| if (c as u32) >= 0x2E80 { 2 } else { 1 };
    if s.chars().map(cols).sum::<usize>() <= width {
        return s.to_string();
    }
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        if used + cols(c) > width - 1 {
            break;
        }
        used += cols(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// The CSS class for a heat-map cell: five bands from weak to strong.
pub fn heat_class(percent: f64) -> &'static str {
    match percent {
        p if p >= 95.0 => "heat4",
        p if p >= 90.0 => "heat3",
        p if p >= 85.0 => "heat2",
        p if p >= 75.0 => "heat1",
        _ => "heat0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_onto_the_plot() {
        assert_eq!(y_at(100.0), TOP);
        assert_eq!(y_at(0.0), H - BOTTOM);
        assert_eq!(y_at(150.0), TOP, "clamped");
        assert_eq!(x_at(0, 5), LEFT);
        assert_eq!(x_at(4, 5), W - RIGHT);
    }

    #[test]
    fn labels_in_charts_are_escaped() {
        let bars = [Bar {
            label: "<script>".into(),
            value: 3.0,
            cumulative: 100.0,
            link: "/x".into(),
            tooltip: "t".into(),
        }];
        let svg = pareto("t", &bars, "").into_string();
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert_eq!(heat_class(96.0), "heat4");
        assert_eq!(heat_class(50.0), "heat0");
    }
}
