//! The staff member's home: their results to read and their open training.

use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::inspections::pass_badge;
use super::layout::{page, percent};

pub struct MyResult {
    pub id: Uuid,
    pub date: String,
    pub checklist: String,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical: bool,
    pub acknowledged: bool,
}

pub struct MyTraining {
    pub title: String,
    pub due: String,
    pub overdue: bool,
}

pub fn staff_home(chrome: &Chrome, results: &[MyResult], training: &[MyTraining]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("首頁", "Home"),
        "/",
        html! {
            h1 { (l.pick("你好，", "Hello, ")) (chrome.name) }
            section.card {
                h2 { (l.pick("我的培訓", "My training")) }
                @if training.is_empty() {
                    p.empty { (l.pick("目前沒有待完成的培訓。", "No training to do right now.")) }
                } @else {
                    table {
                        tr { th { (l.pick("課程", "Module")) } th { (l.pick("到期", "Due")) } }
                        @for t in training {
                            tr {
                                td { (t.title) }
                                td { (t.due) @if t.overdue { " " span.badge.fail { (l.pick("已逾期", "Overdue")) } } }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.pick("我的抽查結果", "My spot-check results")) }
                @if results.is_empty() {
                    p.empty { (l.pick("還沒有抽查結果。", "No spot-check results yet.")) }
                } @else {
                    table {
                        tr { th { (l.pick("日期", "Date")) } th { (l.pick("檢查表", "Checklist")) } th.num { (l.pick("得分", "Score")) } th { (l.pick("結果", "Result")) } }
                        @for r in results {
                            tr {
                                td { a href={ "/inspections/" (r.id) } { (r.date) } }
                                td { (r.checklist) }
                                td.num { (r.percent.map(percent).unwrap_or_else(|| "—".into())) }
                                td {
                                    (pass_badge(l, "submitted", r.passed, r.critical))
                                    @if !r.acknowledged { " " span.badge.draft { (l.pick("待確認", "To read")) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
