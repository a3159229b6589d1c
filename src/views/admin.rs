//! Admin pages: the overview, sites, people, positions (read-only) and the checklist
//! library with its versions and what changed between two of them.

use maud::{Markup, html};

use super::layout::{page, times_note};
use super::{Chrome, urlencode};
use crate::domain::access::Role;
use crate::domain::clock::{self, SiteClock, ZoneNaming};
use crate::domain::diff::{Change, ChecklistDiff, ItemDiff, ItemField};
use crate::domain::org::{SignIn, SiteKind};
use crate::domain::versions::ChecklistSummary;
use crate::domain::{Item, ItemKind, Lang, Text};
use crate::i18n::Localize;

pub fn site_kind_label(l: Lang, kind: &str) -> String {
    match SiteKind::parse(kind) {
        Some(kind) => l.t(kind.label()),
        None => kind.to_string(),
    }
}

pub fn role_label(l: Lang, role: &str) -> String {
    match Role::parse(role) {
        Some(r) => l.t(r.label()),
        None => role.to_string(),
    }
}

pub fn gender_label(l: Lang, gender: &str) -> String {
    match gender {
        "female" => l.t("admin-female"),
        "male" => l.t("admin-male"),
        other => other.to_string(),
    }
}

fn back(href: &str, label: &str) -> Markup {
    html! { p.muted { a href=(href) { "← " (label) } } }
}

fn errors(l: Lang, list: &[String]) -> Markup {
    html! {
        @if !list.is_empty() {
            div.error role="alert" {
                strong { (l.t("admin-please-correct-the-following")) }
                ul { @for e in list { li { (e) } } }
            }
        }
    }
}

fn active_badge(l: Lang, active: bool) -> Markup {
    html! {
        @if active { span.badge.pass { (l.t("admin-active")) } }
        @else { span.badge.draft { (l.t("admin-inactive")) } }
    }
}

// ── Overview ────────────────────────────────────────────────────────────────

/// How many of each thing there are, for the overview's tiles.
pub struct Overview {
    pub sites: u64,
    pub people: u64,
    pub positions: u64,
    pub checklists: u64,
}

pub fn index(chrome: &Chrome, counts: &Overview) -> Markup {
    let l = chrome.lang;
    let tiles = [
        (
            "/admin/sites",
            l.t("quality-sites"),
            counts.sites,
            l.t("admin-sites"),
        ),
        (
            "/admin/people",
            l.t("admin-people"),
            counts.people,
            l.t("admin-people-2"),
        ),
        (
            "/admin/positions",
            l.t("admin-positions"),
            counts.positions,
            l.t("admin-positions-2"),
        ),
        (
            "/admin/checklists",
            l.t("admin-checklists"),
            counts.checklists,
            l.t("admin-checklists-2"),
        ),
    ];
    page(
        chrome,
        &l.t("layout-admin"),
        "/admin",
        html! {
            h1 { (l.t("layout-admin")) }
            div.grid {
                @for (href, title, n, what) in tiles {
                    a.tile href=(href) {
                        strong { (title) }
                        span.muted { (n) " " (what) }
                    }
                }
            }
        },
    )
}

// ── Sites ───────────────────────────────────────────────────────────────────

/// A site in the list, with how many active people belong to it.
pub struct SiteRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// Stored kind (`SiteKind::as_str`).
    pub kind: String,
    /// IANA zone name; empty for the configured default.
    pub time_zone: String,
    pub active: bool,
    pub people: usize,
}

pub fn sites(chrome: &Chrome, rows: &[SiteRow]) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("quality-sites"),
        "/admin",
        html! {
            (back("/admin", &l.t("layout-admin")))
            h1 { (l.t("quality-sites")) }
            p { a.button.primary href="/admin/sites/new" { (l.t("admin-new-site")) } }
            @if rows.is_empty() {
                p.empty { (l.t("admin-there-are-no-sites-yet")) }
            } @else {
                table {
                    tr {
                        th { (l.t("admin-code")) }
                        th { (l.t("quality-name")) }
                        th { (l.t("admin-kind")) }
                        th { (l.t("admin-time-zone")) }
                        th { (l.t("inspections-status")) }
                        th.num { (l.t("admin-people-3")) }
                    }
                    @for r in rows {
                        tr {
                            td { a href={ "/admin/sites/" (r.id) } { (r.code) } }
                            td { (r.name) }
                            td { (site_kind_label(l, &r.kind)) }
                            td { @if r.time_zone.is_empty() { span.muted { (l.t("admin-default")) } } @else { (r.time_zone) } }
                            td { (active_badge(l, r.active)) }
                            td.num { a href={ "/admin/people?site=" (r.id) } { (r.people) } }
                        }
                    }
                }
            }
        },
    )
}

