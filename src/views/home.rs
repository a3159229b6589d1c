//! The staff member's home: their results to read and their open training.

use crate::i18n::Localize;
use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::inspections::pass_badge;
use super::layout::{page, percent};
use crate::domain::InspectionStatus;

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

pub fn staff_home(
    chrome: &Chrome,
    results: &[MyResult],
    training: &[MyTraining],
    actions: &Markup,
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("layout-home"),
        "/",
        html! {
            h1 { (l.t_args("typed-hello", &[("name", chrome.name.as_str().into())])) }
            (actions)
            section.card {
                h2 { (l.t("layout-my-training")) }
                @if training.is_empty() {
                    p.empty { (l.t("layout-no-training-to-do-right")) }
                } @else {
                    table {
                        tr { th { (l.t("layout-module")) } th { (l.t("layout-due")) } }
                        @for t in training {
                            tr {
                                td { (t.title) }
                                td { (t.due) @if t.overdue { " " span.badge.fail { (l.t("layout-overdue")) } } }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("layout-my-spot-check-results")) }
                @if results.is_empty() {
                    p.empty { (l.t("layout-no-spot-check-results-yet")) }
                } @else {
                    table {
                        tr { th { (l.t("layout-date")) } th { (l.t("layout-checklist")) } th.num { (l.t("layout-score")) } th { (l.t("layout-result")) } }
                        @for r in results {
                            tr {
                                td { a href={ "/inspections/" (r.id) } { (r.date) } }
                                td { (r.checklist) }
                                td.num { (r.percent.map(percent).unwrap_or_else(|| "—".into())) }
                                td {
                                    (pass_badge(l, InspectionStatus::Submitted, r.passed, r.critical))
                                    @if !r.acknowledged { " " span.badge.draft { (l.t("layout-to-read")) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
