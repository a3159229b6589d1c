//! The authoring pages: the library's checklists and modules with the proposals under
//! review, the TOML editor with its lint problems and preview, and a proposal with its
//! diff against the published version, what it reaches and the review form.

use maud::{Markup, html};

use super::Chrome;
use super::admin::diff_body;
use super::layout::ASSET_VERSION;
use super::layout::page;
use crate::domain::authoring::{DiffRow, Excluded, Problem, Reach};
use crate::domain::checklist::{Checklist, ContextKind, Item};
use crate::domain::diff::ChecklistDiff;
use crate::domain::scoring::Context;
use crate::domain::{Lang, Value};
use crate::i18n::Localize;

/// The editor's script: lint as you type, line numbers.
pub const AUTHORING_JS: &str = include_str!("../../static/authoring.js");

/// One proposal in a list.
pub struct ProposalRow {
    pub id: i32,
    pub key: String,
    /// The message id of its state.
    pub status: &'static str,
    /// Still waiting for a reviewer.
    pub open: bool,
    pub reason: String,
}

pub fn index(chrome: &Chrome, links: &[(String, String)], proposals: &[ProposalRow]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("authoring-title"),
        "/authoring",
        html! {
            h1 { (l.t("authoring-title")) }
            section.card {
                h2 { (l.t("authoring-proposals")) }
                @if proposals.is_empty() {
                    p.empty { (l.t("authoring-no-proposals")) }
                } @else {
                    table #proposals {
                        tr { th { "#" } th { (l.t("authoring-key")) } th { (l.t("authoring-state")) } th { (l.t("authoring-reason")) } }
                        @for p in proposals {
                            tr.open[p.open] {
                                td { a href={ "/authoring/proposals/" (p.id) } { (p.id) } }
                                td { code { (p.key) } }
                                td { (l.t(p.status)) }
                                td { (p.reason) }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("authoring-new")) }
                form #new-from method="get" action="/authoring/new" {
                    label { (l.t("authoring-new-kind"))
                        select name="kind" {
                            option value="checklists" { (l.t("authoring-reach-checklists")) }
                            option value="modules" { (l.t("authoring-reach-modules")) }
                        }
                    }
                    label { (l.t("authoring-new-key")) input type="text" name="key" required pattern="[a-z0-9-]+"; }
                    label { (l.t("authoring-new-from"))
                        select name="from" {
                            option value="template" { (l.t("authoring2-from-template")) }
                            @for (_, key) in links { option value=(key) { (key) } }
                        }
                    }
                    button type="submit" { (l.t("authoring-new-start")) }
                }
            }
            section.card {
                h2 { (l.t("authoring-library")) }
                ul #library-files {
                    @for (href, key) in links {
                        li { a href=(href) { code { (key) } } }
                    }
                }
            }
        },
    )
}

/// The editor of one checklist or module.
pub struct EditorView<'a> {
    pub key: &'a str,
    pub is_checklist: bool,
    /// Where the proposal is posted.
    pub action: &'a str,
    pub lint_url: &'a str,
    pub rollback_url: &'a str,
    /// The published checklist as an Excel workbook.
    pub workbook_url: &'a str,
    /// Where an edited workbook (or a TOML file) is uploaded as a proposal.
    pub upload_url: &'a str,
    /// The newest published version, if any (a rollback picks an earlier one).
    pub published: Option<i32>,
    pub preview_url: &'a str,
    pub source: &'a str,
    pub reason: &'a str,
    /// Problems found when a proposal was refused.
    pub problems: &'a [Problem],
}

fn problem_list(l: Lang, problems: &[Problem]) -> Markup {
    html! {
        ul #lint-problems.problems role="status" aria-live="polite" {
            @for p in problems {
                li data-line=(p.line) {
                    @if p.line > 0 {
                        span.at { (l.t_args("authoring-at", &[("line", p.line.into()), ("column", p.column.into())])) }
                        " "
                    }
                    (p.message.say(l))
                }
            }
        }
    }
}

