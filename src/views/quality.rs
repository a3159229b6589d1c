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
use crate::i18n::Localize;

pub struct FilterOptions {
    pub sites: Vec<(i32, String)>,
    pub checklists: Vec<(String, String)>,
    pub sections: Vec<(String, String)>,
    pub positions: Vec<(String, String)>,
    pub staff: Vec<(i32, String)>,
}

pub struct Dashboard<'a> {
    /// Overdue corrective actions per site (views::actions::overdue_card).
    pub overdue_actions: Markup,
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
                option value="" { (l.t("inspections-all")) }
                @for (value, text) in options {
                    @let v = value.to_string();
                    option value=(v) selected[selected.as_deref() == Some(v.as_str())] { (text) }
                }
            }
        }
    }
}

/// A person as the staff filter's box holds them: the name, with the id the filter
/// reads back (two people may share a name).
pub fn person_label(id: i32, name: &str) -> String {
    format!("{name} (#{id})")
}

/// The staff filter: a box that suggests the people of the chosen scope as the viewer
/// types (the chosen site's staff at once; the page script asks `/quality/people` for
/// more), and takes a name picked from the list.
fn staff_filter(l: Lang, staff: &[(i32, String)], selected: Option<String>) -> Markup {
    // Only a person in the list is shown by name: an id out of view shows nothing.
    let chosen = selected.as_deref().and_then(|id| {
        staff
            .iter()
            .find(|(k, _)| k.to_string() == id)
            .map(|(k, name)| person_label(*k, name))
    });
    html! {
        label { (l.t("role-staff"))
            input #staff-filter type="search" name="subject" list="staff-options"
                autocomplete="off" data-people="/quality/people"
                placeholder=(l.t("polish-quality-type-a-name")) value=[chosen];
        }
        datalist #staff-options {
            @for (id, name) in staff { option value=(person_label(*id, name)) {} }
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
        &l.t("quality-quality-trends"),
        "/quality",
        html! {
            h1 { (l.t("quality-quality-trends")) }
            (d.overdue_actions)
            form.filters method="get" action="/quality" {
                (select(l, "site", &l.t("spotcheck-site"), &d.options.sites, get("site")))
                (select(l, "checklist", &l.t("layout-checklist"), &d.options.checklists, get("checklist")))
                @if !d.options.sections.is_empty() {
                    (select(l, "section", &l.t("inspections-section"), &d.options.sections, get("section")))
                }
                (select(l, "position", &l.t("training-position"), &d.options.positions, get("position")))
                (staff_filter(l, &d.options.staff, get("subject")))
                label { (l.t("inspections-from")) input type="date" name="from" value=(d.from); }
                label { (l.t("inspections-to")) input type="date" name="to" value=(d.to); }
                @if let Some(i) = get("inspector") { input type="hidden" name="inspector" value=(i); }
                button.primary type="submit" { (l.t("quality-update")) }
            }
            nav.quick-ranges aria-label=(l.t("quality-quick-ranges")) {
                a href=(d.over(last_twelve_weeks(d.today))) { (l.t("quality-last-12-weeks")) }
                " · "
                a href=(d.over(last_twelve_months(d.today))) { (l.t("quality-last-12-months")) }
            }
            p.muted {
                (match d.granularity {
                    Granularity::Week => l.t("quality-figures-cover-whole-weeks-monday"),
                    Granularity::Month => l.t("quality-figures-cover-whole-months"),
                })
                " "
                a href={ "/quality/inspections.csv?" (csv_query) } { (l.t("quality-export-inspections-csv")) }
                " · "
                a href={ "/quality/responses.csv?" (csv_query) } { (l.t("quality-export-item-responses-csv")) }
                " · "
                a href={ "/reports/site.pdf?" (csv_query) } { (l.t("quality-site-period-report-pdf")) }
            }
            (zone_note(l, d.zone))
            div.grid {
                a.tile href=(d.drill(&[])) { span.muted { (l.t("quality-spot-checks")) } strong { (d.summary.inspections) } }
                div.tile { span.muted { (l.t("quality-average-score")) } strong { (d.summary.mean.map(percent).unwrap_or_else(|| "—".into())) } }
                div.tile { span.muted { (l.t("quality-pass-rate")) } strong { (d.summary.pass_rate.map(percent).unwrap_or_else(|| "—".into())) } }
                div.tile { span.muted { (l.t("quality-critical-failures")) } strong { (d.summary.critical) } }
            }
            @if d.summary.inspections == 0 {
                p.empty { (l.t("quality-no-spot-checks-in-this")) }
            } @else {
                section.card {
                    h2 { (l.t("quality-score-and-pass-rate")) " · " (match d.granularity { Granularity::Week => l.t("quality-weekly"), Granularity::Month => l.t("quality-monthly") }) }
                    @let labels: Vec<String> = d.trend.iter().map(|p| d.period_label(p.period)).collect();
                    @let links: Vec<String> = d.trend.iter().map(|p| d.drill(&[("from", p.period.to_string()), ("to", d.period_end(p.period).to_string())])).collect();
                    (charts::lines(
                        &l.t("quality-score-and-pass-rate"),
                        &labels,
                        &[
                            Series { name: &l.t("quality-average-score-2"), class: "score", values: d.trend.iter().map(|p| Some(p.mean)).collect() },
                            Series { name: &l.t("quality-pass-rate-2"), class: "passrate", values: d.trend.iter().map(|p| Some(p.pass_rate)).collect() },
                        ],
                        &links,
                    ))
                }
                @if let Some(chart) = d.chart {
                    section.card {
                        h2 { (l.t("quality-pass-rate-control-chart-p")) }
                        p.muted {
                            (l.t("quality-centre-line")) " " (percent(chart.center * 100.0)) " · "
                            (l.t("quality-periods-outside-their-3-sigma"))
                            @let out = chart.points.iter().filter(|p| p.out_of_control).count();
                            @if out > 0 { " " span.badge.fail { (out) " " (l.t("quality-out-of-control")) } }
                        }
                        @let points: Vec<ControlPoint> = chart.points.iter().map(|p| ControlPoint {
                            label: d.period_label(p.period),
                            value: p.p * 100.0,
                            lcl: p.lcl * 100.0,
                            ucl: p.ucl * 100.0,
                            out: p.out_of_control,
                            link: d.drill(&[("from", p.period.to_string()), ("to", d.period_end(p.period).to_string())]),
                            inspections: p.n,
                            tooltip: l.t_args("polish-quality-control-point", &[
                                ("period", d.period_label(p.period).into()),
                                ("rate", format!("{:.1}", p.p * 100.0).into()),
                                ("count", p.n.into()),
                                ("low", format!("{:.1}", p.lcl * 100.0).into()),
                                ("high", format!("{:.1}", p.ucl * 100.0).into()),
                            ]),
                        }).collect();
                        (charts::control(&l.t("quality-p-chart"), chart.center * 100.0, &points))
                    }
                }
                section.card {
                    h2 { (l.t("quality-most-failed-items-pareto")) }
                    @if d.pareto.is_empty() {
                        p.empty { (l.t("quality-no-item-failed")) }
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
                        (charts::pareto(&l.t("quality-pareto"), &bars, &l.t("quality-mark")))
                    }
                }
                @if !d.heat.is_empty() {
                    section.card {
                        h2 { (l.t("quality-sites-sections")) }
                        div.scroll {
                            table.heat {
                                tr {
                                    th { (l.t("spotcheck-site")) }
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
                        h2 { (l.t("role-staff")) }
                        (group_table(l, d.staff, d.staff_total, |k| d.name(*k), |k| d.drill(&[("subject", k.to_string())])))
                    }
                    section.card {
                        h2 { (l.t("quality-sites")) }
                        (group_table(l, d.sites, d.sites.len(), |k| d.site(*k), |k| d.drill(&[("site", k.to_string())])))
                    }
                }
                section.card {
                    h2 { (l.t("quality-inspector-calibration")) }
                    p.muted { (l.t("quality-compared-with-other-inspectors-scores")) }
                    table {
                        tr { th { (l.t("inspections-inspector")) } th.num { (l.t("quality-checks")) } th.num { (l.t("quality-mean")) } th.num { (l.t("quality-compared")) } th.num { (l.t("quality-others")) } th.num { (l.t("quality-bias")) } }
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
                h2 { (l.t("quality-staff-not-spot-checked-in")) " (" (d.uncovered.len()) ")" }
                @if d.uncovered.is_empty() {
                    p.muted { (l.t("quality-everyone-has-been-spot-checked")) }
                } @else {
                    p { @for (i, id) in d.uncovered.iter().enumerate() { @if i > 0 { (l.t("list-and")) } (d.name(*id)) } }
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
                (l.t_args(
                    "quality-lowest-means-of",
                    &[("shown", GROUP_ROWS.into()), ("total", total.into())],
                ))
            }
        }
        table {
            tr { th { (l.t("quality-name")) } th.num { (l.t("quality-checks")) } th.num { (l.t("quality-mean")) } th.num { (l.t("quality-pass")) } th { (l.t("quality-trend")) } }
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
