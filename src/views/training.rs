//! Training pages: my assignments, a module with its quiz, the team view, assigning by
//! hand, and module effectiveness.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use maud::{Markup, PreEscaped, html};

use super::Chrome;
use super::layout::{page, percent};
use crate::domain::Lang;
use crate::domain::training::{
    self, AssignmentReason, AssignmentState, Diagram, Image, Module, ModuleEffect, Progress,
    QuizResult, TodoGroup,
};
use crate::i18n::Localize;

pub fn state_badge(l: Lang, state: AssignmentState) -> Markup {
    let class = match state {
        AssignmentState::Completed => "pass",
        AssignmentState::Overdue => "fail",
        _ => "draft",
    };
    html! { span class={ "badge " (class) } { (l.t(state.label())) } }
}

fn reason_label(l: Lang, reason: AssignmentReason) -> String {
    l.t(training::reason_label(reason))
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

/// A module page's diagram, drawn inline so it is crisp on a phone and in print, with its
/// caption as its accessible name. The SVG is the library's file, which the lint holds to
/// plain drawing elements (no script, links or styles), so it is written as it is.
fn diagram(l: Lang, d: &Diagram) -> Markup {
    let caption = d.caption.get(l);
    html! {
        figure.diagram role="img" aria-label=(caption) data-diagram=(d.key) {
            (PreEscaped(d.svg.as_str()))
            figcaption { (caption) }
        }
    }
}

/// An image the author uploaded, served to whoever may open the module.
fn image(l: Lang, i: &Image) -> Markup {
    html! {
        figure.module-image data-image=(i.file) {
            img src={ "/module-images/" (i.file) } alt=(i.alt.get(l)) loading="lazy";
        }
    }
}

/// A module's pages as staff read them: body, diagrams and uploaded images.
fn module_pages(l: Lang, m: &Module) -> Markup {
    html! {
        @for (n, p) in m.pages.iter().enumerate() {
            section.card.module-page id={ "page-" (n + 1) } {
                h2 { (n + 1) ". " (p.title.get(l)) }
                (body_text(p.body.get(l)))
                @for d in &p.diagrams { (diagram(l, d)) }
                @for i in &p.images { (image(l, i)) }
            }
        }
    }
}

/// The quiz's questions and options (never which are right), `chosen` ticked.
fn quiz_questions(l: Lang, m: &Module, chosen: Option<&Vec<BTreeSet<usize>>>) -> Markup {
    html! {
        @for (q, question) in m.questions.iter().enumerate() {
            fieldset.item {
                legend.text { (q + 1) ". " (question.text.get(l))
                    @if question.multiple { " " span.muted { (l.t("training-choose-all-that-apply")) } }
                }
                ul.ticks {
                    @for (o, option) in question.options.iter().enumerate() {
                        @let checked = chosen.is_some_and(|c| c.get(q).is_some_and(|s| s.contains(&o)));
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
    }
}

/// A module as staff will see it on their phone, for its author: the pages, diagrams,
/// images and the quiz (without its answers, and with nothing to submit).
pub fn module_preview(chrome: &Chrome, m: &Module) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        m.title.get(l),
        "/authoring",
        html! {
            p.notice #module-preview { (l.t("authoring2-module-preview-note")) }
            div.card {
                h1 { (m.title.get(l)) }
                p.muted { (m.minutes) " " (l.t("training-min")) }
                p { (m.summary.get(l)) }
            }
            (module_pages(l, m))
            div.card.quiz {
                h2 { (l.t("training-quiz")) }
                p.muted { (l.t("training-pass-mark")) " " (percent(m.pass_mark)) }
                (quiz_questions(l, m, None))
            }
        },
    )
}

pub struct MyAssignment {
    pub id: i32,
    pub title: String,
    pub minutes: u32,
    pub due: String,
    pub state: AssignmentState,
    pub reason: AssignmentReason,
    pub group: TodoGroup,
    pub progress: Progress,
    /// The module's quiz pass mark, percent.
    pub pass_mark: f64,
}

fn progress_text(l: Lang, a: &MyAssignment) -> String {
    match a.progress {
        Progress::NotOpened => l.t("polish-staff-progress-not-opened"),
        Progress::Opened => l.t("polish-staff-progress-opened"),
        Progress::Tried { attempts, last } => l.t_args(
            "polish-staff-progress-tried",
            &[
                ("attempts", attempts.into()),
                ("last", percent(last).into()),
                ("needed", percent(a.pass_mark).into()),
            ],
        ),
        Progress::Passed { score: Some(score) } => l.t_args(
            "polish-staff-progress-passed",
            &[("score", percent(score).into())],
        ),
        Progress::Passed { score: None } => l.t(AssignmentState::Completed.label()),
    }
}

fn todo_card(l: Lang, a: &MyAssignment) -> Markup {
    html! {
        li.todo data-todo=(a.group.key()) {
            div.todo-head {
                a.todo-title href={ "/training/" (a.id) } { (a.title) }
                (state_badge(l, a.state))
            }
            p.muted {
                (l.t("layout-due")) " " (a.due) " · " (a.minutes) " " (l.t("training-min"))
                " · " (reason_label(l, a.reason))
            }
            div.todo-progress {
                progress max=(Progress::STEPS) value=(a.progress.steps())
                    aria-label=(l.t("polish-staff-progress")) {}
                span { (progress_text(l, a)) }
            }
        }
    }
}

/// The person's own list: open work in groups, what needs doing first; completed work
/// folded away. `mine` is sorted by group, then due date.
fn my_table(l: Lang, mine: &[MyAssignment]) -> Markup {
    let open: Vec<&MyAssignment> = mine
        .iter()
        .filter(|a| a.group != TodoGroup::Completed)
        .collect();
    let done: Vec<&MyAssignment> = mine
        .iter()
        .filter(|a| a.group == TodoGroup::Completed)
        .collect();
    let mut groups: Vec<(TodoGroup, Vec<&MyAssignment>)> = Vec::new();
    for a in open {
        match groups.last_mut() {
            Some((g, list)) if *g == a.group => list.push(a),
            _ => groups.push((a.group, vec![a])),
        }
    }
    html! {
        @if mine.is_empty() {
            p.empty { (l.t("training-no-training-assigned")) }
        } @else {
            @if groups.is_empty() {
                p.ok { (l.t("polish-staff-nothing-to-do")) }
            }
            @for (group, list) in &groups {
                section.todo-group data-group=(group.key()) {
                    h2 { (l.t(group.label())) " (" (list.len()) ")" }
                    ul.todo-list { @for a in list { (todo_card(l, a)) } }
                }
            }
            @if !done.is_empty() {
                details.todo-done {
                    summary { (l.t(TodoGroup::Completed.label())) " (" (done.len()) ")" }
                    ul.todo-list { @for a in &done { (todo_card(l, a)) } }
                }
            }
        }
    }
}

pub fn mine(chrome: &Chrome, mine: &[MyAssignment]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("layout-my-training"),
        "/training",
        html! {
            h1 { (l.t("layout-my-training")) }
            (my_table(l, mine))
        },
    )
}

pub struct TeamRow {
    pub person: String,
    pub title: String,
    pub reason: AssignmentReason,
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
        &l.t("layout-training"),
        "/training",
        html! {
            h1 { (l.t("training-team-training")) }
            p {
                @if can_assign { a.button.primary href="/training/assign" { (l.t("training-assign-training")) } " " }
                @if sees_effect { a.button href="/training/effectiveness" { (l.t("training-training-effectiveness")) } }
            }
            div.grid {
                @for s in [AssignmentState::Overdue, AssignmentState::Assigned, AssignmentState::InProgress, AssignmentState::Completed] {
                    div.tile { strong { (count(s)) } (state_badge(l, s)) }
                }
            }
            @if rows.is_empty() {
                p.empty { (l.t("training-no-training-at-your-sites")) }
            } @else {
                table {
                    tr { th { (l.t("spotcheck-person")) } th { (l.t("layout-module")) } th { (l.t("training-why")) } th { (l.t("layout-due")) } th { (l.t("training-state")) } }
                    @for r in rows {
                        tr {
                            td { (r.person) }
                            td { (r.title) @if r.critical { " " span.badge.critical { (l.t("spotcheck-critical")) } } }
                            td { (reason_label(l, r.reason)) }
                            td { (r.due) }
                            td { (state_badge(l, r.state)) }
                        }
                    }
                }
            }
            @if !mine.is_empty() {
                h2 { (l.t("training-my-own-training")) }
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
            p { a href="/training" { "← " (l.t("layout-my-training")) } }
            div.card {
                h1 { (m.title.get(l)) }
                p.muted {
                    (state_badge(l, state)) " · " (l.t("spotcheck-due")) " " (taking.due)
                    " · " (m.minutes) " " (l.t("training-min")) " · " (l.t("spotcheck-version")) " " (taking.version)
                }
                p { (m.summary.get(l)) }
            }
            @match &feedback {
                Some(QuizFeedback::Missing(message)) => { p.error role="alert" { (message) } }
                Some(QuizFeedback::Graded { result, recheck, .. }) => {
                    @if result.passed {
                        div.ok role="status" {
                            strong { (l.t("training-quiz-passed")) } " " (result.correct) " / " (result.total) " (" (percent(result.percent)) ")"
                            @if *recheck { p { (l.t("training-your-supervisor-will-re-check")) } }
                        }
                    } @else {
                        div.error role="alert" {
                            strong { (l.t("training-not-passed-yet")) } " " (result.correct) " / " (result.total) " "
                            (l.t_args("typed-quiz-score-needed", &[("score", percent(result.percent).into()), ("mark", percent(m.pass_mark).into())]))
                            p { (l.t("training-read-the-pages-again-and")) }
                        }
                    }
                }
                None => {}
            }
            @if let Some(chosen) = graded { (quiz_review(l, m, chosen)) }
            (module_pages(l, m))
            @if state != AssignmentState::Completed {
                form.card.quiz method="post" action={ "/training/" (taking.assignment) "/quiz" } {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    h2 { (l.t("training-quiz")) }
                    p.muted { (l.t("training-pass-mark")) " " (percent(m.pass_mark)) }
                    (quiz_questions(l, m, graded))
                    button.primary.big type="submit" { (l.t("training-submit-quiz")) }
                }
            } @else {
                @if let Some(p) = taking.quiz_percent {
                    p.ok { (l.t_args("typed-completed-with-score", &[("score", percent(p).into())])) }
                }
            }
        },
    )
}

/// After an attempt: each question answered wrong, what was chosen, the right answer,
/// the explanation, and the page that teaches it. Shown only once graded, so the answers
/// are not on the page before the first attempt.
fn quiz_review(l: Lang, m: &Module, chosen: &[BTreeSet<usize>]) -> Markup {
    let options = |q: &crate::domain::training::Question, picked: &BTreeSet<usize>| -> String {
        picked
            .iter()
            .filter_map(|o| q.options.get(*o))
            .map(|o| o.text.get(l))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let wrong: Vec<(usize, &crate::domain::training::Question)> = m
        .questions
        .iter()
        .enumerate()
        .filter(|(q, question)| chosen.get(*q).is_none_or(|c| *c != question.correct()))
        .collect();
    html! {
        @if !wrong.is_empty() {
            section.card.quiz-review {
                h2 { (l.t_args("polish-staff-wrong-answers", &[("count", wrong.len().into())])) }
                @for (q, question) in &wrong {
                    div.item.wrong-answer data-question=(q + 1) {
                        p.text { (q + 1) ". " (question.text.get(l)) }
                        p.your-answer { span.badge.fail { (l.t("polish-staff-your-answer")) } " "
                            (chosen.get(*q).map(|c| options(question, c)).unwrap_or_default()) }
                        p.right-answer { span.badge.pass { (l.t("polish-staff-right-answer")) } " "
                            (options(question, &question.correct())) }
                        @if let Some(why) = &question.explanation { p.muted { (why.get(l)) } }
                        @if let Some(n) = m.teaching_page(*q) {
                            p.teaching-page { (l.t("polish-staff-read-again")) " "
                                a href={ "#page-" (n + 1) } { (n + 1) ". " (m.pages[n].title.get(l)) } }
                        }
                    }
                }
            }
        }
    }
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
        &l.t("training-assign-training"),
        "/training",
        html! {
            p { a href="/training" { "← " (l.t("training-team-training")) } }
            h1 { (l.t("training-assign-training")) }
            @if let Some(n) = f.done { p.ok role="status" { (l.t_args("polish-quality-assigned-to", &[("count", n.into())])) } }
            @for e in &f.errors { p.error role="alert" { (e) } }
            @if f.sites.is_empty() {
                p.empty { (l.t("training-you-do-not-manage-any")) }
            } @else {
                form.card method="post" action="/training/assign" {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    label { (l.t("layout-module"))
                        select name="module" required {
                            option value="" { "—" }
                            @for (key, title) in &f.modules { option value=(key) { (title) } }
                        }
                    }
                    fieldset {
                        legend { (l.t("training-who")) }
                        label.choice.na { input type="radio" name="target" value="person" checked; span { (l.t("training-one-person")) } }
                        label.choice.na { input type="radio" name="target" value="site"; span { (l.t("training-everyone-at-a-site")) } }
                        label.choice.na { input type="radio" name="target" value="position"; span { (l.t("training-a-position-at-a-site")) } }
                    }
                    label { (l.t("spotcheck-person"))
                        select name="person" {
                            option value="" { "—" }
                            @for (id, name) in &f.people { option value=(id) { (name) } }
                        }
                    }
                    label { (l.t("spotcheck-site"))
                        select name="site" {
                            option value="" { "—" }
                            @for (id, name) in &f.sites { option value=(id) { (name) } }
                        }
                    }
                    label { (l.t("training-position"))
                        select name="position" {
                            option value="" { "—" }
                            @for (key, name) in &f.positions { option value=(key) { (name) } }
                        }
                    }
                    label { (l.t("training-due-date")) input type="date" name="due" value=(f.default_due) min=(f.due_range.0) max=(f.due_range.1) required; }
                    button.primary.big type="submit" { (l.t("training-assign")) }
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
        &l.t("training-training-effectiveness"),
        "/training",
        html! {
            p { a href="/training" { "← " (l.t("training-team-training")) } }
            h1 { (l.t("training-training-effectiveness")) }
            p.muted { (l.t("training-re-checks-after-the-training")) }
            @if rows.is_empty() {
                p.empty { (l.t("training-no-re-checks-done-yet")) }
            } @else {
                table {
                    tr {
                        th { (l.t("layout-module")) } th.num { (l.t("inspections-re-checks")) } th.num { (l.t("training-passed")) }
                        th.num { (l.t("training-before")) } th.num { (l.t("training-after")) } th.num { (l.t("training-change")) }
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