pub fn editor(chrome: &Chrome, v: &EditorView) -> Markup {
    let l = chrome.lang;
    let title = format!("{} · {}", l.t("authoring-edit"), v.key);
    let lines = v.source.lines().count().max(1);
    page(
        chrome,
        &title,
        "/authoring",
        html! {
            p { a href="/authoring" { "← " (l.t("authoring-title")) } }
            h1 { (title) }
            form #authoring-editor method="post" action=(v.action) data-lint-url=(v.lint_url) {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                div.editor {
                    pre.gutter #editor-gutter aria-hidden="true" {
                        @for n in 1..=lines { (n) "\n" }
                    }
                    textarea #source name="source" rows="30" spellcheck="false" autocomplete="off"
                        aria-label=(l.t("authoring-source")) { (v.source) }
                }
                p #lint-state.muted data-clean=(l.t("authoring-lint-clean")) data-checking=(l.t("authoring-lint-checking"))
                    data-problems=(l.t("authoring-lint-problems")) {
                    @if v.problems.is_empty() { (l.t("authoring-lint-hint")) } @else { (l.t("authoring-lint-problems")) }
                }
                (problem_list(l, v.problems))
                @if v.is_checklist {
                    fieldset.preview {
                        legend { (l.t("authoring-preview")) }
                        label { (l.t("authoring-preview-gender"))
                            select name="gender" {
                                option value="" { "—" }
                                option value="female" { (l.t("authoring-female")) }
                                option value="male" { (l.t("authoring-male")) }
                            }
                        }
                        label { (l.t("authoring-preview-position"))
                            input type="text" name="position" autocomplete="off";
                        }
                        button type="submit" #preview-button formaction=(v.preview_url) formtarget="_blank" formnovalidate {
                            (l.t("authoring-show-preview"))
                        }
                        p.muted { (l.t("authoring-preview-hint")) }
                    }
                } @else {
                    fieldset.preview {
                        legend { (l.t("authoring-preview")) }
                        button type="submit" #preview-button formaction=(v.preview_url) formtarget="_blank" formnovalidate {
                            (l.t("authoring2-show-module-preview"))
                        }
                    }
                }
                label { (l.t("authoring-reason"))
                    input type="text" name="reason" value=(v.reason) required maxlength="500";
                }
                button.primary type="submit" #propose-button { (l.t("authoring-propose")) }
            }
            @if !v.is_checklist {
                form.card #image-upload method="post" action={ (v.action) "/images" } enctype="multipart/form-data" {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    h2 { (l.t("authoring2-image-upload")) }
                    p.muted { (l.t("authoring2-image-upload-hint")) }
                    label { (l.t("authoring2-image-file"))
                        input type="file" name="image" accept="image/jpeg,image/png,image/webp" required;
                    }
                    button type="submit" #image-upload-button { (l.t("authoring2-image-upload-button")) }
                }
            }
            section.card #workbook {
                h2 { (l.t("xlsx-title")) }
                @if v.is_checklist && v.published.is_some() {
                    p { a #workbook-download href=(v.workbook_url) download { (l.t("xlsx-download")) } }
                }
                p.muted { (l.t(if v.is_checklist { "xlsx-upload-hint" } else { "xlsx-upload-hint-toml" })) }
                form #workbook-upload method="post" action=(v.upload_url) enctype="multipart/form-data" {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    label { (l.t("xlsx-file"))
                        input type="file" name="file" required
                            accept=(if v.is_checklist { ".xlsx,.toml" } else { ".toml" });
                    }
                    label { (l.t("authoring-reason"))
                        input type="text" name="reason" required maxlength="500";
                    }
                    button type="submit" { (l.t("xlsx-upload")) }
                }
            }
            @if let Some(published) = v.published.filter(|n| *n > 1) {
                form.card #rollback method="post" action=(v.rollback_url) {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    p.muted { (l.t_args("authoring-published-version", &[("version", published.into())])) }
                    label { (l.t("authoring-rollback-to"))
                        select name="version" {
                            @for n in (1..published).rev() { option value=(n) { "v" (n) } }
                        }
                    }
                    button type="submit" { (l.t("authoring-rollback")) }
                }
            }
            script src={ "/static/authoring.js?v=" (*ASSET_VERSION) } defer {}
        },
    )
}

