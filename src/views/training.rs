//! Training pages: my assignments, a module with its quiz, the team view, assigning by
//! hand, and module effectiveness.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use maud::{Markup, html};

use super::Chrome;
use super::layout::{page, percent};
use crate::domain::Lang;
use crate::domain::training::{AssignmentState, Module, ModuleEffect, QuizResult};

pub fn state_badge(l: Lang, state: AssignmentState) -> Markup {
    let (zh, en) = state.label();
    let class = match state {
        AssignmentState::Completed => "pass",
        AssignmentState::Overdue => "fail",
        _ => "draft",
    };
    html! { span class={ "badge " (class) } { (l.pick(zh, en)) } }
}

fn reason_label(l: Lang, reason: &str) -> &'static str {
    match reason {
        "failure" => l.pick("抽查不合格", "After a failed item"),
        "curriculum" => l.pick("新員工課程", "New-hire curriculum"),
        _ => l.pick("主管安排", "Assigned by a manager"),
    }
}

/// Paragraphs and "- " bullets, as the library writes page bodies.
pub fn body_text(text: &str) -> Markup {
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    html! {
        @for block in blocks {
            @let lines: Vec<&str> = block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            @if lines.iter().all(|l| l.starts_with("- ")) {
                ul { @for line in &lines { li { (line.trim_start_matches("- ")) } } }
            } @else {
                @for line in &lines {
                    @if let Some(item) = line.strip_prefix("- ") { ul { li { (item) } } } @else { p { (line) } }
                }
            }
        }
    }
}

pub struct MyAssignment {
    pub id: i32,
    pub title: String,
    pub minutes: u32,
    pub due: String,
    pub state: AssignmentState,
    pub reason: String,
    pub quiz_percent: Option<f64>,
}