/// The site form, as shown or as posted back with problems.
#[derive(Debug, Clone, Default)]
pub struct SiteForm {
    /// `None` for a new site.
    pub id: Option<i32>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub active: bool,
    /// IANA zone name, as typed or stored.
    pub time_zone: String,
    pub errors: Vec<String>,
}

pub fn site_form(chrome: &Chrome, f: &SiteForm) -> Markup {
    let l = chrome.lang;
    let title = match f.id {
        None => l.t("admin-new-site"),
        Some(_) => l.t("admin-edit-site"),
    };
    let action = match f.id {
        None => "/admin/sites".to_string(),
        Some(id) => format!("/admin/sites/{id}"),
    };
    page(
        chrome,
        &title,
        "/admin",
        html! {
            (back("/admin/sites", &l.t("admin-sites")))
            h1 { (title) @if f.id.is_some() { " · " (f.code) } }
            (errors(l, &f.errors))
            form.card method="post" action=(action) {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                @if f.id.is_none() {
                    label {
                        (l.t("admin-code"))
                        input type="text" name="code" value=(f.code) required maxlength="32"
                            pattern="[A-Za-z0-9-]+" autocapitalize="characters";
                        span.muted { (l.t("admin-upper-case-letters-digits-and")) }
                    }
                } @else {
                    p { (l.t("admin-code")) ": " strong { (f.code) } }
                }
                label {
                    (l.t("quality-name"))
                    input type="text" name="name" value=(f.name) required maxlength="120";
                }
                label {
                    (l.t("admin-kind"))
                    select name="kind" required {
                        option value="" { (l.t("admin-choose")) }
                        @for k in SiteKind::ALL {
                            option value=(k.as_str()) selected[f.kind == k.as_str()] { (site_kind_label(l, k.as_str())) }
                        }
                    }
                }
                label {
                    (l.t("admin-time-zone"))
                    input type="text" name="time_zone" value=(f.time_zone) required list="time-zones"
                        autocomplete="off" spellcheck="false";
                    datalist #time-zones {
                        @for zone in clock::zone_names() { option value=(zone) {} }
                    }
                    span.muted { (l.t("admin-iana-name-e-g-asia")) }
                }
                @if f.id.is_some() {
                    label {
                        input type="checkbox" name="active" value="on" checked[f.active];
                        " " (l.t("admin-active-no-spot-checks-at"))
                    }
                }
                button.primary type="submit" { (l.t("admin-save")) }
            }
        },
    )
}

// ── People ──────────────────────────────────────────────────────────────────

