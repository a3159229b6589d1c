//! The report of one spot-check: who, where and on what; the score, pass or fail and any
//! critical failure; the score per section; every failed item with its clause, the
//! inspector's note and photo; and the training the failures assigned.

use chrono::NaiveDate;

use super::actions::FollowUp;
use super::{
    Align, BODY, Cell, Column, Figure, Pdf, Row, SMALL, Table, Thumbnail, Tone, pct, verdict,
};
use crate::domain::{InspectionStatus, Lang};
use crate::i18n::Localize;

/// Everything the inspection report shows, already in the report's language.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionReport {
    pub id: String,
    pub site: String,
    pub shift_date: NaiveDate,
    /// The shift period, labelled (早班 / Morning…).
    pub shift_period: String,
    pub staff: String,
    pub position: Option<String>,
    pub inspector: String,
    pub checklist: String,
    pub checklist_version: i32,
    /// Submitted or void.
    pub status: InspectionStatus,
    pub void_reason: Option<String>,
    /// A re-check after training, rather than a spot-check.
    pub recheck: bool,
    pub submitted_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub pass_mark: f64,
    pub passed: Option<bool>,
    pub sections: Vec<SectionScore>,
    pub failed: Vec<FailedItem>,
    pub training: Vec<AssignedTraining>,
}

pub use crate::domain::record::SectionScore;

#[derive(Debug, Clone, PartialEq)]
pub struct FailedItem {
    pub section: String,
    pub clause: String,
    pub text: String,
    /// The answer as recorded (e.g. "20 °", "said 2/4").
    pub answer: String,
    /// What the item expects, for measures ("target 30 ° ± 5 °").
    pub expected: Option<String>,
    pub critical: bool,
    pub note: Option<String>,
    pub photo: Option<Photo>,
    /// Each module the item calls for and what became of it ("Module — newly assigned,
    /// due 2026-12-07"), in the report's language.
    pub training: Vec<String>,
}

/// A photo the inspector attached to an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Photo {
    /// The file's bytes (JPEG, PNG or WebP).
    File(Vec<u8>),
    /// Named on the response, but the file is not in the file storage.
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssignedTraining {
    pub module: String,
    pub due: NaiveDate,
    pub critical: bool,
    /// Labelled status: assigned / in progress / completed.
    pub status: String,
}

/// Thumbnails are shrunk to this many pixels on their longer side…
const THUMB_PX: usize = 360;
/// …and printed this wide (≈ 190 dpi).
const THUMB_PT: f32 = 130.0;

fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

pub fn render(r: &InspectionReport, lang: Lang) -> Vec<u8> {
    render_with(r, &FollowUp::default(), lang)
}

