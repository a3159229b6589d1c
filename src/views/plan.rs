//! The weekly sampling plan page.

use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::layout::page;
use crate::domain::clock::OnPost;
use crate::i18n::Localize;

pub struct PlanRow {
    pub date: NaiveDate,
    pub period: String,
    /// The on-post hours of that shift, to visit in.
    pub hours: Option<OnPost>,
    pub site_id: i32,
    pub site: String,
    pub subject_id: i32,
    pub subject: String,
    /// Planned because they were not checked for three weeks.
    pub due: bool,
    pub done: Option<Uuid>,
}

pub fn week(chrome: &Chrome, monday: NaiveDate, rows: &[PlanRow]) -> Markup {
    let l = chrome.lang;
    let done = rows.iter().filter(|r| r.done.is_some()).count();
    page(
        chrome,
        &l.t("plan-sampling-plan"),
        "/plan",
        html! {
            h1 { (l.t("plan-this-weeks-sampling-plan")) }
            nav.pager {
                a.button href={ "/plan?week=" (monday - Duration::days(7)) } { "← " (l.t("plan-previous-week")) }
                span { (monday) " – " (monday + Duration::days(6)) }
                a.button href={ "/plan?week=" (monday + Duration::days(7)) } { (l.t("plan-next-week")) " →" }
            }
            p.muted {
                (l.t("plan-drawn-at-random-weighted-towards"))
            }
            @if rows.is_empty() {
                p.empty { (l.t("plan-nobody-to-check-at-your")) }
            } @else {
                p { strong { (done) " / " (rows.len()) } " " (l.t("plan-done")) }
                table {
                    tr { th { (l.t("layout-date")) } th { (l.t("spotcheck-shift")) } th { (l.t("spotcheck-site")) } th { (l.t("role-staff")) } th { (l.t("inspections-status")) } }
                    @for r in rows {
                        tr {
                            td { (r.date) }
                            td {
                                (r.period)
                                @if let Some(h) = r.hours { " " span.muted { (h.start.format("%H:%M")) "–" (h.end.format("%H:%M")) } }
                            }
                            td { (r.site) }
                            td { (r.subject) @if r.due { " " span.badge.draft { (l.t("plan-3-weeks-unchecked")) } } }
                            td {
                                @match r.done {
                                    Some(id) => a.badge.pass href={ "/inspections/" (id) } { "✓ " (l.t("plan-done-2")) },
                                    None => a.button href={ "/spotchecks/new?site=" (r.site_id) "&subject=" (r.subject_id) } { (l.t("plan-start")) },
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