/// A site to choose (the people filter, a person's sites) or to name in a list.
pub struct SiteChoice {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// A position to choose, named in the viewer's language.
pub struct PositionChoice {
    pub key: String,
    pub name: String,
}

/// A person in the list.
pub struct PersonRow {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: String,
    /// The position's name in the viewer's language.
    pub position: Option<String>,
    /// By code.
    pub sites: Vec<SiteChoice>,
    pub active: bool,
    /// Whether they have a password to sign in with.
    pub signs_in: bool,
}

pub struct PeopleView {
    pub rows: Vec<PersonRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub sites: Vec<SiteChoice>,
    pub site: Option<i32>,
    pub role: Option<Role>,
    /// The person just added (after the redirect), for the confirmation.
    pub added: Option<Added>,
}

impl PeopleView {
    fn page_link(&self, page: u64) -> String {
        let mut query = Vec::new();
        if let Some(s) = self.site {
            query.push(format!("site={s}"));
        }
        if let Some(r) = self.role {
            query.push(format!("role={}", r.as_str()));
        }
        query.push(format!("page={page}"));
        format!("/admin/people?{}", query.join("&"))
    }
}

pub fn people(chrome: &Chrome, v: &PeopleView) -> Markup {
    let l = chrome.lang;
    let filtered = v.site.is_some() || v.role.is_some();
    page(
        chrome,
        &l.t("admin-people"),
        "/admin",
        html! {
            (back("/admin", &l.t("layout-admin")))
            h1 { (l.t("admin-people")) }
            @if let Some(added) = &v.added { (added_notice(l, added)) }
            p { a.button.primary href="/admin/people/new" { (l.t("admin-new-person")) } }
            form.filters method="get" action="/admin/people" {
                label { (l.t("spotcheck-site"))
                    select name="site" {
                        option value="" { (l.t("inspections-all")) }
                        @for s in &v.sites {
                            option value=(s.id) selected[v.site == Some(s.id)] { (s.code) " · " (s.name) }
                        }
                    }
                }
                label { (l.t("admin-role"))
                    select name="role" {
                        option value="" { (l.t("inspections-all")) }
                        @for r in Role::ALL {
                            option value=(r.as_str()) selected[v.role == Some(r)] { (role_label(l, r.as_str())) }
                        }
                    }
                }
                button.primary type="submit" { (l.t("inspections-filter")) }
            }
            p.muted { (v.total) " " (l.t("admin-people-2")) }
            @if v.rows.is_empty() {
                @if filtered {
                    p.empty { (l.t("admin-no-one-matches-these-filters")) }
                } @else {
                    p.empty { (l.t("admin-there-is-no-one-yet")) }
                }
            } @else {
                table {
                    tr {
                        th { (l.t("admin-name")) }
                        th { (l.t("auth-email")) }
                        th { (l.t("admin-role")) }
                        th { (l.t("training-position")) }
                        th { (l.t("quality-sites")) }
                        th { (l.t("inspections-status")) }
                    }
                    @for r in &v.rows {
                        tr {
                            td { a href={ "/admin/people/" (r.id) } { (r.name) } }
                            td { (r.email) }
                            td { (role_label(l, &r.role)) }
                            td { @match &r.position { Some(p) => (p), None => span.muted { "—" } } }
                            td {
                                @if r.sites.is_empty() { span.muted { "—" } }
                                @for (i, s) in r.sites.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    span title=(s.name) { (s.code) }
                                }
                            }
                            td {
                                (active_badge(l, r.active))
                                @if !r.signs_in { " " span.badge.na { (l.t("admin-no-sign-in")) } }
                            }
                        }
                    }
                }
                @if v.pages > 1 {
                    nav.pager {
                        @if v.page > 0 { a.button href=(v.page_link(v.page - 1)) { "← " (l.t("inspections-previous")) } }
                        span { (v.page + 1) " / " (v.pages) }
                        @if v.page + 1 < v.pages { a.button href=(v.page_link(v.page + 1)) { (l.t("inspections-next")) " →" } }
                    }
                }
            }
        },
    )
}

/// The person form, as shown or as posted back with problems.
#[derive(Debug, Clone, Default)]
pub struct PersonForm {
    /// `None` for a new person.
    pub id: Option<i32>,
    pub email: String,
    pub name: String,
    pub role: String,
    pub sites: Vec<i32>,
    /// Position key, or empty.
    pub position: String,
    pub gender: String,
    pub hire_date: String,
    pub active: bool,
    /// Whether the admin is editing themself (role and active are then fixed).
    pub is_self: bool,
    pub has_password: bool,
    /// The new-person form's sign-in choice: generate | password | none (see [`SignIn`]).
    pub signin: String,
    pub errors: Vec<String>,
}

/// A person just added, as the confirmation shows them.
pub struct Added {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub signin: SignIn,
    /// The generated password, shown on this page only.
    pub password: Option<String>,
}

