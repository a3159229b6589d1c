//! A site's period (or every site's together): headline figures, the weekly trend, the
//! Pareto of failed items, sections, staff, training, coverage and what to work on next.

use chrono::NaiveDate;

use super::actions::ActionLine;
use super::{
    Align, BODY, Bar, Cell, Column, Figure, LineChart, Pdf, Row, SMALL, Series, Table, Tone, pct,
    summary_figures,
};
use crate::domain::Lang;
pub use crate::domain::record::TrainingCounts;
use crate::domain::stats::{
    ATTENTION_PASS_PERCENT, Arrow, Granularity, PeriodFigure, StaffCut, Summary,
};
use crate::i18n::Localize;

#[derive(Debug, Clone, PartialEq)]
pub struct SiteReport {
    /// The site's name, or "all sites".
    pub scope: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Over submitted spot-checks in the period (re-checks left out: not a random sample).
    pub summary: Summary,
    /// The grain of the trend: weeks for short periods, months for long ones.
    pub grain: Granularity,
    /// Per week or month, oldest first.
    pub trend: Vec<PeriodFigure>,
    /// Site by site, when the report spans several (empty for one site); `name` is the
    /// site's.
    pub by_site: Vec<StaffFigure>,
    /// Failed items, most failures first.
    pub failed_items: Vec<ItemFigure>,
    pub sections: Vec<SectionFigure>,
    /// Lowest average first; with a cut, only those it prints.
    pub staff: Vec<StaffFigure>,
    /// How many staff were spot-checked in the period, printed or not.
    pub staff_total: usize,
    /// How the staff list was cut (a report over several sites), or `None` (everyone).
    pub staff_cut: Option<StaffCut>,
    pub training: TrainingCounts,
    /// Staff on the roster of the site(s).
    pub roster: usize,
    /// How many days before the end of the period count for coverage.
    pub coverage_days: i64,
    /// Longest unchecked first; with a staff cut, at most as many as its `most`.
    pub uncovered: Vec<Uncovered>,
    /// How many on the roster were not spot-checked, listed or not.
    pub uncovered_total: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemFigure {
    pub checklist: String,
    pub clause: String,
    pub text: String,
    pub failures: usize,
    pub checked: usize,
    pub failure_rate: f64,
    pub share: f64,
    pub cumulative: f64,
    /// Titles of the modules a failure assigns.
    pub training: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionFigure {
    pub checklist: String,
    pub section: String,
    pub score: f64,
    pub max: f64,
    pub failures: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffFigure {
    pub name: String,
    /// Where they were checked (site names), for reports over several sites.
    pub site: String,
    pub inspections: usize,
    pub mean: f64,
    pub pass_rate: f64,
    /// First half of the period against the second.
    pub arrow: Option<Arrow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Uncovered {
    pub name: String,
    pub position: Option<String>,
    /// Their last spot-check up to the end of the period, if any.
    pub last_checked: Option<NaiveDate>,
}

/// How many items the Pareto chart and the "next period" list show.
const PARETO_BARS: usize = 10;
const NEXT_ITEMS: usize = 5;

fn arrow_text(l: Lang, arrow: Option<Arrow>) -> (String, Tone) {
    match arrow {
        Some(Arrow::Up) => (format!("▲ {}", l.t("report-up")), Tone::Good),
        Some(Arrow::Down) => (format!("▼ {}", l.t("report-down")), Tone::Bad),
        Some(Arrow::Flat) => (format!("▶ {}", l.t("report-flat")), Tone::Muted),
        None => ("—".into(), Tone::Muted),
    }
}

/// A row of the staff or site-by-site table: name (and site), checks, average, pass
/// rate and trend.
fn figure_row(l: Lang, s: &StaffFigure, site: Option<&str>) -> Row {
    let (arrow, tone) = arrow_text(l, s.arrow);
    let mut cells = vec![Cell::new(&*s.name)];
    if let Some(site) = site {
        cells.push(Cell::new(site));
    }
    cells.extend([
        Cell::new(s.inspections.to_string()),
        Cell::new(pct(Some(s.mean))),
        Cell::tone(
            pct(Some(s.pass_rate)),
            if s.pass_rate < ATTENTION_PASS_PERCENT as f64 {
                Tone::Bad
            } else {
                Tone::Normal
            },
        ),
        Cell::tone(arrow, tone),
    ]);
    Row::new(cells)
}

pub fn render(r: &SiteReport, lang: Lang) -> Vec<u8> {
    render_with(r, &[], lang)
}

/// [`render`] with the open corrective actions past their due date at the end.
pub fn render_with(r: &SiteReport, overdue: &[ActionLine], lang: Lang) -> Vec<u8> {
    let l = lang;
    let period = format!("{} – {}", r.from, r.to);
    let name = l.t("report-site-period-report");
    let mut pdf = Pdf::new(
        l,
        &format!("{name} · {} · {period}", r.scope),
        &format!("{name} · {} · {period}", r.scope),
    );
    pdf.title(
        &format!("{name} · {}", r.scope),
        &l.t_args("typed-report-period", &[("period", period.as_str().into())]),
    );
    let s = &r.summary;
    pdf.figures(&summary_figures(l, s));

    let grain = match r.grain {
        Granularity::Week => "week",
        Granularity::Month => "month",
    };
    let label_of = |d: NaiveDate| match r.grain {
        Granularity::Week => d.format("%m-%d").to_string(),
        Granularity::Month => d.format("%Y-%m").to_string(),
    };
    pdf.heading(&l.t_args(
        "polish-quality-trend-heading",
        &[
            ("grain", grain.into()),
            ("from", r.from.to_string().into()),
            ("to", r.to.to_string().into()),
            ("count", r.trend.len().into()),
        ],
    ));
    if r.trend.is_empty() {
        pdf.paragraph(&l.t("report-no-spot-checks-in-this"), BODY, Tone::Muted);
    } else {
        let min = r
            .trend
            .iter()
            .map(|p| p.mean.min(p.pass_rate))
            .fold(100.0, f64::min);
        pdf.line_chart(
            &LineChart {
                labels: r.trend.iter().map(|p| label_of(p.period)).collect(),
                series: vec![
                    Series {
                        name: l.t_args(
                            "polish-quality-average-score-per",
                            &[("grain", grain.into())],
                        ),
                        values: r.trend.iter().map(|p| Some(p.mean)).collect(),
                        tone: Tone::Accent,
                        dashed: false,
                    },
                    Series {
                        name: l.t("quality-pass-rate"),
                        values: r.trend.iter().map(|p| Some(p.pass_rate)).collect(),
                        tone: Tone::Good,
                        dashed: true,
                    },
                ],
                // Start the axis at a round number under the lowest point.
                min: ((min / 10.0).floor() * 10.0).clamp(0.0, 60.0),
                max: 100.0,
                unit: "%".into(),
            },
            150.0,
        );
        pdf.table(&Table {
            columns: vec![
                Column::new(
                    l.t_args("polish-quality-period-of", &[("grain", grain.into())]),
                    2.0,
                    Align::Left,
                ),
                Column::new(l.t("report-checks"), 1.0, Align::Right),
                Column::new(l.t("report-average"), 1.2, Align::Right),
                Column::new(l.t("quality-pass-rate"), 1.2, Align::Right),
            ],
            rows: r
                .trend
                .iter()
                .map(|p| {
                    Row::new(vec![
                        Cell::new(label_of(p.period)),
                        Cell::new(p.inspections.to_string()),
                        Cell::new(pct(Some(p.mean))),
                        Cell::new(pct(Some(p.pass_rate))),
                    ])
                })
                .collect(),
        });
    }

    if !r.by_site.is_empty() {
        pdf.heading(&l.t("polish-quality-site-by-site"));
        let mut sites: Vec<&StaffFigure> = r.by_site.iter().collect();
        sites.sort_by(|a, b| a.name.cmp(&b.name));
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("spotcheck-site"), 3.2, Align::Left),
                Column::new(l.t("report-checks"), 1.2, Align::Right),
                Column::new(l.t("report-average"), 1.4, Align::Right),
                Column::new(l.t("quality-pass-rate"), 1.4, Align::Right),
                Column::new(l.t("quality-trend"), 1.4, Align::Left),
            ],
            rows: sites.into_iter().map(|s| figure_row(l, s, None)).collect(),
        });
    }

