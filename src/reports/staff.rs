//! A person's record over a period: who they are, every spot-check (a table that runs
//! over as many pages as it needs), and their training history.

use chrono::NaiveDate;

use super::{Align, BODY, Cell, Column, Pdf, Row, Table, Tone, pct, summary_figures, verdict};
use crate::domain::Lang;
use crate::domain::stats::{Arrow, Summary};
use crate::i18n::Localize;

#[derive(Debug, Clone, PartialEq)]
pub struct StaffReport {
    pub name: String,
    pub email: String,
    pub position: Option<String>,
    pub sites: Vec<String>,
    pub hire_date: Option<NaiveDate>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Over the submitted (not void) inspections in the period.
    pub summary: Summary,
    pub inspections: Vec<StaffInspection>,
    pub training: Vec<TrainingLine>,
    /// The first half of the period against the second, by mean score.
    pub trend: Option<Arrow>,
    /// Items failed more than once in the period, most first.
    pub repeated: Vec<RepeatedFailure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepeatedFailure {
    pub clause: String,
    pub text: String,
    pub times: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffInspection {
    pub date: NaiveDate,
    /// Labelled shift period.
    pub period: String,
    pub site: String,
    pub checklist: String,
    pub inspector: String,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical: bool,
    pub recheck: bool,
    pub void: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainingLine {
    pub module: String,
    /// Why it was assigned, labelled.
    pub reason: String,
    pub assigned: NaiveDate,
    pub due: NaiveDate,
    pub completed: Option<NaiveDate>,
    pub quiz: Option<f64>,
    pub overdue: bool,
}

/// What a manager needs first: the spot-checks of the period with their mean and
/// trend, the items failed again and again (with their clause), and the training done,
/// open and overdue; the full lists follow.
fn overview(pdf: &mut Pdf, r: &StaffReport) {
    let l = pdf.lang();
    pdf.heading(&l.t("polish-quality-staff-summary"));
    let trend = match r.trend {
        Some(Arrow::Up) => l.t("polish-quality-trend-up"),
        Some(Arrow::Down) => l.t("polish-quality-trend-down"),
        Some(Arrow::Flat) => l.t("polish-quality-trend-flat"),
        None => l.t("polish-quality-trend-none"),
    };
    pdf.paragraph(
        &l.t_args(
            "polish-quality-staff-checks",
            &[
                ("count", r.summary.inspections.into()),
                ("mean", pct(r.summary.mean).into()),
                ("trend", trend.into()),
            ],
        ),
        BODY,
        Tone::Normal,
    );
    let done = r.training.iter().filter(|t| t.completed.is_some()).count();
    let open = r.training.iter().filter(|t| t.completed.is_none()).count();
    let overdue = r.training.iter().filter(|t| t.overdue).count();
    pdf.paragraph(
        &l.t_args(
            "polish-quality-staff-training",
            &[
                ("done", done.into()),
                ("open", open.into()),
                ("overdue", overdue.into()),
            ],
        ),
        BODY,
        if overdue > 0 { Tone::Bad } else { Tone::Normal },
    );
    if r.repeated.is_empty() {
        pdf.paragraph(&l.t("polish-quality-staff-no-repeats"), BODY, Tone::Good);
    } else {
        pdf.paragraph(&l.t("polish-quality-staff-repeats"), BODY, Tone::Normal);
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("polish-quality-clause"), 1.2, Align::Left),
                Column::new(l.t("polish-quality-item"), 6.0, Align::Left),
                Column::new(l.t("polish-quality-times-failed"), 1.4, Align::Right),
            ],
            rows: r
                .repeated
                .iter()
                .map(|f| {
                    Row::new(vec![
                        Cell::new(format!("§{}", f.clause)),
                        Cell::new(&*f.text),
                        Cell::tone(f.times.to_string(), Tone::Bad),
                    ])
                })
                .collect(),
        });
    }
}

