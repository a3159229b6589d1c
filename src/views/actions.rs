//! Corrective action pages: the list of one's own and one's sites' actions with the
//! overdue counts per site, one action with its close, verify and reopen forms, the
//! panel on the home page, and the blocks the result page shows (actions, signatures).

use crate::i18n::Localize;
use maud::{Markup, html};

use super::Chrome;
use super::layout::page;
use crate::domain::Lang;

/// One action as a list or the result page shows it.
pub struct ActionRow {
    pub id: i32,
    pub item: String,
    pub text: String,
    pub site: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    /// `low`, `normal`, `high`.
    pub priority: &'static str,
    /// `open`, `closed`, `verified`.
    pub status: &'static str,
}

/// One action in full, with what the viewer may do to it.
pub struct ActionPage {
    pub row: ActionRow,
    pub inspection: String,
    pub raised_by: String,
    pub photo_required: bool,
    pub close_note: Option<String>,
    pub closed: Option<String>,
    pub photo: Option<String>,
    pub verified: Option<String>,
    pub may_close: bool,
    pub may_verify: bool,
}

/// Overdue open actions at one site.
pub struct OverdueSite {
    pub site: String,
    pub count: u64,
}

fn status_badge(l: Lang, status: &str) -> Markup {
    let class = match status {
        "verified" => "badge pass",
        "closed" => "badge",
        _ => "badge warn",
    };
    html! { span class=(class) { (l.t(&format!("actions-status-{status}"))) } }
}

fn table(l: Lang, rows: &[ActionRow]) -> Markup {
    html! {
        table.actions {
            tr {
                th { (l.t("actions-what")) } th { (l.t("actions-site")) } th { (l.t("actions-owner")) }
                th { (l.t("actions-due")) } th { (l.t("actions-priority")) } th { (l.t("actions-status")) }
            }
            @for r in rows {
                tr data-action=(r.id) {
                    td { a href={ "/actions/" (r.id) } { (r.text) } br; span.muted { (r.item) } }
                    td { (r.site) }
                    td { (r.owner) }
                    td { (r.due) @if r.overdue { " " span.badge.fail { (l.t("actions-overdue")) } } }
                    td { (l.t(&format!("actions-priority-{}", r.priority))) }
                    td { (status_badge(l, r.status)) }
                }
            }
        }
    }
}

fn overdue_table(l: Lang, sites: &[OverdueSite]) -> Markup {
    html! {
        table.overdue-actions {
            tr { th { (l.t("actions-site")) } th.num { (l.t("actions-overdue-count")) } }
            @for s in sites {
                tr { td { (s.site) } td.num { (s.count) } }
            }
        }
    }
}

/// The home page's block: the viewer's open actions and, for those who watch sites, the
/// overdue counts per site. Nothing when there is nothing to show.
pub fn panel(l: Lang, mine: &[ActionRow], overdue: Option<&[OverdueSite]>) -> Markup {
    let overdue = overdue.filter(|o| !o.is_empty());
    html! {
        @if !mine.is_empty() || overdue.is_some() {
            section.card #my-actions {
                h2 { (l.t("actions-my-open")) " (" (mine.len()) ")" }
                @if !mine.is_empty() { (table(l, mine)) }
                @if let Some(sites) = overdue {
                    h3 { (l.t("actions-overdue-per-site")) }
                    (overdue_table(l, sites))
                }
                p { a href="/actions" { (l.t("actions-all")) } }
            }
        }
    }
}

/// The quality dashboard's card: overdue actions per site in view.
pub fn overdue_card(l: Lang, sites: &[OverdueSite]) -> Markup {
    html! {
        section.card #overdue-actions-card {
            h2 { (l.t("actions-overdue-per-site")) }
            @if sites.is_empty() { p.empty { (l.t("actions-none-overdue")) } } @else { (overdue_table(l, sites)) }
            p { a href="/actions" { (l.t("actions-all")) } }
        }
    }
}

