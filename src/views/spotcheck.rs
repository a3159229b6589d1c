//! The spot-check pages: choosing whom to check, the tablet form with every item kind,
//! and the result.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::layout::{page, percent};
use crate::domain::clock::{PERIODS, period_label};
use crate::domain::scoring::{Context, Outcome, Scorecard};
use crate::domain::{
    Basis, Checklist, ContextKind, Field, Item, ItemKind, Lang, ShiftPeriod, Text,
};
use crate::i18n::Localize;

fn t(lang: Lang, text: &Text) -> &str {
    text.get(lang)
}

/// A staff member to pick on the start page.
pub struct StaffTile {
    pub id: i32,
    pub name: String,
    pub position: Option<String>,
}

pub struct SiteTab {
    pub id: i32,
    pub name: String,
}

/// Home of an inspector: pick the site, then tap the person on duty.
/// A re-check waiting on the supervisor's list.
pub struct RecheckLink {
    pub id: i32,
    pub subject: String,
    pub site: String,
    pub items: usize,
    pub due: String,
    pub overdue: bool,
}

/// Overdue training, for managers and the quality department.
pub struct OverdueRow {
    pub person: String,
    pub module: String,
    pub due: String,
}

/// What the inspector's home shows besides the staff to pick.
pub struct Worklist {
    pub drafts: Vec<DraftLink>,
    pub rechecks: Vec<RecheckLink>,
    pub overdue: Option<Vec<OverdueRow>>,
    /// The viewer's open corrective actions and overdue counts (views::actions::panel).
    pub actions: Markup,
}