pub fn render(r: &StaffReport, lang: Lang) -> Vec<u8> {
    let l = lang;
    let period = format!("{} – {}", r.from, r.to);
    let mut pdf = Pdf::new(
        l,
        &format!("{} · {}", l.t("report-staff-record"), r.name),
        &format!("{} · {} · {period}", l.t("report-staff-record"), r.name),
    );
    pdf.title(
        &format!("{} · {}", l.t("report-staff-record"), r.name),
        &l.t_args("typed-report-period", &[("period", period.as_str().into())]),
    );
    pdf.fields(
        &[
            (l.t("admin-name"), r.name.clone()),
            (l.t("auth-email"), r.email.clone()),
            (
                l.t("report-position"),
                r.position.clone().unwrap_or_else(|| "—".into()),
            ),
            (
                l.t("report-sites"),
                if r.sites.is_empty() {
                    "—".into()
                } else {
                    crate::i18n::list(l, &r.sites)
                },
            ),
            (
                l.t("report-hired"),
                r.hire_date.map_or_else(|| "—".into(), |d| d.to_string()),
            ),
            (l.t("report-period-2"), period.clone()),
        ],
        3,
    );
    let s = &r.summary;
    pdf.figures(&summary_figures(l, s));
    overview(&mut pdf, r);

    pdf.heading(&format!(
        "{} ({})",
        l.t("report-spot-checks-in-the-period"),
        r.inspections.len()
    ));
    if r.inspections.is_empty() {
        pdf.paragraph(&l.t("report-no-spot-checks-in-this"), BODY, Tone::Muted);
    } else {
        // The site column only when the period spans more than one site; otherwise the
        // site is in the fields above and the rows stay one line high.
        let several_sites = r
            .inspections
            .iter()
            .any(|i| i.site != r.inspections[0].site);
        let mut columns = vec![
            Column::new(l.t("layout-date"), 2.0, Align::Left),
            Column::new(l.t("spotcheck-shift"), 1.3, Align::Left),
        ];
        if several_sites {
            columns.push(Column::new(l.t("report-site"), 2.6, Align::Left));
        }
        columns.extend([
            Column::new(l.t("layout-checklist"), 4.2, Align::Left),
            Column::new(l.t("inspections-inspector"), 2.6, Align::Left),
            Column::new(l.t("layout-score"), 1.4, Align::Right),
            Column::new(l.t("layout-result"), 1.8, Align::Left),
        ]);
        let rows = r
            .inspections
            .iter()
            .map(|i| {
                let checklist = if i.recheck {
                    l.t_args(
                        "typed-checklist-re-check",
                        &[("checklist", i.checklist.as_str().into())],
                    )
                } else {
                    i.checklist.clone()
                };
                let (result, tone) = if i.void {
                    (l.t("report-void"), Tone::Muted)
                } else {
                    let (v, t) = verdict(l, i.passed);
                    if i.critical {
                        (
                            l.t_args("typed-verdict-critical", &[("verdict", v.into())]),
                            t,
                        )
                    } else {
                        (v, t)
                    }
                };
                let mut cells = vec![Cell::new(i.date.to_string()), Cell::new(&*i.period)];
                if several_sites {
                    cells.push(Cell::new(&*i.site));
                }
                cells.extend([
                    Cell::new(checklist),
                    Cell::new(&*i.inspector),
                    Cell::new(pct(i.percent)),
                    Cell::tone(result, tone),
                ]);
                Row::shaded(cells, (i.critical && !i.void).then_some(Tone::Bad))
            })
            .collect();
        pdf.table(&Table { columns, rows });
    }

    pdf.heading(&format!(
        "{} ({})",
        l.t("report-training-history"),
        r.training.len()
    ));
    if r.training.is_empty() {
        pdf.paragraph(&l.t("report-no-training-assigned"), BODY, Tone::Muted);
    } else {
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("report-module"), 4.0, Align::Left),
                Column::new(l.t("training-why"), 2.4, Align::Left),
                Column::new(l.t("report-assigned-2"), 1.8, Align::Left),
                Column::new(l.t("layout-due"), 1.8, Align::Left),
                Column::new(l.t("report-completed-2"), 1.9, Align::Left),
                Column::new(l.t("training-quiz"), 1.2, Align::Right),
            ],
            rows: r
                .training
                .iter()
                .map(|t| {
                    let completed = match (t.completed, t.overdue) {
                        (Some(d), _) => Cell::tone(d.to_string(), Tone::Good),
                        (None, true) => Cell::tone(l.t("report-overdue"), Tone::Bad),
                        (None, false) => Cell::tone(l.t("report-open"), Tone::Muted),
                    };
                    Row::shaded(
                        vec![
                            Cell::new(&*t.module),
                            Cell::new(&*t.reason),
                            Cell::new(t.assigned.to_string()),
                            Cell::tone(
                                t.due.to_string(),
                                if t.overdue { Tone::Bad } else { Tone::Normal },
                            ),
                            completed,
                            Cell::new(pct(t.quiz)),
                        ],
                        t.overdue.then_some(Tone::Warn),
                    )
                })
                .collect(),
        });
    }
    pdf.finish()
}