pub fn list(
    chrome: &Chrome,
    mine: &[ActionRow],
    others: &[ActionRow],
    overdue: Option<&[OverdueSite]>,
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("actions-title"),
        "/actions",
        html! {
            h1 { (l.t("actions-title")) }
            section.card {
                h2 { (l.t("actions-my-open")) }
                @if mine.is_empty() { p.empty { (l.t("actions-none")) } } @else { (table(l, mine)) }
            }
            @if let Some(sites) = overdue {
                section.card {
                    h2 { (l.t("actions-overdue-per-site")) }
                    @if sites.is_empty() { p.empty { (l.t("actions-none-overdue")) } } @else { (overdue_table(l, sites)) }
                }
            }
            section.card {
                h2 { (l.t("actions-in-view")) }
                @if others.is_empty() { p.empty { (l.t("actions-none")) } } @else { (table(l, others)) }
            }
        },
    )
}

pub fn one(chrome: &Chrome, a: &ActionPage) -> Markup {
    let l = chrome.lang;
    let r = &a.row;
    page(
        chrome,
        &l.t("actions-one-title"),
        "/actions",
        html! {
            h1 { (l.t("actions-one-title")) " " (status_badge(l, r.status)) }
            section.card {
                dl {
                    dt { (l.t("actions-what")) } dd #action-text { (r.text) }
                    dt { (l.t("actions-item")) } dd { (r.item) }
                    dt { (l.t("actions-site")) } dd { (r.site) }
                    dt { (l.t("actions-owner")) } dd { (r.owner) }
                    dt { (l.t("actions-due")) } dd { (r.due) @if r.overdue { " " span.badge.fail { (l.t("actions-overdue")) } } }
                    dt { (l.t("actions-priority")) } dd { (l.t(&format!("actions-priority-{}", r.priority))) }
                    dt { (l.t("actions-raised-by")) } dd { (a.raised_by) " · " a href=(a.inspection) { (l.t("actions-the-spot-check")) } }
                    @if let Some(closed) = &a.closed {
                        dt { (l.t("actions-closed-by")) } dd { (closed) }
                    }
                    @if let Some(note) = &a.close_note {
                        dt { (l.t("actions-close-note")) } dd #close-note { (note) }
                    }
                    @if let Some(photo) = &a.photo {
                        dt { (l.t("actions-evidence")) } dd { img.evidence src=(photo) alt=(l.t("actions-evidence")) width="240"; }
                    }
                    @if let Some(verified) = &a.verified {
                        dt { (l.t("actions-verified-by")) } dd #verified-by { (verified) }
                    }
                }
            }
            @if a.may_close {
                section.card {
                    h2 { (l.t("actions-close")) }
                    form #close-action method="post" action={ "/actions/" (r.id) "/close" } enctype="multipart/form-data" {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        label { (l.t("actions-close-note")) textarea name="note" required rows="3" {} }
                        label {
                            (l.t("actions-evidence"))
                            @if a.photo_required { " (" (l.t("actions-photo-required")) ")" }
                            input type="file" name="photo" accept="image/*" capture="environment" required[a.photo_required];
                        }
                        button.primary type="submit" { (l.t("actions-close")) }
                    }
                }
            }
            @if a.may_verify {
                section.card {
                    h2 { (l.t("actions-check")) }
                    form #verify-action method="post" action={ "/actions/" (r.id) "/verify" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        button.primary type="submit" { (l.t("actions-verify")) }
                    }
                    form #reopen-action method="post" action={ "/actions/" (r.id) "/reopen" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        label { (l.t("actions-reopen-why")) textarea name="note" required rows="2" {} }
                        button type="submit" { (l.t("actions-reopen")) }
                    }
                }
            }
        },
    )
}

/// The signatures at the end of a spot-check, for the result page.
pub struct SignOffView {
    /// The person's signature image URL; `None` when they declined.
    pub subject: Option<String>,
    pub inspector: String,
    pub at: String,
}