/// One proposal, as its reviewers see it.
pub struct ProposalView<'a> {
    pub row: ProposalRow,
    /// `checklists` or `modules`, for the link back to the editor.
    pub kind_segment: &'a str,
    pub author: &'a str,
    pub reviewer: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub published_version: Option<i32>,
    pub source: &'a str,
    /// Problems the text has against today's library (approving is refused while any).
    pub problems: &'a [Problem],
    /// The published version it is compared with, and what changed.
    pub diff: Option<(i32, &'a ChecklistDiff)>,
    /// For a module: its published version and the text beside the proposed one.
    pub text_diff: Option<(i32, &'a [DiffRow])>,
    pub reach: &'a Reach,
    /// Whether this viewer may approve it (not its author, unless allowed).
    pub may_approve: bool,
    pub lang: Lang,
}

pub fn proposal(chrome: &Chrome, v: &ProposalView) -> Markup {
    let l = v.lang;
    let p = &v.row;
    let title = format!("{} #{} · {}", l.t("authoring-proposal"), p.id, p.key);
    let list = |items: &[String]| -> Markup {
        html! {
            @if items.is_empty() { "—" } @else {
                @for (n, k) in items.iter().enumerate() { @if n > 0 { ", " } code { (k) } }
            }
        }
    };
    page(
        chrome,
        &title,
        "/authoring",
        html! {
            p { a href="/authoring" { "← " (l.t("authoring-title")) } }
            h1 { (title) }
            section.card #proposal-summary {
                p { strong { (l.t("authoring-state")) ": " } span #proposal-state { (l.t(p.status)) }
                    @if let Some(version) = v.published_version { " · v" (version) } }
                p { strong { (l.t("authoring-author")) ": " } (v.author) }
                p { strong { (l.t("authoring-reason")) ": " } (p.reason) }
                @if let Some(reviewer) = v.reviewer { p { strong { (l.t("authoring-reviewer")) ": " } (reviewer) } }
                @if let Some(comment) = v.comment { p #review-comment { strong { (l.t("authoring-comment")) ": " } (comment) } }
                p { a href={ "/authoring/" (v.kind_segment) "/" (p.key) } { (l.t("authoring-open-editor")) } }
            }
            section.card #reach {
                h2 { (l.t("authoring-reach")) }
                p { strong { (l.t("authoring-reach-checklists")) ": " } (list(&v.reach.checklists)) }
                p { strong { (l.t("authoring-reach-modules")) ": " } (list(&v.reach.modules)) }
                p { strong { (l.t("authoring-reach-curricula")) ": " } (list(&v.reach.curricula)) }
            }
            @if !v.problems.is_empty() {
                section.card { h2 { (l.t("authoring-lint-problems")) } (problem_list(l, v.problems)) }
            }
            section.card #proposal-diff {
                @match v.diff {
                    Some((version, d)) => {
                        h2 { (l.t("authoring-against-published")) " v" (version) }
                        (diff_body(l, d, &format!("v{version}"), &l.t("authoring-proposed")))
                    }
                    None => {
                        @match v.text_diff {
                            Some((version, rows)) => {
                                h2 { (l.t("authoring-against-published")) " v" (version) }
                                (side_by_side(l, rows, &format!("v{version}"), &l.t("authoring-proposed")))
                            }
                            None => { p.muted { (l.t("authoring-no-published")) } }
                        }
                    }
                }
            }
            @if p.open {
                section.card #review {
                    h2 { (l.t("authoring-review")) }
                    @if v.may_approve {
                        form method="post" action={ "/authoring/proposals/" (p.id) "/review" } {
                            input type="hidden" name="_csrf" value=(chrome.csrf);
                            input type="hidden" name="decision" value="approve";
                            button.primary type="submit" #approve-button { (l.t("authoring-approve")) }
                        }
                    } @else {
                        p.muted #no-self-approval { (l.t("authoring-no-self-approval")) }
                    }
                    form method="post" action={ "/authoring/proposals/" (p.id) "/review" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        input type="hidden" name="decision" value="send_back";
                        label { (l.t("authoring-comment"))
                            input type="text" name="comment" required maxlength="1000";
                        }
                        button type="submit" #send-back-button { (l.t("authoring-send-back")) }
                    }
                }
            }
            details {
                summary { (l.t("authoring-source")) }
                pre.source { (v.source) }
            }
        },
    )
}

/// Two texts line by line, side by side, changed lines marked; runs of unchanged lines
/// longer than six are folded to their first and last three.
fn side_by_side(l: Lang, rows: &[DiffRow], old_head: &str, new_head: &str) -> Markup {
    let changed: Vec<usize> = (0..rows.len()).filter(|&n| rows[n].changed()).collect();
    let near = |n: usize| changed.iter().any(|&c| c.abs_diff(n) <= 3);
    let cell = |side: &Option<(usize, String)>| -> Markup {
        html! {
            @match side {
                Some((n, text)) => { td.line-no { (n) } td.code { (text) } }
                None => { td.line-no {} td.code.absent {} }
            }
        }
    };
    html! {
        @if changed.is_empty() {
            p.empty { (l.t("admin-the-two-versions-are-the")) }
        } @else {
            p.muted { (l.t_args("authoring2-lines-changed", &[("count", changed.len().into())])) }
            div.table-scroll {
                table.diff.side-by-side #text-diff {
                    tr { th colspan="2" { (old_head) } th colspan="2" { (new_head) } }
                    @for (n, row) in rows.iter().enumerate() {
                        @if near(n) {
                            tr.changed[row.changed()] { (cell(&row.old)) (cell(&row.new)) }
                        } @else if n == 0 || near(n - 1) {
                            tr.folded { td colspan="4" { "⋯" } }
                        }
                    }
                }
            }
        }
    }
}