/// The confirmation after adding a person: who, and how they sign in.
fn added_notice(l: Lang, a: &Added) -> Markup {
    let args = [
        ("name", a.name.clone().into()),
        ("email", a.email.clone().into()),
    ];
    html! {
        div.ok.person-added role="status" data-signin=(a.signin.as_str()) {
            strong { (l.t_args("polish-staff-person-added", &args)) }
            @match a.signin {
                SignIn::Generate => {
                    p { (l.t("polish-staff-generated-password")) }
                    p { code.generated-password { (a.password.as_deref().unwrap_or_default()) } }
                    p { (l.t("polish-staff-shown-once")) }
                }
                SignIn::Password => { p { (l.t("polish-staff-signs-in-with-set-password")) } }
                SignIn::None => { p.notice { (l.t("polish-staff-cannot-sign-in")) } }
            }
            p { a href={ "/admin/people/" (a.id) } { (l.t("polish-staff-open-person")) } }
        }
    }
}

/// The page shown once after a person is added with a generated password.
pub fn person_added(chrome: &Chrome, added: &Added) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("admin-people"),
        "/admin",
        html! {
            (back("/admin/people", &l.t("admin-people")))
            h1 { (l.t("admin-people")) }
            (added_notice(l, added))
            p { a.button.primary href="/admin/people/new" { (l.t("admin-new-person")) } }
        },
    )
}

pub fn person_form(
    chrome: &Chrome,
    f: &PersonForm,
    sites: &[SiteChoice],
    positions: &[PositionChoice],
) -> Markup {
    let l = chrome.lang;
    let title = match f.id {
        None => l.t("admin-new-person"),
        Some(_) => l.t("admin-edit-person"),
    };
    let action = match f.id {
        None => "/admin/people".to_string(),
        Some(id) => format!("/admin/people/{id}"),
    };
    page(
        chrome,
        &title,
        "/admin",
        html! {
            (back("/admin/people", &l.t("admin-people")))
            h1 { (title) @if f.id.is_some() { " · " (f.name) } }
            (errors(l, &f.errors))
            form.card method="post" action=(action) {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                label {
                    (l.t("admin-name"))
                    input type="text" name="name" value=(f.name) required maxlength="120";
                }
                @if f.id.is_none() {
                    label {
                        (l.t("auth-email"))
                        input type="email" name="email" value=(f.email) required maxlength="254";
                    }
                } @else {
                    p { (l.t("auth-email")) ": " strong { (f.email) }
                        @if !f.has_password { " " span.badge.na { (l.t("admin-no-sign-in")) } } }
                }
                label {
                    (l.t("admin-role"))
                    select name="role" required disabled[f.is_self] {
                        @for r in Role::ALL {
                            option value=(r.as_str()) selected[f.role == r.as_str()] { (role_label(l, r.as_str())) }
                        }
                    }
                    @if f.is_self {
                        input type="hidden" name="role" value=(f.role);
                        span.muted { (l.t("admin-you-cannot-change-your-own")) }
                    }
                }
                fieldset {
                    legend { (l.t("quality-sites")) }
                    @if sites.is_empty() {
                        p.empty { (l.t("admin-there-are-no-sites-yet-2")) }
                    }
                    @for s in sites {
                        label {
                            input type="checkbox" name="site" value=(s.id) checked[f.sites.contains(&s.id)];
                            " " (s.code) " · " (s.name)
                            @if !s.active { " " span.badge.draft { (l.t("admin-inactive")) } }
                        }
                    }
                }
                label {
                    (l.t("training-position"))
                    select name="position" {
                        option value="" { (l.t("admin-none")) }
                        @for p in positions {
                            option value=(p.key) selected[f.position == p.key] { (p.name) }
                        }
                    }
                }
                label {
                    (l.t("admin-gender"))
                    select name="gender" {
                        option value="" { (l.t("admin-not-given")) }
                        @for g in ["female", "male"] {
                            option value=(g) selected[f.gender == g] { (gender_label(l, g)) }
                        }
                    }
                }
                label {
                    (l.t("admin-hire-date"))
                    input type="date" name="hire_date" value=(f.hire_date);
                }
                @if f.id.is_none() {
                    fieldset.signin {
                        legend { (l.t("polish-staff-signin")) }
                        @let chosen = SignIn::parse(&f.signin).unwrap_or(SignIn::Generate);
                        @for choice in SignIn::ALL {
                            label.signin-choice {
                                input type="radio" name="signin" value=(choice.as_str()) checked[choice == chosen];
                                " " (l.t(choice.label()))
                            }
                            @if choice == SignIn::Password {
                                label.signin-password {
                                    (l.t("polish-staff-password"))
                                    input type="password" name="password" autocomplete="new-password" minlength="8";
                                    span.muted { (l.t("polish-staff-password-hint")) }
                                }
                            }
                        }
                    }
                } @else {
                    label {
                        input type="checkbox" name="active" value="on" checked[f.active] disabled[f.is_self];
                        " " (l.t("admin-active-inactive-people-cannot-sign"))
                    }
                    @if f.is_self {
                        input type="hidden" name="active" value="on";
                        span.muted { (l.t("admin-you-cannot-deactivate-your-own")) }
                    }
                }
                button.primary type="submit" { (l.t("admin-save")) }
            }
        },
    )
}

