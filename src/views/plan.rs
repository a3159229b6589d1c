//! The weekly sampling plan page.

use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::layout::page;
use crate::domain::clock::OnPost;

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
        l.pick("抽查計劃", "Sampling plan"),
        "/plan",
        html! {
            h1 { (l.pick("本週抽查計劃", "This week's sampling plan")) }
            nav.pager {
                a.button href={ "/plan?week=" (monday - Duration::days(7)) } { "← " (l.pick("上一週", "Previous week")) }
                span { (monday) " – " (monday + Duration::days(6)) }
                a.button href={ "/plan?week=" (monday + Duration::days(7)) } { (l.pick("下一週", "Next week")) " →" }
            }
            p.muted {
                (l.pick("隨機抽選，優先安排三週未被抽查及近期得分較低的員工，確保每人每月最少抽查一次。抽查平均分配到週一至週六及上班時間（8:30–12:00、14:30–18:00）。",
                        "Drawn at random, weighted towards low recent scores; anyone not checked for three weeks is always included, so everyone is checked at least once a month. Checks are spread over Monday to Saturday and over the on-post hours (8:30–12:00, 14:30–18:00)."))
            }
            @if rows.is_empty() {
                p.empty { (l.pick("你的場所本週沒有需要抽查的員工。", "Nobody to check at your sites this week.")) }
            } @else {
                p { strong { (done) " / " (rows.len()) } " " (l.pick("已完成", "done")) }
                table {
                    tr { th { (l.pick("日期", "Date")) } th { (l.pick("班次", "Shift")) } th { (l.pick("場所", "Site")) } th { (l.pick("員工", "Staff")) } th { (l.pick("狀態", "Status")) } }
                    @for r in rows {
                        tr {
                            td { (r.date) }
                            td {
                                (r.period)
                                @if let Some(h) = r.hours { " " span.muted { (h.start.format("%H:%M")) "–" (h.end.format("%H:%M")) } }
                            }
                            td { (r.site) }
                            td { (r.subject) @if r.due { " " span.badge.draft { (l.pick("逾三週未抽查", "3+ weeks unchecked")) } } }
                            td {
                                @match r.done {
                                    Some(id) => a.badge.pass href={ "/inspections/" (id) } { "✓ " (l.pick("已完成", "Done")) },
                                    None => a.button href={ "/spotchecks/new?site=" (r.site_id) "&subject=" (r.subject_id) } { (l.pick("開始", "Start")) },
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