/// [`render`] with the spot-check's corrective actions and signatures at the end.
pub fn render_with(r: &InspectionReport, follow_up: &FollowUp, lang: Lang) -> Vec<u8> {
    let l = lang;
    let kind = if r.recheck {
        l.t("report-re-check-report")
    } else {
        l.t("report-spot-check-report")
    };
    let mut pdf = Pdf::new(
        l,
        &format!("{kind} · {} · {}", r.staff, r.shift_date),
        &format!("{kind} · {} · {} · {}", r.staff, r.site, r.shift_date),
    );
    pdf.title(
        &r.checklist,
        &format!(
            "{kind} · {} {} · {}",
            l.t("spotcheck-version"),
            r.checklist_version,
            r.id
        ),
    );
    if r.status == InspectionStatus::Void {
        pdf.paragraph(
            &l.t_args(
                "typed-spot-check-voided",
                &[("reason", r.void_reason.as_deref().unwrap_or("—").into())],
            ),
            BODY + 1.0,
            Tone::Bad,
        );
        pdf.gap(4.0);
    }

    let (result, tone) = verdict(l, r.passed);
    let criticals = r.failed.iter().filter(|f| f.critical).count();
    pdf.figures(&[
        Figure::new(
            l.t("layout-score"),
            match (r.score, r.max_score) {
                (Some(s), Some(m)) => format!("{} / {}", number(s), number(m)),
                _ => "—".into(),
            },
            Tone::Accent,
        ),
        Figure::new(l.t("report-percent"), pct(r.percent), tone),
        Figure::new(
            format!(
                "{} {}%",
                l.t("report-result-pass-mark"),
                number(r.pass_mark)
            ),
            result,
            tone,
        ),
        Figure::new(
            l.t("report-critical-failures"),
            criticals.to_string(),
            if criticals > 0 { Tone::Bad } else { Tone::Good },
        ),
    ]);

    let mut fields = vec![
        (l.t("report-site"), r.site.clone()),
        (
            l.t("spotcheck-shift"),
            format!("{} {}", r.shift_date, r.shift_period),
        ),
        (l.t("inspections-inspector"), r.inspector.clone()),
        (l.t("role-staff"), r.staff.clone()),
        (
            l.t("report-position"),
            r.position.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            l.t("layout-checklist"),
            format!(
                "{} ({} {})",
                r.checklist,
                l.t("report-v"),
                r.checklist_version
            ),
        ),
    ];
    if let Some(at) = &r.submitted_at {
        fields.push((l.t("report-submitted"), at.clone()));
    }
    fields.push((
        l.t("report-acknowledged"),
        r.acknowledged_at
            .clone()
            .unwrap_or_else(|| l.t("report-not-yet")),
    ));
    pdf.fields(&fields, 3);

    if criticals > 0 {
        pdf.heading(&l.t("report-critical-failures-2"));
        for f in r.failed.iter().filter(|f| f.critical) {
            pdf.paragraph(&format!("§{}  {}", f.clause, f.text), BODY + 0.5, Tone::Bad);
        }
    }

    pdf.heading(&l.t("report-score-by-section"));
    pdf.table(&Table {
        columns: vec![
            Column::new(l.t("inspections-section"), 6.0, Align::Left),
            Column::new(l.t("report-score-max"), 2.0, Align::Right),
            Column::new(l.t("report-percent"), 1.6, Align::Right),
        ],
        rows: r
            .sections
            .iter()
            .map(|s| {
                let percent = (s.max > 0.0).then(|| s.score / s.max * 100.0);
                let low = percent.is_some_and(|p| p < r.pass_mark);
                Row::new(vec![
                    Cell::new(&*s.title),
                    Cell::new(format!("{} / {}", number(s.score), number(s.max))),
                    Cell::tone(pct(percent), if low { Tone::Bad } else { Tone::Normal }),
                ])
            })
            .collect(),
    });

    pdf.heading(&format!(
        "{} ({})",
        l.t("report-failed-items"),
        r.failed.len()
    ));
    if r.failed.is_empty() {
        pdf.paragraph(&l.t("quality-no-item-failed"), BODY, Tone::Good);
    }
    for (n, f) in r.failed.iter().enumerate() {
        pdf.ensure(40.0);
        let critical = if f.critical {
            l.t("report-critical")
        } else {
            String::new()
        };
        pdf.paragraph(
            &format!("{}. §{}  {}{critical}", n + 1, f.clause, f.text),
            BODY + 0.5,
            if f.critical { Tone::Bad } else { Tone::Normal },
        );
        let expected = f.expected.as_ref().map_or_else(String::new, Clone::clone);
        let recorded = [
            ("section", f.section.as_str().into()),
            ("answer", f.answer.as_str().into()),
            ("expected", expected.into()),
        ];
        pdf.indented(
            &l.t_args(
                if f.expected.is_some() {
                    "typed-report-recorded-expected"
                } else {
                    "typed-report-recorded"
                },
                &recorded,
            ),
            SMALL,
            Tone::Muted,
        );
        if let Some(note) = &f.note {
            pdf.indented(
                &l.t_args("typed-inspectors-note", &[("note", note.as_str().into())]),
                BODY,
                Tone::Normal,
            );
        }
        match &f.photo {
            None => {}
            Some(Photo::Missing) => {
                pdf.indented(&l.t("report-photo-not-found-in-the"), SMALL, Tone::Warn)
            }
            Some(Photo::File(bytes)) => match Thumbnail::decode(bytes, THUMB_PX) {
                Some(thumb) => pdf.thumbnail(
                    &thumb,
                    THUMB_PT,
                    &l.t("report-photo-taken-by-the-inspector"),
                ),
                None => pdf.indented(&l.t("report-photo-on-file"), SMALL, Tone::Muted),
            },
        }
        for call in &f.training {
            pdf.indented(
                &format!("{}: {call}", l.t("polish-staff-training-for-item")),
                SMALL,
                Tone::Normal,
            );
        }
        pdf.gap(4.0);
    }

    pdf.heading(&l.t("report-training-assigned-by-this-spot"));
    if r.training.is_empty() {
        // The modules may have been open already: that is not "no training".
        let message = if r.failed.iter().any(|f| !f.training.is_empty()) {
            "polish-staff-report-no-new-training"
        } else {
            "report-this-spot-check-assigned-no"
        };
        pdf.paragraph(&l.t(message), BODY, Tone::Muted);
    } else {
        pdf.table(&Table {
            columns: vec![
                Column::new(l.t("report-module"), 6.0, Align::Left),
                Column::new(l.t("layout-due"), 2.0, Align::Left),
                Column::new(l.t("report-critical-2"), 1.2, Align::Center),
                Column::new(l.t("inspections-status"), 1.8, Align::Left),
            ],
            rows: r
                .training
                .iter()
                .map(|t| {
                    Row::new(vec![
                        Cell::new(&*t.module),
                        Cell::new(t.due.to_string()),
                        if t.critical {
                            Cell::tone(l.t("report-yes"), Tone::Bad)
                        } else {
                            Cell::tone("—", Tone::Muted)
                        },
                        Cell::new(&*t.status),
                    ])
                })
                .collect(),
        });
    }
    super::actions::draw_follow_up(&mut pdf, follow_up);
    pdf.finish()
}