/// The preview's picks: who is checked and in what context, each item with whether it
/// applies and why not.
pub struct PreviewPicks<'a> {
    pub action: &'a str,
    pub source: &'a str,
    pub checklist: &'a Checklist,
    pub gender: Option<&'a str>,
    pub position: Option<&'a str>,
    /// Real people of the viewer's sites (id, "name (position)"), and the one picked.
    pub people: Vec<(i32, String)>,
    pub person: Option<i32>,
    pub context: &'a Context,
    pub items: Vec<(&'a Item, Option<Excluded>)>,
}

/// Above the previewed tablet form: the picker of person and context (posting the same
/// text again), and which items apply to that pick and which do not, with the reason.
pub fn preview_picker(chrome: &Chrome, p: &PreviewPicks) -> Markup {
    let l = chrome.lang;
    let value = |key: &str| p.context.get(key).map(Value::to_string);
    let applying = p.items.iter().filter(|(_, why)| why.is_none()).count();
    html! {
        form.card #preview-picker method="post" action=(p.action) {
            input type="hidden" name="_csrf" value=(chrome.csrf);
            textarea name="source" hidden { (p.source) }
            h2 { (l.t("authoring2-preview-picks")) }
            div.context-fields {
                label { (l.t("authoring2-preview-person"))
                    select name="person" {
                        option value="" { (l.t("authoring2-preview-no-person")) }
                        @for (id, name) in &p.people {
                            option value=(id) selected[p.person == Some(*id)] { (name) }
                        }
                    }
                }
                label { (l.t("authoring-preview-gender"))
                    select name="gender" {
                        option value="" { "—" }
                        option value="female" selected[p.gender == Some("female")] { (l.t("authoring-female")) }
                        option value="male" selected[p.gender == Some("male")] { (l.t("authoring-male")) }
                    }
                }
                label { (l.t("authoring-preview-position"))
                    select name="position" {
                        option value="" { "—" }
                        @for pos in &p.checklist.positions {
                            option value=(pos) selected[p.position == Some(pos.as_str())] { (pos) }
                        }
                    }
                }
                @for field in &p.checklist.context {
                    @let current = value(&field.key);
                    label { (field.label.get(l))
                        @match &field.kind {
                            ContextKind::Choice { options, .. } => {
                                select name={ "ctx." (field.key) } {
                                    @for o in options {
                                        option value=(o.value) selected[current.as_deref() == Some(o.value.as_str())] { (o.label.get(l)) }
                                    }
                                }
                            }
                            ContextKind::Number { min, max, .. } => {
                                input type="number" name={ "ctx." (field.key) } min=(min) max=(max) step="any" value=[current.as_deref()];
                            }
                        }
                    }
                }
            }
            button type="submit" #preview-again { (l.t("authoring-show-preview")) }
        }
        section.card #preview-applies {
            h2 { (l.t_args("authoring2-items-apply", &[("count", applying.into()), ("total", p.items.len().into())])) }
            table {
                tr { th { (l.t("authoring2-item")) } th { (l.t("authoring2-applies")) } }
                @for (item, why) in &p.items {
                    tr data-item=(item.key) data-applies=(if why.is_none() { "yes" } else { "no" }) {
                        td { code { (item.key) } " " (item.text.get(l)) }
                        td {
                            @match why {
                                None => { (l.t("authoring2-applies-yes")) }
                                Some(e) => {
                                    (l.t("authoring2-applies-no")) ": "
                                    @match &e.got {
                                        Some(got) => { (l.t_args("authoring2-excluded-because", &[("field", e.field.clone().into()), ("got", got.clone().into()), ("wants", e.wants.clone().into())])) }
                                        None => { (l.t_args("authoring2-excluded-unset", &[("field", e.field.clone().into()), ("wants", e.wants.clone().into())])) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// After an image upload: the stored name, the image itself, and the snippet to paste.
pub fn image_uploaded(chrome: &Chrome, editor: &str, file: &str, snippet: &str) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("authoring2-image-uploaded"),
        "/authoring",
        html! {
            p { a href=(editor) { "← " (l.t("authoring-open-editor")) } }
            h1 { (l.t("authoring2-image-uploaded")) }
            section.card {
                p { (l.t("authoring2-image-paste")) }
                pre.source #image-snippet { (snippet) }
                figure.module-image { img src={ "/module-images/" (file) } alt=(file); }
            }
        },
    )
}