// ── Positions ───────────────────────────────────────────────────────────────

pub struct PositionRow {
    pub key: String,
    pub name: String,
    pub people: usize,
    /// Module keys and titles of the new-hire curriculum, when the library could be read.
    pub curriculum: Option<Vec<(String, Option<String>)>>,
    pub due_days: Option<u32>,
}

pub fn positions(chrome: &Chrome, rows: &[PositionRow], library_readable: bool) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("admin-positions"),
        "/admin",
        html! {
            (back("/admin", &l.t("layout-admin")))
            h1 { (l.t("admin-positions")) }
            p.notice {
                (l.t("admin-positions-and-their-new-hire"))
            }
            @if !library_readable {
                p.error { (l.t("admin-the-library-files-could-not")) }
            }
            @if rows.is_empty() {
                p.empty { (l.t("admin-there-are-no-positions-yet")) }
            } @else {
                table {
                    tr {
                        th { (l.t("admin-key")) }
                        th { (l.t("quality-name")) }
                        th.num { (l.t("admin-people-3")) }
                        th { (l.t("admin-new-hire-curriculum")) }
                    }
                    @for r in rows {
                        tr {
                            td { code { (r.key) } }
                            td { (r.name) }
                            td.num { (r.people) }
                            td {
                                @match &r.curriculum {
                                    None => span.muted { "—" },
                                    Some(list) if list.is_empty() => span.muted { (l.t("admin-no-modules")) },
                                    Some(list) => {
                                        ul {
                                            @for (key, title) in list {
                                                li { code { (key) } @if let Some(t) = title { " " span.muted { (t) } } }
                                            }
                                        }
                                        @if let Some(d) = r.due_days {
                                            span.muted { (l.t_args("typed-due-within-days", &[("days", d.into())])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

// ── Checklists ──────────────────────────────────────────────────────────────

/// The library spans sites: dates in the admin's primary site's zone.
fn date(clock: &SiteClock, t: &chrono::DateTime<chrono::Utc>) -> String {
    clock.date_of(*t).to_string()
}

/// `names` maps position keys to display names.
/// `problems`: the library files' problems as `file:line:column: message`; the files
/// with them were not imported, so their last imported versions are the ones in use.
pub fn checklists(
    chrome: &Chrome,
    rows: &[ChecklistSummary],
    names: &dyn Fn(&str) -> String,
    clock: &SiteClock,
    problems: &[String],
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("admin-checklists"),
        "/admin",
        html! {
            (back("/admin", &l.t("layout-admin")))
            h1 { (l.t("admin-checklists")) }
            p.muted {
                (l.t("admin-checklists-are-defined-in-the"))
            }
            @if !problems.is_empty() {
                section.library-problems {
                    h2 { (l.t("admin-problems-in-the-library-files")) }
                    p.error {
                        (l.t("admin-the-files-below-have-problems"))
                    }
                    ul {
                        @for problem in problems { li { code { (problem) } } }
                    }
                }
            }
            @if rows.is_empty() {
                p.empty { (l.t("admin-no-checklists-have-been-imported")) }
            } @else {
                table {
                    tr {
                        th { (l.t("admin-key")) }
                        th { (l.t("admin-title")) }
                        th.num { (l.t("admin-versions")) }
                        th { (l.t("admin-latest")) }
                        th { (l.t("admin-positions-3")) }
                    }
                    @for c in rows {
                        tr {
                            td { a href={ "/admin/checklists/" (urlencode(&c.key)) } { (c.key) }
                                 @if !c.active { " " span.badge.draft { (l.t("admin-inactive")) } } }
                            td { @if let Some(v) = c.latest() { (v.title.get(l)) } }
                            td.num { (c.versions.len()) }
                            td { @match c.latest() {
                                Some(v) => { "v" (v.version) " · " (date(clock, &v.created_at)) },
                                None => span.muted { "—" },
                            } }
                            td {
                                @if c.positions.is_empty() { span.muted { "—" } }
                                @for (i, p) in c.positions.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (names(p))
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn checklist(
    chrome: &Chrome,
    c: &ChecklistSummary,
    names: &dyn Fn(&str) -> String,
    clock: &SiteClock,
) -> Markup {
    let l = chrome.lang;
    let title = c
        .latest()
        .map(|v| v.title.get(l).to_string())
        .unwrap_or_else(|| c.key.clone());
    let latest = c.latest().map_or(0, |v| v.version);
    let earlier = c.versions.get(1).map_or(latest, |v| v.version);
    page(
        chrome,
        &title,
        "/admin",
        html! {
            (back("/admin/checklists", &l.t("admin-checklists")))
            h1 { (title) }
            p.muted {
                code { (c.key) }
                @if !c.positions.is_empty() {
                    " · " (l.t("admin-for")) ": "
                    @for (i, p) in c.positions.iter().enumerate() { @if i > 0 { ", " } (names(p)) }
                }
            }
            section.card {
                h2 { (l.t("admin-versions-2")) }
                (times_note(l, ZoneNaming::Once(clock.tz), true))
                @if c.versions.is_empty() {
                    p.empty { (l.t("admin-this-checklist-has-no-versions")) }
                } @else {
                    table {
                        tr {
                            th { (l.t("admin-version")) }
                            th { (l.t("admin-created")) }
                            th { (l.t("admin-title")) }
                            th { (l.t("admin-content-hash")) }
                        }
                        @for v in &c.versions {
                            tr {
                                td { "v" (v.version) }
                                td { (ZoneNaming::Once(clock.tz).format(clock.tz, v.created_at)) }
                                td { (v.title.get(l)) }
                                td { code title=(v.content_hash) { (v.content_hash.chars().take(12).collect::<String>()) } }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("admin-compare-two-versions")) }
                @if c.versions.len() < 2 {
                    p.empty { (l.t("admin-there-is-only-one-version")) }
                } @else {
                    form.filters method="get" action={ "/admin/checklists/" (urlencode(&c.key)) "/diff" } {
                        label { (l.t("admin-from"))
                            select name="from" {
                                @for v in &c.versions { option value=(v.version) selected[v.version == earlier] { "v" (v.version) " · " (date(clock, &v.created_at)) } }
                            }
                        }
                        label { (l.t("admin-to"))
                            select name="to" {
                                @for v in &c.versions { option value=(v.version) selected[v.version == latest] { "v" (v.version) " · " (date(clock, &v.created_at)) } }
                            }
                        }
                        button.primary type="submit" { (l.t("admin-compare")) }
                    }
                }
            }
        },
    )
}

fn kind_label(l: Lang, kind: &str) -> String {
    match kind {
        "check" => l.t("admin-pass-fail"),
        "scale" => l.t("admin-scale"),
        "measure" => l.t("admin-measure"),
        "script" => l.t("admin-script"),
        "steps" => l.t("admin-steps"),
        "limit" => l.t("admin-limit"),
        other => other.to_string(),
    }
}

fn num(n: f64) -> String {
    format!("{n}")
}

/// The scoring details of a kind of item, in a line.
fn kind_detail(l: Lang, kind: &ItemKind) -> String {
    match kind {
        ItemKind::Check => String::new(),
        ItemKind::Scale { max, pass_at, .. } => {
            format!("0–{max}, {} ≥ {pass_at}", l.t("common-pass"))
        }
        ItemKind::Measure { unit, allowed, .. } => {
            let passing = match (allowed.target, allowed.tolerance) {
                (Some(t), Some(tol)) => format!("{}{unit} ± {}{unit}", num(t), num(tol)),
                _ => {
                    let (lo, hi) = allowed.bounds();
                    format!(
                        "{}–{} {unit}",
                        lo.map(num).unwrap_or_default(),
                        hi.map(num).unwrap_or_default()
                    )
                }
            };
            match kind.input_range() {
                Some((lo, hi)) => format!(
                    "{passing} ({} {}–{} {unit})",
                    l.t("admin-accepts"),
                    num(lo),
                    num(hi)
                ),
                None => passing,
            }
        }
        ItemKind::Script {
            phrases, pass_at, ..
        } => format!(
            "{} {pass_at}/{}",
            l.t("admin-phrases-needed"),
            phrases.len()
        ),
        ItemKind::Steps {
            steps,
            in_order,
            pass_at,
        } => l.t_args(
            if *in_order {
                "typed-steps-needed-in-order"
            } else {
                "typed-steps-needed"
            },
            &[
                ("needed", pass_at.to_string().into()),
                ("steps", steps.len().into()),
            ],
        ),
        ItemKind::Limit { unit, limit } => {
            format!(
                "{} {unit} ({} {})",
                l.t("admin-cap-in"),
                l.t("admin-by"),
                limit.by
            )
        }
    }
}

/// A value, highlighted when it is what changed.
fn mark(changed: bool, content: Markup) -> Markup {
    html! { @if changed { mark { (content) } } @else { (content) } }
}

fn other(l: Lang) -> Lang {
    match l {
        Lang::Zh | Lang::ZhHans => Lang::En,
        Lang::En => Lang::Zh,
    }
}

fn item_cell(l: Lang, item: &Item, d: &ItemDiff) -> Markup {
    let c = |f: ItemField| d.changed(f);
    html! {
        (mark(c(ItemField::Text), html! { (item.text.get(l)) }))
        @if c(ItemField::Text) { br; span.muted { (item.text.get(other(l))) } }
        br;
        span.muted {
            (mark(c(ItemField::Clause), html! { "§" (item.clause) }))
            " · " (mark(c(ItemField::Kind) || c(ItemField::Scoring), html! {
                (kind_label(l, item.kind_name()))
                @let detail = kind_detail(l, &item.kind);
                @if !detail.is_empty() { " " (detail) }
            }))
            " · " (mark(c(ItemField::Weight), html! { (l.t("item-field-weight")) " " (num(item.weight)) }))
        }
        @if item.critical || c(ItemField::Critical) {
            " " (mark(c(ItemField::Critical), html! {
                @if item.critical { span.badge.critical { (l.t("spotcheck-critical")) } }
                @else { span.muted { (l.t("admin-not-critical")) } }
            }))
        }
        @if c(ItemField::Guidance) {
            p.muted { mark { (l.t("admin-guidance")) } ": " (item.guidance.get(l)) }
        }
        @if c(ItemField::Training) {
            p.muted { mark { (l.t("layout-training")) } ": " (item.training.join(", ")) }
        }
    }
}

fn change_badge(l: Lang, change: Change) -> Markup {
    html! {
        @match change {
            Change::Added => span.badge.pass { (l.t("admin-added")) },
            Change::Removed => span.badge.fail { (l.t("admin-removed")) },
            Change::Changed => span.badge.draft { (l.t("admin-changed")) },
            Change::Unchanged => {},
        }
    }
}

fn text_both(t: &Text) -> String {
    format!("{} / {}", t.get(Lang::Zh), t.get(Lang::En))
}

pub struct DiffView<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub from: i32,
    pub to: i32,
    pub diff: &'a ChecklistDiff,
}

pub fn diff(chrome: &Chrome, v: &DiffView) -> Markup {
    let l = chrome.lang;
    let heading = format!("{} · v{} → v{}", v.title, v.from, v.to);
    page(
        chrome,
        &heading,
        "/admin",
        html! {
            (back(&format!("/admin/checklists/{}", urlencode(v.key)), v.title))
            h1 { (heading) }
            (diff_body(l, v.diff, &format!("v{}", v.from), &format!("v{}", v.to)))
        },
    )
}

/// What changed between two checklists, side by side under the two columns' headings:
/// the compare page's body, and a proposal's against the published version.
pub fn diff_body(l: Lang, d: &ChecklistDiff, old_head: &str, new_head: &str) -> Markup {
    let section_title = |key: &str| {
        d.section(key)
            .map(|s| s.title().get(l).to_string())
            .unwrap_or_else(|| key.to_string())
    };
    html! {
        @if d.is_empty() {
            p.empty { (l.t("admin-the-two-versions-are-the")) }
        } @else {
            p.muted {
                (l.t("admin-added")) " " (d.count(Change::Added)) " · "
                (l.t("admin-removed")) " " (d.count(Change::Removed)) " · "
                (l.t("admin-changed")) " " (d.count(Change::Changed)) " · "
                (l.t("admin-unchanged")) " " (d.unchanged_items())
            }
            @if d.header_changed() {
                section.card {
                    h2 { (l.t("layout-checklist")) }
                    table.diff {
                        tr { th { (l.t("admin-field")) } th { (old_head) } th { (new_head) } }
                        @if let Some((a, b)) = &d.title {
                            tr { td { (l.t("admin-title")) } td.changed { (text_both(a)) } td.changed { (text_both(b)) } }
                        }
                        @if let Some((a, b)) = &d.pass_mark {
                            tr { td { (l.t("training-pass-mark")) } td.changed { (num(*a)) "%" } td.changed { (num(*b)) "%" } }
                        }
                        @if let Some((a, b)) = &d.description {
                            tr { td { (l.t("admin-description")) }
                                 td.changed { (a.as_ref().map(|t| t.get(l)).unwrap_or("—")) }
                                 td.changed { (b.as_ref().map(|t| t.get(l)).unwrap_or("—")) } }
                        }
                        @if let Some((a, b)) = &d.positions {
                            tr { td { (l.t("admin-positions-3")) } td.changed { (a.join(", ")) } td.changed { (b.join(", ")) } }
                        }
                        @if let Some((a, b)) = &d.source {
                            tr { td { (l.t("admin-source")) } td.changed { (a) } td.changed { (b) } }
                        }
                        @if d.context_changed {
                            tr { td { (l.t("admin-context-fields")) }
                                 td.changed colspan="2" { (l.t("admin-the-context-fields-the-inspector")) } }
                        }
                    }
                }
            }
            @for s in &d.sections {
                section.card {
                    h2 {
                        (s.title().get(l)) " " (change_badge(l, s.change))
                    }
                    @if s.change == Change::Changed {
                        @if let (Some(a), Some(b)) = (&s.old_title, &s.new_title) {
                            p.muted { (l.t("admin-renamed-from")) " “" (a.get(l)) "” " (l.t("admin-to-2")) " “" (b.get(l)) "”" }
                        }
                    }
                    @if s.items.is_empty() {
                        p.muted {
                            @if s.unchanged_items > 0 {
                                (s.unchanged_items) " " (l.t("admin-items-unchanged"))
                            } @else {
                                (l.t("admin-no-item-changes-in-this"))
                            }
                        }
                    } @else {
                        table.diff {
                            tr { th { (l.t("inspections-item")) } th { (old_head) } th { (new_head) } }
                            @for i in &s.items {
                                tr {
                                    td {
                                        code { (i.key) } br; (change_badge(l, i.change))
                                        @if !i.fields.is_empty() {
                                            br;
                                            span.muted {
                                                @for (n, f) in i.fields.iter().enumerate() {
                                                    @if n > 0 { ", " }
                                                    (l.t(f.label()))
                                                }
                                            }
                                        }
                                        @if let Some(from) = &i.moved_from {
                                            br; span.muted { (l.t("admin-moved-from")) " " (section_title(from)) }
                                        }
                                    }
                                    @match (&i.old, &i.new, i.change) {
                                        (None, Some(new), _) => {
                                            td { span.muted { "—" } }
                                            td.added { (item_cell(l, new, i)) }
                                        }
                                        (Some(old), None, _) => {
                                            td.removed { (item_cell(l, old, i)) }
                                            td { span.muted { "—" } }
                                        }
                                        (Some(old), Some(new), _) => {
                                            td.changed { (item_cell(l, old, i)) }
                                            td.changed { (item_cell(l, new, i)) }
                                        }
                                        (None, None, _) => { td {} td {} }
                                    }
                                }
                            }
                            @if s.unchanged_items > 0 {
                                tr { td.muted colspan="3" { (s.unchanged_items) " " (l.t("admin-unchanged-items-not-shown")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
