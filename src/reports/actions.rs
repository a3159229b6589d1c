//! The corrective actions and signatures in the reports: the actions a spot-check raised
//! and its sign-off at the end of the inspection report, and the overdue actions of the
//! site report.

use super::{Align, BODY, Cell, Column, Pdf, Row, SMALL, Table, Thumbnail, Tone};
use crate::i18n::Localize;

/// An action as a report lists it, already in the report's language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionLine {
    pub text: String,
    pub site: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub overdue: bool,
}

/// The signatures of a spot-check: PNG bytes, the person's `None` when they declined.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignOffImages {
    pub subject: Option<Vec<u8>>,
    pub inspector: Vec<u8>,
    pub at: String,
}

/// What the inspection report adds at its end.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FollowUp {
    pub actions: Vec<ActionLine>,
    pub sign_off: Option<SignOffImages>,
}

/// Signatures are printed this wide.
const SIGNATURE_PT: f32 = 150.0;

fn table(pdf: &mut Pdf, lines: &[ActionLine], with_site: bool) {
    let l = pdf.lang();
    let mut columns = vec![Column::new(l.t("actions-what"), 5.0, Align::Left)];
    if with_site {
        columns.push(Column::new(l.t("actions-site"), 2.0, Align::Left));
    }
    columns.extend([
        Column::new(l.t("actions-owner"), 2.0, Align::Left),
        Column::new(l.t("actions-due"), 1.8, Align::Left),
        Column::new(l.t("actions-status"), 1.8, Align::Left),
    ]);
    let rows = lines
        .iter()
        .map(|a| {
            let mut cells = vec![Cell::new(&*a.text)];
            if with_site {
                cells.push(Cell::new(&*a.site));
            }
            cells.extend([
                Cell::new(&*a.owner),
                if a.overdue {
                    Cell::tone(format!("{} ({})", a.due, l.t("actions-overdue")), Tone::Bad)
                } else {
                    Cell::new(&*a.due)
                },
                Cell::new(&*a.status),
            ]);
            Row::new(cells)
        })
        .collect();
    pdf.table(&Table { columns, rows });
}

fn signature(pdf: &mut Pdf, png: &[u8], caption: &str) {
    match Thumbnail::decode(png, 480) {
        Some(image) => pdf.thumbnail(&image, SIGNATURE_PT, caption),
        None => pdf.indented(caption, SMALL, Tone::Warn),
    }
}

/// The inspection report's end: the actions raised, then the signatures.
pub fn draw_follow_up(pdf: &mut Pdf, f: &FollowUp) {
    let l = pdf.lang();
    if !f.actions.is_empty() {
        pdf.heading(&l.t("actions-raised"));
        table(pdf, &f.actions, false);
    }
    if let Some(s) = &f.sign_off {
        pdf.heading(&l.t("actions-sign-off"));
        match &s.subject {
            Some(png) => signature(pdf, png, &l.t("actions-subject-signature")),
            None => pdf.paragraph(&l.t("actions-subject-declined"), BODY, Tone::Warn),
        }
        signature(pdf, &s.inspector, &l.t("actions-inspector-signature"));
        pdf.paragraph(
            &format!("{} {}", l.t("actions-signed-at"), s.at),
            SMALL,
            Tone::Muted,
        );
    }
}

/// The site report's overdue actions, listed with their site; nothing when none is.
pub fn draw_overdue(pdf: &mut Pdf, overdue: &[ActionLine]) {
    let l = pdf.lang();
    pdf.heading(&format!(
        "{} ({})",
        l.t("actions-overdue-per-site"),
        overdue.len()
    ));
    if overdue.is_empty() {
        pdf.paragraph(&l.t("actions-none-overdue"), BODY, Tone::Good);
    } else {
        table(pdf, overdue, true);
    }
}
