//! The spot-check pages: choosing whom to check, the tablet form with every item kind,
//! and the result.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::layout::{page, percent};
use crate::domain::clock::PERIODS;
use crate::domain::scoring::{Context, Outcome, Scorecard};
use crate::domain::{Checklist, ContextKind, Field, Item, ItemKind, Lang, Text};

// Re-exported for web/spotchecks.rs until it names the domain's function itself.
use crate::domain::clock::period_label;

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
        l.pick("開始抽查", "Start a spot-check"),
        "/spotchecks/new",
        html! {
            h1 { (l.pick("開始抽查", "Start a spot-check")) }
            @if !drafts.is_empty() {
                section.card {
                    h2 { (l.pick("未完成的抽查", "Spot-checks in progress")) }
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
                    h2 { (l.pick("待複查", "Re-checks due")) " (" (work.rechecks.len()) ")" }
                    div.grid {
                        @for r in &work.rechecks {
                            a.tile href={ "/spotchecks/start?recheck=" (r.id) } {
                                strong { (r.subject) }
                                span.muted { (r.items) " " (l.pick("項", "items")) " · " (r.site) " · " (l.pick("到期", "due")) " " (r.due) }
                                @if r.overdue { " " span.badge.fail { (l.pick("已逾期", "Overdue")) } }
                            }
                        }
                    }
                }
            }
            @if let Some(overdue) = &work.overdue {
                section.card {
                    h2 { (l.pick("逾期培訓", "Overdue training")) " (" (overdue.len()) ")" }
                    @if overdue.is_empty() {
                        p.muted { (l.pick("沒有逾期的培訓。", "No training is overdue.")) }
                    } @else {
                        table {
                            tr { th { (l.pick("員工", "Person")) } th { (l.pick("課程", "Module")) } th { (l.pick("到期", "Due")) } }
                            @for o in overdue.iter().take(10) {
                                tr { td { (o.person) } td { (o.module) } td { span.badge.fail { (o.due) } } }
                            }
                        }
                        @if overdue.len() > 10 { p { a href="/training" { (l.pick("查看全部", "See all")) " →" } } }
                    }
                }
            }
            @if sites.is_empty() {
                p.empty { (l.pick("你還沒有被分配到任何場所。請聯絡系統管理員。", "You are not assigned to any site yet. Ask an admin to add you to one.")) }
            } @else {
                @if sites.len() > 1 {
                    nav.filters aria-label=(l.pick("場所", "Site")) {
                        @for s in sites {
                            a.button.primary[Some(s.id) == site] href={ "/spotchecks/new?site=" (s.id) } { (s.name) }
                        }
                    }
                }
                h2 { (l.pick("選擇當值員工", "Who are you checking?")) }
                @if staff.is_empty() {
                    p.empty { (l.pick("這個場所還沒有員工。", "No staff at this site yet.")) }
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
        l.pick("選擇檢查表", "Choose a checklist"),
        "/spotchecks/new",
        html! {
            p { a href={ "/spotchecks/new?site=" (site) } { "← " (l.pick("返回員工列表", "Back to staff")) } }
            h1 { span #chooser-person { (subject.name) } " · " span #chooser-position { (subject.position.as_deref().unwrap_or("—")) } }
            // The offline template (no one yet): the tablet shows this person's tiles.
            p.empty #chooser-empty hidden[!checklists.is_empty()] { (l.pick("這個崗位沒有適用的檢查表。", "No checklist applies to this position.")) }
            @if !checklists.is_empty() {
                div.grid #chooser data-site=(site) data-template=[(subject.id == 0).then_some("true")] {
                    @for c in checklists {
                        @if let Some(reason) = &c.blocked {
                            div.tile.blocked data-checklist=(c.key) {
                                strong { (c.title) }
                                span.muted { (reason) }
                                @if let Some(href) = record_link {
                                    a href=(href) { (l.pick("補上紀錄", "Complete the record")) " →" }
                                }
                            }
                        } @else {
                            // A blank chooser's tiles link nowhere until the tablet fills them in.
                            @let href = if subject.id == 0 { "#".to_string() } else { format!("/spotchecks/start?site={site}&subject={}&checklist={}", subject.id, c.key) };
                            a.tile href=(href) data-checklist=(c.key) {
                                strong { (c.title) }
                                span.muted { (c.items) " " (l.pick("項", "items")) }
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
    pub shift_period: String,
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
                        p.notice { (l.pick("複查：只檢查上次不合格、已完成培訓的項目。", "Re-check: only the items that failed before and have been trained since.")) }
                    }
                    p.muted {
                        span #form-person { (view.subject_name) } " · " span #form-position { (view.position_name.as_deref().unwrap_or("—")) }
                        " · " span #form-site { (view.site_name) }
                        " · " (l.pick("版本", "version")) " " (view.checklist_version)
                    }
                    div.context-fields {
                        label { (l.pick("日期", "Shift date"))
                            input type="date" name="shift_date" value=(view.shift_date) min=(view.shift_dates.0) max=(view.shift_dates.1) required;
                        }
                        label { (l.pick("班次", "Shift"))
                            select name="shift_period" {
                                @for key in PERIODS {
                                    option value=(key) selected[view.shift_period == key] { (period_label(l, key)) }
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
                    span id="live-progress" { (card.answered) " / " (card.applicable) " " (l.pick("已答", "answered")) }
                    span.save-state id="save-state" { (l.pick("草稿會自動儲存", "Drafts save as you go")) }
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
                button.primary.big type="submit" id="submit-button" { (l.pick("提交抽查", "Submit spot-check")) }
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
                @if item.critical { span.critical-tag { (l.pick("關鍵", "Critical")) } }
            }
            details.guidance {
                summary { (l.pick("檢查指引", "How to judge")) }
                p { (t(l, &item.guidance)) }
            }
            @match &item.kind {
                ItemKind::Check => {
                    div.choices role="radiogroup" aria-label=(text) {
                        (option("pass", l.pick("合格", "Pass"), "pass"))
                        (option("fail", l.pick("不合格", "Fail"), "fail"))
                        @if item.na { (option("na", l.pick("不適用", "N/A"), "na")) }
                    }
                }
                ItemKind::Scale { max, labels, .. } => {
                    div.choices role="radiogroup" aria-label=(text) {
                        @for v in 0..=*max {
                            @let label = labels.get(v as usize).map(|t| t.get(l).to_string()).unwrap_or_else(|| v.to_string());
                            (option(&v.to_string(), &label, "scale"))
                        }
                        @if item.na { (option("na", l.pick("不適用", "N/A"), "na")) }
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
                                (Some(target), Some(tol)) => { (l.pick("標準", "Target")) " " (target) (unit) " ± " (tol) }
                                _ => {
                                    @let (lo, hi) = allowed.bounds();
                                    (l.pick("容許", "Allowed")) " "
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
                            (l.pick("上限", "Limit")) " "
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
                                aria-label={ (l.pick("一句也沒有說", "None of them was said")) ": " (text) };
                            span.muted { (l.pick("一句也沒有說", "None of them was said")) }
                        } }
                    }
                    (na_box(l, item, view))
                }
                ItemKind::Steps { steps, in_order, .. } => {
                    @if *in_order { p.muted { (l.pick("依觀察到的先後次序點選。", "Tick the steps in the order you saw them.")) } }
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
                                aria-label={ (l.pick("一步也沒有做", "None of the steps was done")) ": " (text) };
                            span.muted { (l.pick("一步也沒有做", "None of the steps was done")) }
                        } }
                    }
                    (na_box(l, item, view))
                }
            }
            div.extras {
                details.note open[view.value(&format!("n.{key}")).is_some()] {
                    summary { (l.pick("備註", "Note")) }
                    textarea name={ "n." (key) } maxlength="2000"
                        aria-label={ (l.pick("備註", "Note")) ": " (text) } {
                        (view.value(&format!("n.{key}")).unwrap_or(""))
                    }
                }
                // A button-sized label opens the camera; the file input itself stays out
                // of sight. The thumbnail follows it once a photo is taken.
                div.photo-row {
                    label.button.photo-button {
                        input type="file" accept="image/*" capture="environment" data-photo=(key)
                            aria-label={ (l.pick("拍照", "Take photo")) ": " (text) };
                        span { (l.pick("拍照", "Take photo")) }
                    }
                    @if let Some(file) = view.photos.get(key) {
                        img src={ "/photos/" (view.id) "/" (file) } alt={ (l.pick("照片", "Photo")) ": " (text) };
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
                    aria-label={ (l.pick("不適用", "N/A")) ": " (t(l, &item.text)) };
                span { (l.pick("不適用", "N/A")) }
            }
        }
    }
}