pub fn start(
    chrome: &Chrome,
    sites: &[SiteTab],
    site: Option<i32>,
    staff: &[StaffTile],
    work: &Worklist,
) -> Markup {
    let drafts = &work.drafts;
    let l = chrome.lang;
    page(
        chrome,
        &l.t("spotcheck-start-a-spot-check"),
        "/spotchecks/new",
        html! {
            h1 { (l.t("spotcheck-start-a-spot-check")) }
            (work.actions)
            @if !drafts.is_empty() {
                section.card {
                    h2 { (l.t("spotcheck-spot-checks-in-progress")) }
                    div.grid {
                        @for d in drafts {
                            a.tile href=(d.href) {
                                strong { (d.subject) }
                                span.muted { (d.checklist) " · " (d.when) }
                            }
                        }
                    }
                }
            }
            @if !work.rechecks.is_empty() {
                section.card {
                    h2 { (l.t("spotcheck-re-checks-due")) " (" (work.rechecks.len()) ")" }
                    div.grid {
                        @for r in &work.rechecks {
                            a.tile href={ "/spotchecks/start?recheck=" (r.id) } {
                                strong { (r.subject) }
                                span.muted { (l.t_args("items-count", &[("count", r.items.into())])) " · " (r.site) " · " (l.t("spotcheck-due")) " " (r.due) }
                                @if r.overdue { " " span.badge.fail { (l.t("layout-overdue")) } }
                            }
                        }
                    }
                }
            }
            @if let Some(overdue) = &work.overdue {
                section.card {
                    h2 { (l.t("spotcheck-overdue-training")) " (" (overdue.len()) ")" }
                    @if overdue.is_empty() {
                        p.muted { (l.t("spotcheck-no-training-is-overdue")) }
                    } @else {
                        table {
                            tr { th { (l.t("spotcheck-person")) } th { (l.t("layout-module")) } th { (l.t("layout-due")) } }
                            @for o in overdue.iter().take(10) {
                                tr { td { (o.person) } td { (o.module) } td { span.badge.fail { (o.due) } } }
                            }
                        }
                        @if overdue.len() > 10 { p { a href="/training" { (l.t("spotcheck-see-all")) " →" } } }
                    }
                }
            }
            @if sites.is_empty() {
                p.empty { (l.t("spotcheck-you-are-not-assigned-to")) }
            } @else {
                @if sites.len() > 1 {
                    nav.filters aria-label=(l.t("spotcheck-site")) {
                        @for s in sites {
                            a.button.primary[Some(s.id) == site] href={ "/spotchecks/new?site=" (s.id) } { (s.name) }
                        }
                    }
                }
                h2 { (l.t("spotcheck-who-are-you-checking")) }
                @if staff.is_empty() {
                    p.empty { (l.t("spotcheck-no-staff-at-this-site")) }
                } @else {
                    div.grid {
                        @for s in staff {
                            a.tile href={ "/spotchecks/new?site=" (site.unwrap_or_default()) "&subject=" (s.id) } {
                                strong { (s.name) }
                                span.muted { (s.position.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub struct DraftLink {
    pub href: String,
    pub subject: String,
    pub checklist: String,
    pub when: String,
}

pub struct ChecklistTile {
    pub key: String,
    pub title: String,
    pub items: usize,
    /// Why this person cannot be checked with it yet (their record lacks what its
    /// conditions test).
    pub blocked: Option<String>,
}

/// Second tap: which checklist for this person.
pub fn choose_checklist(
    chrome: &Chrome,
    site: i32,
    subject: &StaffTile,
    checklists: &[ChecklistTile],
    record_link: Option<&str>,
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("spotcheck-choose-a-checklist"),
        "/spotchecks/new",
        html! {
            p { a href={ "/spotchecks/new?site=" (site) } { "← " (l.t("spotcheck-back-to-staff")) } }
            h1 { span #chooser-person { (subject.name) } " · " span #chooser-position { (subject.position.as_deref().unwrap_or("—")) } }
            // The offline template (no one yet): the tablet shows this person's tiles.
            p.empty #chooser-empty hidden[!checklists.is_empty()] { (l.t("spotcheck-no-checklist-applies-to-this")) }
            @if !checklists.is_empty() {
                div.grid #chooser data-site=(site) data-template=[(subject.id == 0).then_some("true")] {
                    @for c in checklists {
                        @if let Some(reason) = &c.blocked {
                            div.tile.blocked data-checklist=(c.key) {
                                strong { (c.title) }
                                span.muted { (reason) }
                                @if let Some(href) = record_link {
                                    a href=(href) { (l.t("spotcheck-complete-the-record")) " →" }
                                }
                            }
                        } @else {
                            // A blank chooser's tiles link nowhere until the tablet fills them in.
                            @let href = if subject.id == 0 { "#".to_string() } else { format!("/spotchecks/start?site={site}&subject={}&checklist={}", subject.id, c.key) };
                            a.tile href=(href) data-checklist=(c.key) {
                                strong { (c.title) }
                                span.muted { (l.t_args("items-count", &[("count", c.items.into())])) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Everything the form shows.
pub struct FormView<'a> {
    pub id: Uuid,
    pub checklist: &'a Checklist,
    pub checklist_version: i32,
    pub version_id: i32,
    pub site_id: i32,
    pub site_name: String,
    pub subject_id: i32,
    pub subject_name: String,
    pub position_name: Option<String>,
    pub shift_date: NaiveDate,
    /// The first and last accepted shift dates.
    pub shift_dates: (NaiveDate, NaiveDate),
    pub shift_period: ShiftPeriod,
    /// Items that apply to this person (their subject conditions hold).
    pub items_for_subject: Vec<String>,
    /// The checklist as the tablet's engine reads it, and the person's attributes its
    /// conditions test, as JSON (static/engine.js scores the card on the device).
    pub engine_checklist: String,
    pub subject_attributes: String,
    pub context: &'a Context,
    /// The fields as last saved, to refill the form.
    pub fields: Vec<(String, String)>,
    pub card: &'a Scorecard,
    pub photos: &'a BTreeMap<String, String>,
    pub errors: &'a [String],
    pub missing: &'a [String],
    /// Set when this spot-check is a re-check of items failed before.
    pub recheck: Option<i32>,
    /// Shown above the form (the authoring preview's picker of person and context).
    pub preface: Option<Markup>,
}

impl FormView<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.fields.iter().any(|(n, v)| n == name && v == value)
    }
}

pub fn form(chrome: &Chrome, view: &FormView) -> Markup {
    let l = chrome.lang;
    let c = view.checklist;
    let card = view.card;
    page(
        chrome,
        t(l, &c.title),
        "/spotchecks/new",
        html! {
            @if let Some(preface) = &view.preface { (preface) }
            form.spotcheck id="spotcheck" method="post" action={ "/spotchecks/" (view.id) "/submit" }
                data-id=(view.id) data-draft-url={ "/spotchecks/" (view.id) "/draft" }
                data-photo-url={ "/spotchecks/" (view.id) "/photos/" }
                data-person=(view.subject_name) data-checklist=(t(l, &c.title))
                data-template=[view.id.is_nil().then_some(if view.subject_id == 0 { "blank" } else { "true" })]
                data-engine-checklist=(view.engine_checklist) data-subject=(view.subject_attributes)
                data-shift-starts=(crate::domain::clock::SHIFT_STARTS.iter().map(|(p, h)| format!("{p}:{h}")).collect::<Vec<_>>().join(","))
                novalidate {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                input type="hidden" name="version" value=(view.version_id);
                input type="hidden" name="site" value=(view.site_id);
                input type="hidden" name="subject" value=(view.subject_id);
                @if let Some(recheck) = view.recheck {
                    input type="hidden" name="recheck" value=(recheck);
                }
                div.card {
                    h1 { (t(l, &c.title)) }
                    @if view.recheck.is_some() {
                        p.notice { (l.t("spotcheck-re-check-only-the-items")) }
                    }
                    p.muted {
                        span #form-person { (view.subject_name) } " · " span #form-position { (view.position_name.as_deref().unwrap_or("—")) }
                        " · " span #form-site { (view.site_name) }
                        " · " (l.t("spotcheck-version")) " " (view.checklist_version)
                    }
                    div.context-fields {
                        label { (l.t("spotcheck-shift-date"))
                            input type="date" name="shift_date" value=(view.shift_date) min=(view.shift_dates.0) max=(view.shift_dates.1) required;
                        }
                        label { (l.t("spotcheck-shift"))
                            select name="shift_period" {
                                @for &period in PERIODS {
                                    option value=(period.as_str()) selected[view.shift_period == period] { (period_label(l, period)) }
                                }
                            }
                        }
                        @for field in &c.context {
                            @let name = format!("ctx.{}", field.key);
                            label { (t(l, &field.label))
                                @match &field.kind {
                                    ContextKind::Choice { options, .. } => {
                                        select name=(name) data-context=(field.key) {
                                            @for o in options {
                                                option value=(o.value) selected[view.context.get(&field.key).and_then(|v| v.as_text()) == Some(o.value.as_str())] { (t(l, &o.label)) }
                                            }
                                        }
                                    }
                                    ContextKind::Number { min, max, .. } => {
                                        input type="number" inputmode="numeric" name=(name) data-context=(field.key) min=(min) max=(max) step="1"
                                            value=[view.context.get(&field.key).and_then(|v| v.as_number())];
                                    }
                                }
                            }
                        }
                    }
                }
                div.scorebar aria-live="polite" {
                    span.big id="live-percent" { (card.percent.map(percent).unwrap_or_else(|| "—".into())) }
                    span id="live-progress" { (card.answered) " / " (card.applicable) " " (l.t("spotcheck-answered")) }
                    span.save-state id="save-state" { (l.t("spotcheck-drafts-save-as-you-go")) }
                }
                @if !view.errors.is_empty() {
                    div.error role="alert" id="form-errors" {
                        @for e in view.errors { p { (e) } }
                    }
                } @else {
                    div.error role="alert" id="form-errors" hidden {}
                }
                @for section in &c.sections {
                    @let result = card.sections.iter().find(|s| s.key == section.key);
                    section.checklist-section data-section=(section.key) {
                        h2 {
                            (t(l, &section.title)) " "
                            span.section-progress data-progress=(section.key) {
                                @if let Some(r) = result { (r.answered) "/" (r.applicable) }
                            }
                        }
                        @for item in &section.items {
                            @if view.items_for_subject.contains(&item.key) {
                                (item_block(l, view, item))
                            }
                        }
                    }
                }
                @if c.sign_off { (super::actions::sign_off_fields(l)) }
                button.primary.big type="submit" id="submit-button" { (l.t("spotcheck-submit-spot-check")) }
                p.muted id="outbox-note" hidden {}
            }
        },
    )
}

/// Context conditions, for the page to show or hide the item as the context changes.
fn context_conditions(item: &Item) -> Option<String> {
    let list: Vec<_> = item
        .when
        .iter()
        .filter(|c| matches!(c.field, Field::Context(_)))
        .collect();
    (!list.is_empty()).then(|| serde_json::to_string(&list).unwrap_or_default())
}

fn item_block(l: Lang, view: &FormView, item: &Item) -> Markup {
    let key = &item.key;
    let result = view.card.item(key);
    let excluded = result.is_some_and(|r| r.outcome == Outcome::Excluded);
    let answered = result.is_some_and(|r| {
        matches!(
            r.outcome,
            Outcome::Passed | Outcome::Failed | Outcome::NotApplicable
        )
    });
    let missing = view.missing.contains(key);
    let a = format!("a.{key}");
    // Each control's accessible name names the item: a screen reader (or a test) hears
    // "Pass: Greets the guest…", not ten bare "Pass" buttons.
    let text = t(l, &item.text);
    let option = |value: &str, label: &str, class: &str| {
        choice(&a, value, label, text, class, view.has(&a, value))
    };
    html! {
        div.item.answered[answered].missing[missing] id={ "item-" (key) } data-key=(key) data-kind=(item.kind_name())
            data-required=(item.required) data-when=[context_conditions(item)] hidden[excluded] {
            p.text {
                (t(l, &item.text))
                span.clause { "§" (item.clause) }
                @if item.critical { span.critical-tag { (l.t("spotcheck-critical")) } }
            }
            details.guidance {
                summary { (l.t("spotcheck-how-to-judge")) }
                p { (t(l, &item.guidance)) }
                @if item.basis == Basis::CompanyPractice {
                    p.basis { (l.t("standard-company-practice")) }
                }
            }
            @match &item.kind {
                ItemKind::Check => {
                    div.choices role="radiogroup" aria-label=(text) {
                        (option("pass", &l.t("spotcheck-pass"), "pass"))
                        (option("fail", &l.t("spotcheck-fail"), "fail"))
                        @if item.na { (option("na", &l.t("spotcheck-n-a"), "na")) }
                    }
                }
                ItemKind::Scale { max, labels, .. } => {
                    div.choices role="radiogroup" aria-label=(text) {
                        @for v in 0..=*max {
                            @let label = labels.get(v as usize).map(|t| t.get(l).to_string()).unwrap_or_else(|| v.to_string());
                            (option(&v.to_string(), &label, "scale"))
                        }
                        @if item.na { (option("na", &l.t("spotcheck-n-a"), "na")) }
                    }
                }
                ItemKind::Measure { unit, allowed, .. } => {
                    @let range = item.kind.input_range();
                    div.measure {
                        input type="number" inputmode="decimal" step="any" name=(a) value=[view.value(&a).filter(|v| *v != "na")]
                            min=[range.map(|r| r.0)] max=[range.map(|r| r.1)]
                            aria-label=(t(l, &item.text));
                        span { (unit) }
                        span.target {
                            @match (allowed.target, allowed.tolerance) {
                                (Some(target), Some(tol)) => { (l.t("spotcheck-target")) " " (target) (unit) " ± " (tol) }
                                _ => {
                                    @let (lo, hi) = allowed.bounds();
                                    (l.t("spotcheck-allowed")) " "
                                    @if let Some(lo) = lo { (lo) } @else { "…" }
                                    " – "
                                    @if let Some(hi) = hi { (hi) } @else { "…" }
                                    " " (unit)
                                }
                            }
                        }
                        (na_box(l, item, view))
                    }
                }
                ItemKind::Limit { unit, .. } => {
                    div.measure {
                        input type="number" inputmode="decimal" step="any" min="0" name=(a) value=[view.value(&a).filter(|v| *v != "na")]
                            aria-label=(t(l, &item.text));
                        span { (unit) }
                        span.target data-cap=(key) data-unit=(unit) {
                            (l.t("spotcheck-limit")) " "
                            @match result.and_then(|r| r.cap) {
                                Some(cap) => { (cap) " " (unit) }
                                None => { "—" }
                            }
                        }
                        (na_box(l, item, view))
                    }
                }
                ItemKind::Script { script, phrases, .. } => {
                    div.script { (t(l, script)) }
                    ul.ticks {
                        @for (i, p) in phrases.iter().enumerate() {
                            li { label {
                                input type="checkbox" name={ "h." (key) } value=(i) checked[view.has(&format!("h.{key}"), &i.to_string())]
                                    aria-label={ (t(l, p)) ": " (text) };
                                span { (t(l, p)) }
                            } }
                        }
                        li { label {
                            input type="checkbox" name=(a) value="none" checked[view.has(&a, "none")]
                                aria-label={ (l.t("spotcheck-none-of-them-was-said")) ": " (text) };
                            span.muted { (l.t("spotcheck-none-of-them-was-said")) }
                        } }
                    }
                    (na_box(l, item, view))
                }
                ItemKind::Steps { steps, in_order, .. } => {
                    @if *in_order { p.muted { (l.t("spotcheck-tick-the-steps-in-the")) } }
                    input type="hidden" name={ "o." (key) } value=[view.value(&format!("o.{key}"))] data-order=(key);
                    ul.ticks {
                        @for (i, s) in steps.iter().enumerate() {
                            li { label {
                                input type="checkbox" name={ "s." (key) } value=(i) checked[view.has(&format!("s.{key}"), &i.to_string())]
                                    aria-label={ (i + 1) ". " (t(l, s)) ": " (text) };
                                span { (i + 1) ". " (t(l, s)) }
                                span.order {}
                            } }
                        }
                        li { label {
                            input type="checkbox" name=(a) value="none" checked[view.has(&a, "none")]
                                aria-label={ (l.t("spotcheck-none-of-the-steps-was")) ": " (text) };
                            span.muted { (l.t("spotcheck-none-of-the-steps-was")) }
                        } }
                    }
                    (na_box(l, item, view))
                }
            }
            div.extras {
                details.note open[view.value(&format!("n.{key}")).is_some()] {
                    summary { (l.t("spotcheck-note")) }
                    textarea name={ "n." (key) } maxlength="2000"
                        aria-label={ (l.t("spotcheck-note")) ": " (text) } {
                        (view.value(&format!("n.{key}")).unwrap_or(""))
                    }
                }
                (super::actions::raise_fields(l, key, text, view.subject_id, |n| view.value(n)))
                // A button-sized label opens the camera; the file input itself stays out
                // of sight. The thumbnail follows it once a photo is taken.
                div.photo-row {
                    label.button.photo-button {
                        input type="file" accept="image/*" capture="environment" data-photo=(key)
                            aria-label={ (l.t("spotcheck-take-photo")) ": " (text) };
                        span { (l.t("spotcheck-take-photo")) }
                    }
                    @if let Some(file) = view.photos.get(key) {
                        img src={ "/photos/" (view.id) "/" (file) } alt={ (l.t("spotcheck-photo")) ": " (text) };
                    }
                }
            }
        }
    }
}

fn choice(name: &str, value: &str, label: &str, item: &str, class: &str, checked: bool) -> Markup {
    html! {
        label class={ "choice " (class) } {
            input type="radio" name=(name) value=(value) checked[checked] aria-label={ (label) ": " (item) };
            span { (label) }
        }
    }
}

fn na_box(l: Lang, item: &Item, view: &FormView) -> Markup {
    let name = format!("na.{}", item.key);
    html! {
        @if item.na {
            label.choice.na {
                input type="checkbox" name=(name) value="1" checked[view.has(&name, "1") || view.has(&format!("a.{}", item.key), "na")]
                    aria-label={ (l.t("spotcheck-n-a")) ": " (t(l, &item.text)) };
                span { (l.t("spotcheck-n-a")) }
            }
        }
    }
}
