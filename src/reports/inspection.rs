//! The report of one spot-check: who, where and on what; the score, pass or fail and any
//! critical failure; the score per section; every failed item with its clause, the
//! inspector's note and photo; and the training the failures assigned.

use chrono::NaiveDate;

use super::{
    Align, BODY, Cell, Column, Figure, Pdf, Row, SMALL, Table, Thumbnail, Tone, pct, verdict,
};
use crate::domain::Lang;

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
    /// submitted | void
    pub status: String,
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
    pub critical: bool,
    pub note: Option<String>,
    pub photo: Option<Photo>,
}

/// A photo the inspector attached to an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Photo {
    /// The file's bytes (JPEG, PNG or WebP).
    File(Vec<u8>),
    /// Named on the response, but the file is not in the data directory.
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
    let l = lang;
    let kind = if r.recheck {
        l.pick("培訓後複查報告", "Re-check report")
    } else {
        l.pick("抽查報告", "Spot-check report")
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
            l.pick("版本", "version"),
            r.checklist_version,
            r.id
        ),
    );
    if r.status == "void" {
        pdf.paragraph(
            &format!(
                "{}{}",
                l.pick("此抽查已作廢：", "This spot-check was voided: "),
                r.void_reason.as_deref().unwrap_or("—")
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
            l.pick("得分", "Score"),
            match (r.score, r.max_score) {
                (Some(s), Some(m)) => format!("{} / {}", number(s), number(m)),
                _ => "—".into(),
            },
            Tone::Accent,
        ),
        Figure::new(l.pick("百分比", "Percent"), pct(r.percent), tone),
        Figure::new(
            format!(
                "{} {}%",
                l.pick("結果 · 合格線", "Result · pass mark"),
                number(r.pass_mark)
            ),
            result,
            tone,
        ),
        Figure::new(
            l.pick("嚴重不合格", "Critical failures"),
            criticals.to_string(),
            if criticals > 0 { Tone::Bad } else { Tone::Good },
        ),
    ]);

    let mut fields = vec![
        (l.pick("站點", "Site").to_string(), r.site.clone()),
        (
            l.pick("班次", "Shift").to_string(),
            format!("{} {}", r.shift_date, r.shift_period),
        ),
        (
            l.pick("檢查人", "Inspector").to_string(),
            r.inspector.clone(),
        ),
        (l.pick("員工", "Staff").to_string(), r.staff.clone()),
        (
            l.pick("職位", "Position").to_string(),
            r.position.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            l.pick("檢查表", "Checklist").to_string(),
            format!(
                "{} ({} {})",
                r.checklist,
                l.pick("版本", "v"),
                r.checklist_version
            ),
        ),
    ];
    if let Some(at) = &r.submitted_at {
        fields.push((l.pick("提交時間", "Submitted").to_string(), at.clone()));
    }
    fields.push((
        l.pick("員工確認", "Acknowledged").to_string(),
        r.acknowledged_at
            .clone()
            .unwrap_or_else(|| l.pick("尚未確認", "not yet").to_string()),
    ));
    pdf.fields(&fields, 3);

    if criticals > 0 {
        pdf.heading(l.pick("嚴重不合格項目", "Critical failures"));
        for f in r.failed.iter().filter(|f| f.critical) {
            pdf.paragraph(&format!("§{}  {}", f.clause, f.text), BODY + 0.5, Tone::Bad);
        }
    }

    pdf.heading(l.pick("各部分得分", "Score by section"));
    pdf.table(&Table {
        columns: vec![
            Column::new(l.pick("部分", "Section"), 6.0, Align::Left),
            Column::new(l.pick("得分 / 滿分", "Score / max"), 2.0, Align::Right),
            Column::new(l.pick("百分比", "Percent"), 1.6, Align::Right),
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
        l.pick("不合格項目", "Failed items"),
        r.failed.len()
    ));
    if r.failed.is_empty() {
        pdf.paragraph(
            l.pick("沒有不合格項目。", "No item failed."),
            BODY,
            Tone::Good,
        );
    }
    for (n, f) in r.failed.iter().enumerate() {
        pdf.ensure(40.0);
        let critical = if f.critical {
            l.pick("　【嚴重】", "  [critical]")
        } else {
            ""
        };
        pdf.paragraph(
            &format!("{}. §{}  {}{critical}", n + 1, f.clause, f.text),
            BODY + 0.5,
            if f.critical { Tone::Bad } else { Tone::Normal },
        );
        pdf.indented(
            &format!(
                "{} · {}{}",
                f.section,
                l.pick("記錄：", "recorded: "),
                f.answer
            ),
            SMALL,
            Tone::Muted,
        );
        if let Some(note) = &f.note {
            pdf.indented(
                &format!("{}{note}", l.pick("檢查人備註：", "Inspector's note: ")),
                BODY,
                Tone::Normal,
            );
        }
        match &f.photo {
            None => {}
            Some(Photo::Missing) => pdf.indented(
                l.pick(
                    "照片檔案不在資料目錄中。",
                    "Photo not found in the data directory.",
                ),
                SMALL,
                Tone::Warn,
            ),
            Some(Photo::File(bytes)) => match Thumbnail::decode(bytes, THUMB_PX) {
                Some(thumb) => pdf.thumbnail(
                    &thumb,
                    THUMB_PT,
                    l.pick("檢查人拍攝的照片", "Photo taken by the inspector"),
                ),
                None => pdf.indented(
                    l.pick("照片已存檔（此格式無法印出）。", "Photo on file."),
                    SMALL,
                    Tone::Muted,
                ),
            },
        }
        pdf.gap(4.0);
    }

    pdf.heading(l.pick("因此抽查指派的培訓", "Training assigned by this spot-check"));
    if r.training.is_empty() {
        pdf.paragraph(
            l.pick(
                "此抽查沒有指派培訓。",
                "This spot-check assigned no training.",
            ),
            BODY,
            Tone::Muted,
        );
    } else {
        pdf.table(&Table {
            columns: vec![
                Column::new(l.pick("培訓單元", "Module"), 6.0, Align::Left),
                Column::new(l.pick("到期", "Due"), 2.0, Align::Left),
                Column::new(l.pick("嚴重", "Critical"), 1.2, Align::Center),
                Column::new(l.pick("狀態", "Status"), 1.8, Align::Left),
            ],
            rows: r
                .training
                .iter()
                .map(|t| {
                    Row::new(vec![
                        Cell::new(&*t.module),
                        Cell::new(t.due.to_string()),
                        if t.critical {
                            Cell::tone(l.pick("是", "yes"), Tone::Bad)
                        } else {
                            Cell::tone("—", Tone::Muted)
                        },
                        Cell::new(&*t.status),
                    ])
                })
                .collect(),
        });
    }
    pdf.finish()
}
