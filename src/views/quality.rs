//! The quality dashboard page.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use maud::{Markup, html};

use super::charts::{self, Bar, ControlPoint, Series};
use super::layout::{page, percent, zone_note};
use super::{Chrome, urlencode};
use crate::domain::Lang;
use crate::domain::stats::{
    Calibration, Granularity, GroupFigure, PChart, ParetoBar, PeriodFigure, Summary,
    last_twelve_months, last_twelve_weeks,
};

pub struct FilterOptions {
    pub sites: Vec<(i32, String)>,
    pub checklists: Vec<(String, String)>,
    pub sections: Vec<(String, String)>,
    pub positions: Vec<(String, String)>,
    pub staff: Vec<(i32, String)>,
}

pub struct Dashboard<'a> {
    /// The period shown, both ends included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The filter as query pairs, for shareable links.
    pub query: &'a [(String, String)],
    pub options: &'a FilterOptions,
    pub summary: Summary,
    pub granularity: Granularity,
    pub trend: &'a [PeriodFigure],
    pub chart: Option<&'a PChart>,
    pub pareto: &'a [ParetoBar],
    /// Item key → (text, clause).
    pub labels: &'a HashMap<String, (String, String)>,
    pub heat: &'a BTreeMap<(i32, String), f64>,
    pub columns: &'a BTreeMap<String, String>,
    /// The lowest [`GROUP_ROWS`] staff members, and how many the filter holds.
    pub staff: &'a [GroupFigure<i32>],
    pub staff_total: usize,
    pub sites: &'a [GroupFigure<i32>],
    pub uncovered: &'a [i32],
    pub calibration: &'a [Calibration],
    pub names: &'a HashMap<i32, String>,
    pub site_names: &'a HashMap<i32, String>,
    /// For the one-tap ranges, which end today.
    pub today: NaiveDate,
    /// The zone "today" is in: the viewer's primary site's.
    pub zone: &'a str,
}

impl Dashboard<'_> {
    /// A link to the inspections behind a figure: the dashboard's filter, overridden,
    /// and the inspections it counts — submitted (not voided) first checks (not
    /// re-checks). A section narrows only which items the figures read, not which
    /// inspections, so it is left out.
    fn drill(&self, overrides: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k) && k != "section")
            .cloned()
            .collect();
        pairs.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.clone())));
        pairs.extend([
            ("kind".to_string(), "first".to_string()),
            ("status".to_string(), "submitted".to_string()),
        ]);
        let q: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        format!("/inspections?{}", q.join("&"))
    }

    /// The dashboard itself over other dates, every other choice kept.
    fn over(&self, (from, to): (NaiveDate, NaiveDate)) -> String {
        let mut q: Vec<String> = self
            .query
            .iter()
            .filter(|(k, _)| k != "from" && k != "to")
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        q.extend([format!("from={from}"), format!("to={to}")]);
        format!("/quality?{}", q.join("&"))
    }

    fn name(&self, id: i32) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn site(&self, id: i32) -> String {
        self.site_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn period_end(&self, start: chrono::NaiveDate) -> chrono::NaiveDate {
        match self.granularity {
            Granularity::Week => start + Duration::days(6),
            Granularity::Month => {
                let next = if start.month() == 12 {
                    start
                        .with_year(start.year() + 1)
                        .and_then(|d| d.with_month(1))
                } else {
                    start.with_month(start.month() + 1)
                };
                next.map(|d| d - Duration::days(1)).unwrap_or(start)
            }
        }
    }

    fn period_label(&self, start: chrono::NaiveDate) -> String {
        match self.granularity {
            Granularity::Week => start.format("%m-%d").to_string(),
            Granularity::Month => start.format("%Y-%m").to_string(),
        }
    }
}