/// The result page's follow-up: the actions a spot-check raised and its signatures.
pub fn follow_up(l: Lang, actions: &[ActionRow], sign_off: Option<&SignOffView>) -> Markup {
    html! {
        @if !actions.is_empty() {
            section.card #result-actions {
                h2 { (l.t("actions-raised")) }
                (table(l, actions))
            }
        }
        @if let Some(s) = sign_off {
            section.card #sign-off {
                h2 { (l.t("actions-sign-off")) }
                div.signatures {
                    figure {
                        @match &s.subject {
                            Some(url) => { img.signature src=(url) alt=(l.t("actions-subject-signature")) width="240"; }
                            None => { p #declined { (l.t("actions-subject-declined")) } }
                        }
                        figcaption { (l.t("actions-subject-signature")) }
                    }
                    figure {
                        img.signature src=(s.inspector) alt=(l.t("actions-inspector-signature")) width="240";
                        figcaption { (l.t("actions-inspector-signature")) }
                    }
                }
                p.muted { (l.t("actions-signed-at")) " " (s.at) }
            }
        }
    }
}

/// The spot-check form's fields to raise an action for one item (`act.K…`, see
/// domain::actions): folded away until the inspector opens them.
pub fn raise_fields<'a>(
    l: Lang,
    key: &str,
    item: &str,
    subject_id: i32,
    value: impl Fn(&str) -> Option<&'a str>,
) -> Markup {
    let name = |part: &str| {
        if part.is_empty() {
            format!("act.{key}")
        } else {
            format!("act.{key}.{part}")
        }
    };
    let raised = value(&name("")).is_some();
    let owner = value(&name("owner")).unwrap_or("manager");
    let priority = value(&name("priority")).unwrap_or("normal");
    html! {
        details.raise-action open[raised] data-action-for=(key) {
            summary { (l.t("actions-raise")) }
            label.tick {
                input type="checkbox" name=(name("")) value="1" checked[raised]
                    aria-label={ (l.t("actions-raise")) ": " (item) };
                span { (l.t("actions-raise")) }
            }
            textarea name=(name("text")) maxlength="1000" placeholder=(l.t("actions-text-placeholder"))
                aria-label={ (l.t("actions-what")) ": " (item) } {
                (value(&name("text")).unwrap_or(""))
            }
            label { (l.t("actions-owner"))
                select name=(name("owner")) {
                    option value="manager" selected[owner == "manager"] { (l.t("actions-owner-manager")) }
                    option value="supervisor" selected[owner == "supervisor"] { (l.t("actions-owner-supervisor")) }
                    @if subject_id > 0 {
                        option value=(subject_id) selected[owner == subject_id.to_string()] { (l.t("actions-owner-person")) }
                    }
                }
            }
            label { (l.t("actions-due"))
                input type="date" name=(name("due")) value=[value(&name("due"))];
            }
            label { (l.t("actions-priority"))
                select name=(name("priority")) {
                    @for p in crate::domain::actions::Priority::ALL {
                        option value=(p.as_str()) selected[priority == p.as_str()] { (l.t(&format!("actions-priority-{}", p.as_str()))) }
                    }
                }
            }
        }
    }
}

/// The end of a spot-check whose checklist asks for sign-off: two drawing pads (the
/// page script writes each drawing into its hidden field as a PNG data URL, so the
/// signatures travel in the post, the offline outbox's too) and the refusal box.
pub fn sign_off_fields(l: Lang) -> Markup {
    let pad = |field: &str, label: String| {
        html! {
            div.signature-pad data-signature=(field) {
                p { (label) " · " (l.t("actions-sign-here")) }
                canvas width="480" height="160" aria-label=(label) {}
                input type="hidden" name=(field) value="";
                button.link type="button" data-clear=(field) { (l.t("actions-clear")) }
            }
        }
    };
    html! {
        section.card #sign-off-fields {
            h2 { (l.t("actions-sign-off")) }
            (pad("sig.subject", l.t("actions-subject-signature")))
            label.tick {
                input type="checkbox" name="sig.declined" value="1";
                span { (l.t("actions-declined")) }
            }
            (pad("sig.inspector", l.t("actions-inspector-signature")))
        }
    }
}