    pdf.heading(&l.t("quality-most-failed-items-pareto"));
    if r.failed_items.is_empty() {
        pdf.paragraph(&l.t("report-no-item-failed-in-this"), BODY, Tone::Good);
    } else {
        let bars: Vec<Bar> = r
            .failed_items
            .iter()
            .take(PARETO_BARS)
            .map(|i| Bar {
                label: format!("§{} {}", i.clause, i.text),
                value: i.failures as f64,
                note: format!("{} · {:.0}% · Σ {:.0}%", i.failures, i.share, i.cumulative),
            })
            .collect();
        pdf.paragraph(
            &l.t("report-each-bar-failures-share-of"),
            SMALL,
            Tone::Muted,
        );
        pdf.bar_chart(&bars, Tone::Bad);
    }

    pdf.heading(&l.t("report-sections"));
    if r.sections.is_empty() {
        pdf.paragraph("—", BODY, Tone::Muted);
    } else {
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("layout-checklist"), 3.0, Align::Left),
                Column::new(l.t("inspections-section"), 3.6, Align::Left),
                Column::new(l.t("report-score-max"), 1.9, Align::Right),
                Column::new(l.t("report-percent"), 1.3, Align::Right),
                Column::new(l.t("report-failures"), 1.2, Align::Right),
            ],
            rows: r
                .sections
                .iter()
                .map(|s| {
                    let percent = (s.max > 0.0).then(|| s.score / s.max * 100.0);
                    Row::new(vec![
                        Cell::new(&*s.checklist),
                        Cell::new(&*s.section),
                        Cell::new(format!("{:.0} / {:.0}", s.score, s.max)),
                        Cell::tone(
                            pct(percent),
                            if percent.is_some_and(|p| p < 80.0) {
                                Tone::Bad
                            } else {
                                Tone::Normal
                            },
                        ),
                        Cell::new(s.failures.to_string()),
                    ])
                })
                .collect(),
        });
    }

    pdf.heading(&format!("{} ({})", l.t("role-staff"), r.staff_total));
    // Left out of a cut list: found in the CSV export of the same period.
    let rest = r.staff_total.saturating_sub(r.staff.len());
    if r.staff.is_empty() {
        pdf.paragraph("—", BODY, Tone::Muted);
    } else {
        if let Some(cut) = r.staff_cut.filter(|_| rest > 0) {
            pdf.paragraph(
                &l.t_args(
                    "report-staff-cut",
                    &[
                        ("shown", r.staff.len().into()),
                        ("total", r.staff_total.into()),
                        ("lowest", cut.lowest.into()),
                        ("line", ATTENTION_PASS_PERCENT.into()),
                        ("most", cut.most.into()),
                    ],
                ),
                BODY,
                Tone::Normal,
            );
        }
        pdf.paragraph(
            &l.t("report-lowest-average-first-the-trend"),
            SMALL,
            Tone::Muted,
        );
        let several = !r.by_site.is_empty();
        let mut columns = vec![Column::new(l.t("admin-name"), 3.2, Align::Left)];
        if several {
            columns.push(Column::new(l.t("spotcheck-site"), 2.8, Align::Left));
        }
        columns.extend([
            Column::new(l.t("report-checks"), 1.2, Align::Right),
            Column::new(l.t("report-average"), 1.4, Align::Right),
            Column::new(l.t("quality-pass-rate"), 1.4, Align::Right),
            Column::new(l.t("quality-trend"), 1.4, Align::Left),
        ]);
        pdf.table(&Table {
            columns,
            rows: r
                .staff
                .iter()
                .map(|s| figure_row(l, s, several.then_some(s.site.as_str())))
                .collect(),
        });
    }
    if rest > 0 {
        pdf.paragraph(
            &l.t_args(
                "report-staff-rest-in-csv",
                &[
                    ("rest", rest.into()),
                    (
                        "path",
                        format!("/quality/inspections.csv?from={}&to={}", r.from, r.to).into(),
                    ),
                ],
            ),
            BODY,
            Tone::Warn,
        );
    }

    pdf.heading(&l.t("layout-training"));
    let t = r.training;
    pdf.figures(&[
        Figure::new(
            l.t("report-assigned-in-the-period"),
            t.assigned.to_string(),
            Tone::Accent,
        ),
        Figure::new(
            l.t("report-completed-in-the-period"),
            t.completed.to_string(),
            Tone::Good,
        ),
        Figure::new(
            l.t("report-overdue-at-the-end"),
            t.overdue.to_string(),
            if t.overdue > 0 { Tone::Bad } else { Tone::Good },
        ),
    ]);

    pdf.heading(&l.t("report-coverage"));
    pdf.paragraph(
        &l.t_args(
            "report-coverage-uncovered",
            &[
                ("roster", r.roster.into()),
                ("uncovered", r.uncovered_total.into()),
                ("to", r.to.to_string().into()),
                ("days", r.coverage_days.into()),
            ],
        ),
        BODY,
        if r.uncovered_total == 0 {
            Tone::Good
        } else {
            Tone::Warn
        },
    );
    if !r.uncovered.is_empty() {
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("admin-name"), 3.0, Align::Left),
                Column::new(l.t("report-position"), 3.0, Align::Left),
                Column::new(l.t("report-last-spot-check"), 2.0, Align::Left),
            ],
            rows: r
                .uncovered
                .iter()
                .map(|u| {
                    Row::new(vec![
                        Cell::new(&*u.name),
                        Cell::new(u.position.clone().unwrap_or_else(|| "—".into())),
                        match u.last_checked {
                            Some(d) => Cell::new(d.to_string()),
                            None => Cell::tone(l.t("report-never"), Tone::Bad),
                        },
                    ])
                })
                .collect(),
        });
    }
    let unlisted = r.uncovered_total.saturating_sub(r.uncovered.len());
    if unlisted > 0 {
        pdf.paragraph(
            &l.t_args("report-uncovered-rest", &[("rest", unlisted.into())]),
            BODY,
            Tone::Warn,
        );
    }

    pdf.heading(&l.t("report-items-to-work-on-next"));
    if r.failed_items.is_empty() {
        pdf.paragraph(
            &l.t("report-nothing-failed-keep-doing-what"),
            BODY,
            Tone::Good,
        );
    }
    for (n, i) in r.failed_items.iter().take(NEXT_ITEMS).enumerate() {
        pdf.ensure(34.0);
        pdf.paragraph(
            &format!("{}. §{}  {}", n + 1, i.clause, i.text),
            BODY + 0.5,
            Tone::Normal,
        );
        let args = [
            ("checklist", i.checklist.as_str().into()),
            ("checked", i.checked.into()),
            ("failures", i.failures.into()),
            ("rate", format!("{:.0}", i.failure_rate).into()),
            ("modules", crate::i18n::list(l, &i.training).into()),
        ];
        let detail = if i.training.is_empty() {
            l.t_args("report-item-failures", &args)
        } else {
            l.t_args("typed-report-item-failures-training", &args)
        };
        pdf.indented(&detail, SMALL, Tone::Muted);
        pdf.gap(3.0);
    }
    super::actions::draw_overdue(&mut pdf, overdue);
    pdf.finish()
}