fn select<V: std::fmt::Display>(
    l: Lang,
    name: &str,
    label: &str,
    options: &[(V, String)],
    selected: Option<String>,
) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" { (l.pick("全部", "All")) }
                @for (value, text) in options {
                    @let v = value.to_string();
                    option value=(v) selected[selected.as_deref() == Some(v.as_str())] { (text) }
                }
            }
        }
    }
}

pub fn dashboard(chrome: &Chrome, d: &Dashboard) -> Markup {
    let l = chrome.lang;
    let get = |name: &str| {
        d.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let csv_query: Vec<String> = d
        .query
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    let csv_query = csv_query.join("&");
    page(
        chrome,
        l.pick("品質趨勢", "Quality trends"),
        "/quality",
        html! {
            h1 { (l.pick("品質趨勢", "Quality trends")) }
            form.filters method="get" action="/quality" {
                (select(l, "site", l.pick("場所", "Site"), &d.options.sites, get("site")))
                (select(l, "checklist", l.pick("檢查表", "Checklist"), &d.options.checklists, get("checklist")))
                @if !d.options.sections.is_empty() {
                    (select(l, "section", l.pick("部分", "Section"), &d.options.sections, get("section")))
                }
                (select(l, "position", l.pick("崗位", "Position"), &d.options.positions, get("position")))
                (select(l, "subject", l.pick("員工", "Staff"), &d.options.staff, get("subject")))
                label { (l.pick("由", "From")) input type="date" name="from" value=(d.from); }
                label { (l.pick("至", "To")) input type="date" name="to" value=(d.to); }
                @if let Some(i) = get("inspector") { input type="hidden" name="inspector" value=(i); }
                button.primary type="submit" { (l.pick("更新", "Update")) }
            }
            nav.quick-ranges aria-label=(l.pick("常用期間", "Quick ranges")) {
                a href=(d.over(last_twelve_weeks(d.today))) { (l.pick("最近 12 週", "Last 12 weeks")) }
                " · "
                a href=(d.over(last_twelve_months(d.today))) { (l.pick("最近 12 個月", "Last 12 months")) }
            }
            p.muted {
                (match d.granularity {
                    Granularity::Week => l.pick("圖表以整週計算（週一至週日）。", "Figures cover whole weeks (Monday to Sunday)."),
                    Granularity::Month => l.pick("圖表以整月計算。", "Figures cover whole months."),
                })
                " "
                a href={ "/quality/inspections.csv?" (csv_query) } { (l.pick("匯出檢查 CSV", "Export inspections (CSV)")) }
                " · "
                a href={ "/quality/responses.csv?" (csv_query) } { (l.pick("匯出逐項結果 CSV", "Export item responses (CSV)")) }
                " · "
                a href={ "/reports/site.pdf?" (csv_query) } { (l.pick("場所期間報告 PDF", "Site period report (PDF)")) }
            }
            (zone_note(l, d.zone))
            div.grid {
                a.tile href=(d.drill(&[])) { span.muted { (l.pick("抽查次數", "Spot-checks")) } strong { (d.summary.inspections) } }
                div.tile { span.muted { (l.pick("平均得分", "Average score")) } strong { (d.summary.mean.map(percent).unwrap_or_else(|| "—".into())) } }
                div.tile { span.muted { (l.pick("合格率", "Pass rate")) } strong { (d.summary.pass_rate.map(percent).unwrap_or_else(|| "—".into())) } }
                div.tile { span.muted { (l.pick("關鍵項不合格", "Critical failures")) } strong { (d.summary.critical) } }
            }
            @if d.summary.inspections == 0 {
                p.empty { (l.pick("這個範圍內沒有抽查。試試更長的日期範圍或較少的篩選。", "No spot-checks in this view. Try a longer date range or fewer filters.")) }
            } @else {
                section.card {
                    h2 { (l.pick("得分與合格率", "Score and pass rate")) " · " (match d.granularity { Granularity::Week => l.pick("每週", "weekly"), Granularity::Month => l.pick("每月", "monthly") }) }
                    @let labels: Vec<String> = d.trend.iter().map(|p| d.period_label(p.period)).collect();
                    @let links: Vec<String> = d.trend.iter().map(|p| d.drill(&[("from", p.period.to_string()), ("to", d.period_end(p.period).to_string())])).collect();
                    (charts::lines(
                        l.pick("得分與合格率", "Score and pass rate"),
                        &labels,
                        &[
                            Series { name: l.pick("平均得分 %", "Average score %"), class: "score", values: d.trend.iter().map(|p| Some(p.mean)).collect() },
                            Series { name: l.pick("合格率 %", "Pass rate %"), class: "passrate", values: d.trend.iter().map(|p| Some(p.pass_rate)).collect() },
                        ],
                        &links,
                    ))
                }
                @if let Some(chart) = d.chart {
                    section.card {
                        h2 { (l.pick("合格率管制圖（p 圖）", "Pass rate control chart (p-chart)")) }
                        p.muted {
                            (l.pick("中心線", "Centre line")) " " (percent(chart.center * 100.0)) " · "
                            (l.pick("超出管制界限的期間以紅點標示。", "Periods outside their 3-sigma limits are marked red."))
                            @let out = chart.points.iter().filter(|p| p.out_of_control).count();
                            @if out > 0 { " " span.badge.fail { (out) " " (l.pick("個期間失控", "out of control")) } }
                        }
                        @let points: Vec<ControlPoint> = chart.points.iter().map(|p| ControlPoint {
                            label: d.period_label(p.period),
                            value: p.p * 100.0,
                            lcl: p.lcl * 100.0,
                            ucl: p.ucl * 100.0,
                            out: p.out_of_control,
                            link: d.drill(&[("from", p.period.to_string()), ("to", d.period_end(p.period).to_string())]),
                            inspections: p.n,
                        }).collect();
                        (charts::control(l.pick("p 圖", "p-chart"), chart.center * 100.0, &points))
                    }
                }
                section.card {
                    h2 { (l.pick("最常不合格的項目（柏拉圖）", "Most failed items (Pareto)")) }
                    @if d.pareto.is_empty() {
                        p.empty { (l.pick("沒有不合格項目。", "No item failed.")) }
                    } @else {
                        @let bars: Vec<Bar> = d.pareto.iter().take(12).map(|b| {
                            let (text, clause) = d.labels.get(&b.item).cloned().unwrap_or_default();
                            let checklist = b.item.split('/').next().unwrap_or_default().to_string();
                            Bar {
                                label: format!("§{clause} {text}"),
                                value: b.failures as f64,
                                cumulative: b.cumulative,
                                link: d.drill(&[("checklist", checklist), ("failed_item", b.item.clone())]),
                                tooltip: format!("{text} §{clause}: {} / {} ({:.1}%)", b.failures, b.checked, b.failure_rate),
                            }
                        }).collect();
                        (charts::pareto(l.pick("柏拉圖", "Pareto"), &bars, l.pick("次", "")))
                    }
                }
                @if !d.heat.is_empty() {
                    section.card {
                        h2 { (l.pick("場所 × 部分得分", "Sites × sections")) }
                        div.scroll {
                            table.heat {
                                tr {
                                    th { (l.pick("場所", "Site")) }
                                    @for title in d.columns.values() { th { (title) } }
                                }
                                @let site_ids: std::collections::BTreeSet<i32> = d.heat.keys().map(|(s, _)| *s).collect();
                                @for site in site_ids {
                                    tr {
                                        th { a href=(d.drill(&[("site", site.to_string())])) { (d.site(site)) } }
                                        @for column in d.columns.keys() {
                                            @match d.heat.get(&(site, column.clone())) {
                                                Some(v) => td class={ "num " (charts::heat_class(*v)) } { (format!("{v:.0}")) },
                                                None => td.num { "—" },
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div.columns {
                    section.card {
                        h2 { (l.pick("員工", "Staff")) }
                        (group_table(l, d.staff, d.staff_total, |k| d.name(*k), |k| d.drill(&[("subject", k.to_string())])))
                    }
                    section.card {
                        h2 { (l.pick("場所", "Sites")) }
                        (group_table(l, d.sites, d.sites.len(), |k| d.site(*k), |k| d.drill(&[("site", k.to_string())])))
                    }
                }
                section.card {
                    h2 { (l.pick("檢查人校準", "Inspector calibration")) }
                    p.muted { (l.pick("與其他檢查人對同一員工的平均分比較：正數偏寬鬆，負數偏嚴格。", "Compared with other inspectors' scores for the same staff: positive is lenient, negative is harsh.")) }
                    table {
                        tr { th { (l.pick("檢查人", "Inspector")) } th.num { (l.pick("次數", "Checks")) } th.num { (l.pick("平均", "Mean")) } th.num { (l.pick("可比較", "Compared")) } th.num { (l.pick("他人平均", "Others")) } th.num { (l.pick("偏差", "Bias")) } }
                        @for c in d.calibration {
                            tr {
                                td { a href=(d.drill(&[("inspector", c.inspector.to_string())])) { (d.name(c.inspector)) } }
                                td.num { (c.inspections) }
                                td.num { (percent(c.mean)) }
                                td.num { (c.compared) }
                                td.num { (c.others_mean.map(percent).unwrap_or_else(|| "—".into())) }
                                td.num {
                                    @match c.bias {
                                        Some(b) if b.abs() >= 5.0 => span.badge.fail { (format!("{b:+.1}")) },
                                        Some(b) => (format!("{b:+.1}")),
                                        None => "—",
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.pick("最近四週未被抽查的員工", "Staff not spot-checked in the last four weeks")) " (" (d.uncovered.len()) ")" }
                @if d.uncovered.is_empty() {
                    p.muted { (l.pick("每位員工都已抽查。", "Everyone has been spot-checked.")) }
                } @else {
                    p { @for (i, id) in d.uncovered.iter().enumerate() { @if i > 0 { "、" } (d.name(*id)) } }
                }
            }
        },
    )
}

/// Rows a staff or site table shows: the lowest means, where attention is needed. A
/// group of thousands is read through its filters and the CSV export, not one long table.
pub const GROUP_ROWS: usize = 30;

/// A staff or site table: its first [`GROUP_ROWS`] rows, of `total` in the filter.
fn group_table(
    l: Lang,
    rows: &[GroupFigure<i32>],
    total: usize,
    name: impl Fn(&i32) -> String,
    link: impl Fn(&i32) -> String,
) -> Markup {
    html! {
        @if total > GROUP_ROWS {
            p.muted {
                (l.pick(
                    &format!("平均最低的 {GROUP_ROWS} 個（共 {total} 個）；用篩選或 CSV 匯出查看其餘。"),
                    &format!("The {GROUP_ROWS} lowest means of {total}; filter or export the CSV for the rest."),
                ))
            }
        }
        table {
            tr { th { (l.pick("名稱", "Name")) } th.num { (l.pick("次數", "Checks")) } th.num { (l.pick("平均", "Mean")) } th.num { (l.pick("合格率", "Pass")) } th { (l.pick("趨勢", "Trend")) } }
            @for r in rows.iter().take(GROUP_ROWS) {
                tr {
                    td { a href=(link(&r.key)) { (name(&r.key)) } }
                    td.num { (r.inspections) }
                    td.num { (percent(r.mean)) }
                    td.num { (percent(r.pass_rate)) }
                    td {
                        @if let Some(a) = r.arrow {
                            span class={ "arrow " (format!("{a:?}").to_lowercase()) } title=(format!("{:.1} → {:.1}", r.earlier.unwrap_or(0.0), r.later.unwrap_or(0.0))) { (a.symbol()) }
                        }
                    }
                }
            }
        }
    }
}