fn my_table(l: Lang, mine: &[MyAssignment]) -> Markup {
    html! {
        @if mine.is_empty() {
            p.empty { (l.pick("目前沒有培訓。", "No training assigned.")) }
        } @else {
            table {
                tr { th { (l.pick("課程", "Module")) } th { (l.pick("原因", "Why")) } th { (l.pick("到期", "Due")) } th { (l.pick("狀態", "State")) } }
                @for a in mine {
                    tr {
                        td {
                            a href={ "/training/" (a.id) } { (a.title) }
                            br; span.muted { (a.minutes) " " (l.pick("分鐘", "min")) }
                        }
                        td { (reason_label(l, &a.reason)) }
                        td { (a.due) }
                        td {
                            (state_badge(l, a.state))
                            @if let Some(p) = a.quiz_percent { " " span.muted { (percent(p)) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn mine(chrome: &Chrome, mine: &[MyAssignment]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("我的培訓", "My training"),
        "/training",
        html! {
            h1 { (l.pick("我的培訓", "My training")) }
            (my_table(l, mine))
        },
    )
}

pub struct TeamRow {
    pub person: String,
    pub title: String,
    pub reason: String,
    pub due: String,
    pub state: AssignmentState,
    pub critical: bool,
}

pub fn team(
    chrome: &Chrome,
    mine: &[MyAssignment],
    rows: &[TeamRow],
    can_assign: bool,
    sees_effect: bool,
) -> Markup {
    let l = chrome.lang;
    let count = |s: AssignmentState| rows.iter().filter(|r| r.state == s).count();
    page(
        chrome,
        l.pick("培訓", "Training"),
        "/training",
        html! {
            h1 { (l.pick("團隊培訓", "Team training")) }
            p {
                @if can_assign { a.button.primary href="/training/assign" { (l.pick("安排培訓", "Assign training")) } " " }
                @if sees_effect { a.button href="/training/effectiveness" { (l.pick("培訓成效", "Training effectiveness")) } }
            }
            div.grid {
                @for s in [AssignmentState::Overdue, AssignmentState::Assigned, AssignmentState::InProgress, AssignmentState::Completed] {
                    div.tile { strong { (count(s)) } (state_badge(l, s)) }
                }
            }
            @if rows.is_empty() {
                p.empty { (l.pick("你的場所還沒有培訓記錄。", "No training at your sites yet.")) }
            } @else {
                table {
                    tr { th { (l.pick("員工", "Person")) } th { (l.pick("課程", "Module")) } th { (l.pick("原因", "Why")) } th { (l.pick("到期", "Due")) } th { (l.pick("狀態", "State")) } }
                    @for r in rows {
                        tr {
                            td { (r.person) }
                            td { (r.title) @if r.critical { " " span.badge.critical { (l.pick("關鍵", "Critical")) } } }
                            td { (reason_label(l, &r.reason)) }
                            td { (r.due) }
                            td { (state_badge(l, r.state)) }
                        }
                    }
                }
            }
            @if !mine.is_empty() {
                h2 { (l.pick("我的培訓", "My own training")) }
                (my_table(l, mine))
            }
        },
    )
}

pub enum QuizFeedback {
    Missing(String),
    Graded {
        result: QuizResult,
        chosen: Vec<BTreeSet<usize>>,
        recheck: bool,
    },
}

/// An assignment being taken: what its page shows of the assignment and the module.
pub struct Taking<'a> {
    pub assignment: i32,
    pub due: NaiveDate,
    pub state: AssignmentState,
    /// The score of the quiz, once passed.
    pub quiz_percent: Option<f64>,
    pub module: &'a Module,
    pub version: i32,
}

pub fn take(chrome: &Chrome, taking: &Taking, feedback: Option<QuizFeedback>) -> Markup {
    let l = chrome.lang;
    let m = taking.module;
    let state = taking.state;
    let graded = match &feedback {
        Some(QuizFeedback::Graded { chosen, .. }) => Some(chosen),
        _ => None,
    };
    page(
        chrome,
        m.title.get(l),
        "/training",
        html! {
            p { a href="/training" { "← " (l.pick("我的培訓", "My training")) } }
            div.card {
                h1 { (m.title.get(l)) }
                p.muted {
                    (state_badge(l, state)) " · " (l.pick("到期", "due")) " " (taking.due)
                    " · " (m.minutes) " " (l.pick("分鐘", "min")) " · " (l.pick("版本", "version")) " " (taking.version)
                }
                p { (m.summary.get(l)) }
            }
            @match &feedback {
                Some(QuizFeedback::Missing(message)) => { p.error role="alert" { (message) } }
                Some(QuizFeedback::Graded { result, recheck, .. }) => {
                    @if result.passed {
                        div.ok role="status" {
                            strong { (l.pick("測驗合格！", "Quiz passed!")) } " " (result.correct) " / " (result.total) " (" (percent(result.percent)) ")"
                            @if *recheck { p { (l.pick("主管會安排一次複查，確認你已掌握這些要求。", "Your supervisor will re-check these items with you soon.")) } }
                        }
                    } @else {
                        div.error role="alert" {
                            strong { (l.pick("未達合格分數", "Not passed yet")) } " " (result.correct) " / " (result.total)
                            " (" (percent(result.percent)) (l.pick("，需要 ", "; ")) (percent(m.pass_mark)) (l.pick("", " needed")) ")"
                            p { (l.pick("請重溫內容後再試一次。", "Read the pages again and retake the quiz.")) }
                        }
                    }
                }
                None => {}
            }
            @for (n, p) in m.pages.iter().enumerate() {
                section.card {
                    h2 { (n + 1) ". " (p.title.get(l)) }
                    (body_text(p.body.get(l)))
                }
            }
            @if state != AssignmentState::Completed {
                form.card method="post" action={ "/training/" (taking.assignment) "/quiz" } {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    h2 { (l.pick("測驗", "Quiz")) }
                    p.muted { (l.pick("合格分數", "Pass mark")) " " (percent(m.pass_mark)) }
                    @for (q, question) in m.questions.iter().enumerate() {
                        fieldset.item {
                            legend.text { (q + 1) ". " (question.text.get(l))
                                @if question.multiple { " " span.muted { (l.pick("（可選多項）", "(choose all that apply)")) } }
                            }
                            ul.ticks {
                                @for (o, option) in question.options.iter().enumerate() {
                                    @let checked = graded.is_some_and(|c| c.get(q).is_some_and(|s| s.contains(&o)));
                                    li { label {
                                        @if question.multiple {
                                            input type="checkbox" name={ "q." (q) } value=(o) checked[checked];
                                        } @else {
                                            input type="radio" name={ "q." (q) } value=(o) checked[checked];
                                        }
                                        span { (option.text.get(l)) }
                                    } }
                                }
                            }
                        }
                    }
                    button.primary.big type="submit" { (l.pick("提交測驗", "Submit quiz")) }
                }
            } @else {
                @if let Some(p) = taking.quiz_percent {
                    p.ok { (l.pick("已完成，測驗成績 ", "Completed with a quiz score of ")) (percent(p)) }
                }
            }
        },
    )
}

pub struct AssignForm {
    pub modules: Vec<(String, String)>,
    pub people: Vec<(i32, String)>,
    pub sites: Vec<(i32, String)>,
    pub positions: Vec<(String, String)>,
    pub default_due: String,
    /// The earliest and latest due date accepted.
    pub due_range: (chrono::NaiveDate, chrono::NaiveDate),
    pub errors: Vec<String>,
    pub done: Option<usize>,
}

pub fn assign(chrome: &Chrome, f: &AssignForm) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("安排培訓", "Assign training"),
        "/training",
        html! {
            p { a href="/training" { "← " (l.pick("團隊培訓", "Team training")) } }
            h1 { (l.pick("安排培訓", "Assign training")) }
            @if let Some(n) = f.done { p.ok role="status" { (l.pick("已安排 ", "Assigned to ")) (n) (l.pick(" 人（已有此課程的人不會重複安排）。", " people (those who already have it open are skipped).")) } }
            @for e in &f.errors { p.error role="alert" { (e) } }
            @if f.sites.is_empty() {
                p.empty { (l.pick("你沒有管理任何場所。", "You do not manage any site.")) }
            } @else {
                form.card method="post" action="/training/assign" {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    label { (l.pick("課程", "Module"))
                        select name="module" required {
                            option value="" { "—" }
                            @for (key, title) in &f.modules { option value=(key) { (title) } }
                        }
                    }
                    fieldset {
                        legend { (l.pick("對象", "Who")) }
                        label.choice.na { input type="radio" name="target" value="person" checked; span { (l.pick("一位員工", "One person")) } }
                        label.choice.na { input type="radio" name="target" value="site"; span { (l.pick("場所全部員工", "Everyone at a site")) } }
                        label.choice.na { input type="radio" name="target" value="position"; span { (l.pick("場所內某崗位", "A position at a site")) } }
                    }
                    label { (l.pick("員工", "Person"))
                        select name="person" {
                            option value="" { "—" }
                            @for (id, name) in &f.people { option value=(id) { (name) } }
                        }
                    }
                    label { (l.pick("場所", "Site"))
                        select name="site" {
                            option value="" { "—" }
                            @for (id, name) in &f.sites { option value=(id) { (name) } }
                        }
                    }
                    label { (l.pick("崗位", "Position"))
                        select name="position" {
                            option value="" { "—" }
                            @for (key, name) in &f.positions { option value=(key) { (name) } }
                        }
                    }
                    label { (l.pick("到期日", "Due date")) input type="date" name="due" value=(f.default_due) min=(f.due_range.0) max=(f.due_range.1) required; }
                    button.primary.big type="submit" { (l.pick("安排", "Assign")) }
                }
            }
        },
    )
}

pub struct EffectRow {
    pub title: String,
    pub effect: ModuleEffect,
}

pub fn effectiveness(chrome: &Chrome, rows: &[EffectRow]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("培訓成效", "Training effectiveness"),
        "/training",
        html! {
            p { a href="/training" { "← " (l.pick("團隊培訓", "Team training")) } }
            h1 { (l.pick("培訓成效", "Training effectiveness")) }
            p.muted { (l.pick("完成培訓後的複查：複查合格的比例，以及同一批項目在培訓前後的得分。",
                             "Re-checks after the training: the share passed, and the score on the same items before and after.")) }
            @if rows.is_empty() {
                p.empty { (l.pick("還沒有完成的複查。", "No re-checks done yet.")) }
            } @else {
                table {
                    tr {
                        th { (l.pick("課程", "Module")) } th.num { (l.pick("複查", "Re-checks")) } th.num { (l.pick("合格率", "Passed")) }
                        th.num { (l.pick("培訓前", "Before")) } th.num { (l.pick("培訓後", "After")) } th.num { (l.pick("變化", "Change")) }
                    }
                    @for r in rows {
                        tr {
                            td { (r.title) }
                            td.num { (r.effect.rechecks) }
                            td.num { (percent(r.effect.pass_rate)) }
                            td.num { (percent(r.effect.mean_before)) }
                            td.num { (percent(r.effect.mean_after)) }
                            td.num { (format!("{:+.1}", r.effect.change)) }
                        }
                    }
                }
            }
        },
    )
}
