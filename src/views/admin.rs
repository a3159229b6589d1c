//! Admin pages: the overview, sites, people, positions (read-only) and the checklist
//! library with its versions and what changed between two of them.

use maud::{Markup, html};

use super::layout::page;
use super::{Chrome, urlencode};
use crate::domain::access::Role;
use crate::domain::clock::{self, SiteClock};
use crate::domain::diff::{Change, ChecklistDiff, ItemDiff, ItemField};
use crate::domain::org::SiteKind;
use crate::domain::versions::ChecklistSummary;
use crate::domain::{Item, ItemKind, Lang, Text};

pub fn site_kind_label(l: Lang, kind: &str) -> &str {
    match SiteKind::parse(kind) {
        Some(kind) => {
            let (zh, en) = kind.label();
            l.pick(zh, en)
        }
        None => kind,
    }
}

pub fn role_label(l: Lang, role: &str) -> String {
    match Role::parse(role) {
        Some(r) => {
            let (zh, en) = r.label();
            l.pick(zh, en).to_string()
        }
        None => role.to_string(),
    }
}

pub fn gender_label(l: Lang, gender: &str) -> &str {
    match gender {
        "female" => l.pick("女", "Female"),
        "male" => l.pick("男", "Male"),
        other => other,
    }
}

fn back(l: Lang, href: &str, label_zh: &str, label_en: &str) -> Markup {
    html! { p.muted { a href=(href) { "← " (l.pick(label_zh, label_en)) } } }
}

fn errors(l: Lang, list: &[String]) -> Markup {
    html! {
        @if !list.is_empty() {
            div.error role="alert" {
                strong { (l.pick("請修正以下問題：", "Please correct the following:")) }
                ul { @for e in list { li { (e) } } }
            }
        }
    }
}

fn active_badge(l: Lang, active: bool) -> Markup {
    html! {
        @if active { span.badge.pass { (l.pick("啟用", "Active")) } }
        @else { span.badge.draft { (l.pick("停用", "Inactive")) } }
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
            l.pick("場所", "Sites"),
            counts.sites,
            l.pick("個場所", "sites"),
        ),
        (
            "/admin/people",
            l.pick("人員", "People"),
            counts.people,
            l.pick("人", "people"),
        ),
        (
            "/admin/positions",
            l.pick("崗位", "Positions"),
            counts.positions,
            l.pick("個崗位", "positions"),
        ),
        (
            "/admin/checklists",
            l.pick("檢查表", "Checklists"),
            counts.checklists,
            l.pick("份檢查表", "checklists"),
        ),
    ];
    page(
        chrome,
        l.pick("管理", "Admin"),
        "/admin",
        html! {
            h1 { (l.pick("管理", "Admin")) }
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
        l.pick("場所", "Sites"),
        "/admin",
        html! {
            (back(l, "/admin", "管理", "Admin"))
            h1 { (l.pick("場所", "Sites")) }
            p { a.button.primary href="/admin/sites/new" { (l.pick("新增場所", "New site")) } }
            @if rows.is_empty() {
                p.empty { (l.pick("還沒有場所。請先新增一個。", "There are no sites yet. Add the first one.")) }
            } @else {
                table {
                    tr {
                        th { (l.pick("代碼", "Code")) }
                        th { (l.pick("名稱", "Name")) }
                        th { (l.pick("類型", "Kind")) }
                        th { (l.pick("時區", "Time zone")) }
                        th { (l.pick("狀態", "Status")) }
                        th.num { (l.pick("人數", "People")) }
                    }
                    @for r in rows {
                        tr {
                            td { a href={ "/admin/sites/" (r.id) } { (r.code) } }
                            td { (r.name) }
                            td { (site_kind_label(l, &r.kind)) }
                            td { @if r.time_zone.is_empty() { span.muted { (l.pick("預設", "default")) } } @else { (r.time_zone) } }
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
        None => l.pick("新增場所", "New site"),
        Some(_) => l.pick("編輯場所", "Edit site"),
    };
    let action = match f.id {
        None => "/admin/sites".to_string(),
        Some(id) => format!("/admin/sites/{id}"),
    };
    page(
        chrome,
        title,
        "/admin",
        html! {
            (back(l, "/admin/sites", "場所", "Sites"))
            h1 { (title) @if f.id.is_some() { " · " (f.code) } }
            (errors(l, &f.errors))
            form.card method="post" action=(action) {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                @if f.id.is_none() {
                    label {
                        (l.pick("代碼", "Code"))
                        input type="text" name="code" value=(f.code) required maxlength="32"
                            pattern="[A-Za-z0-9-]+" autocapitalize="characters";
                        span.muted { (l.pick("英文大寫字母、數字及 -，例如 JL-LOBBY；建立後不能更改。",
                                            "Upper-case letters, digits and -, e.g. JL-LOBBY; it cannot change later.")) }
                    }
                } @else {
                    p { (l.pick("代碼", "Code")) ": " strong { (f.code) } }
                }
                label {
                    (l.pick("名稱", "Name"))
                    input type="text" name="name" value=(f.name) required maxlength="120";
                }
                label {
                    (l.pick("類型", "Kind"))
                    select name="kind" required {
                        option value="" { (l.pick("請選擇", "Choose…")) }
                        @for k in SiteKind::ALL {
                            option value=(k.as_str()) selected[f.kind == k.as_str()] { (site_kind_label(l, k.as_str())) }
                        }
                    }
                }
                label {
                    (l.pick("時區", "Time zone"))
                    input type="text" name="time_zone" value=(f.time_zone) required list="time-zones"
                        autocomplete="off" spellcheck="false";
                    datalist #time-zones {
                        @for zone in clock::zone_names() { option value=(zone) {} }
                    }
                    span.muted { (l.pick("IANA 時區名稱，例如 Asia/Hong_Kong；「今天」、班次及顯示的時間都以此計算。",
                                        "IANA name, e.g. Asia/Hong_Kong: the site's today, shifts and the times shown are in this zone.")) }
                }
                @if f.id.is_some() {
                    label {
                        input type="checkbox" name="active" value="on" checked[f.active];
                        " " (l.pick("啟用（停用的場所不能再抽查）", "Active (no spot-checks at inactive sites)"))
                    }
                }
                button.primary type="submit" { (l.pick("儲存", "Save")) }
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
        l.pick("人員", "People"),
        "/admin",
        html! {
            (back(l, "/admin", "管理", "Admin"))
            h1 { (l.pick("人員", "People")) }
            p { a.button.primary href="/admin/people/new" { (l.pick("新增人員", "New person")) } }
            form.filters method="get" action="/admin/people" {
                label { (l.pick("場所", "Site"))
                    select name="site" {
                        option value="" { (l.pick("全部", "All")) }
                        @for s in &v.sites {
                            option value=(s.id) selected[v.site == Some(s.id)] { (s.code) " · " (s.name) }
                        }
                    }
                }
                label { (l.pick("角色", "Role"))
                    select name="role" {
                        option value="" { (l.pick("全部", "All")) }
                        @for r in Role::ALL {
                            option value=(r.as_str()) selected[v.role == Some(r)] { (role_label(l, r.as_str())) }
                        }
                    }
                }
                button.primary type="submit" { (l.pick("篩選", "Filter")) }
            }
            p.muted { (v.total) " " (l.pick("人", "people")) }
            @if v.rows.is_empty() {
                @if filtered {
                    p.empty { (l.pick("沒有符合條件的人員。", "No one matches these filters.")) }
                } @else {
                    p.empty { (l.pick("還沒有人員。", "There is no one yet.")) }
                }
            } @else {
                table {
                    tr {
                        th { (l.pick("姓名", "Name")) }
                        th { (l.pick("電郵", "Email")) }
                        th { (l.pick("角色", "Role")) }
                        th { (l.pick("崗位", "Position")) }
                        th { (l.pick("場所", "Sites")) }
                        th { (l.pick("狀態", "Status")) }
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
                                @if !r.signs_in { " " span.badge.na { (l.pick("未設登入", "No sign-in")) } }
                            }
                        }
                    }
                }
                @if v.pages > 1 {
                    nav.pager {
                        @if v.page > 0 { a.button href=(v.page_link(v.page - 1)) { "← " (l.pick("上一頁", "Previous")) } }
                        span { (v.page + 1) " / " (v.pages) }
                        @if v.page + 1 < v.pages { a.button href=(v.page_link(v.page + 1)) { (l.pick("下一頁", "Next")) " →" } }
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
    pub errors: Vec<String>,
}

pub fn person_form(
    chrome: &Chrome,
    f: &PersonForm,
    sites: &[SiteChoice],
    positions: &[PositionChoice],
) -> Markup {
    let l = chrome.lang;
    let title = match f.id {
        None => l.pick("新增人員", "New person"),
        Some(_) => l.pick("編輯人員", "Edit person"),
    };
    let action = match f.id {
        None => "/admin/people".to_string(),
        Some(id) => format!("/admin/people/{id}"),
    };
    page(
        chrome,
        title,
        "/admin",
        html! {
            (back(l, "/admin/people", "人員", "People"))
            h1 { (title) @if f.id.is_some() { " · " (f.name) } }
            (errors(l, &f.errors))
            form.card method="post" action=(action) {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                label {
                    (l.pick("姓名", "Name"))
                    input type="text" name="name" value=(f.name) required maxlength="120";
                }
                @if f.id.is_none() {
                    label {
                        (l.pick("電郵", "Email"))
                        input type="email" name="email" value=(f.email) required maxlength="254";
                    }
                } @else {
                    p { (l.pick("電郵", "Email")) ": " strong { (f.email) }
                        @if !f.has_password { " " span.badge.na { (l.pick("未設登入", "No sign-in")) } } }
                }
                label {
                    (l.pick("角色", "Role"))
                    select name="role" required disabled[f.is_self] {
                        @for r in Role::ALL {
                            option value=(r.as_str()) selected[f.role == r.as_str()] { (role_label(l, r.as_str())) }
                        }
                    }
                    @if f.is_self {
                        input type="hidden" name="role" value=(f.role);
                        span.muted { (l.pick("你不能更改自己的角色。", "You cannot change your own role.")) }
                    }
                }
                fieldset {
                    legend { (l.pick("場所", "Sites")) }
                    @if sites.is_empty() {
                        p.empty { (l.pick("還沒有場所；可先建立人員，之後再加入場所。",
                                          "There are no sites yet; you can add sites to this person later.")) }
                    }
                    @for s in sites {
                        label {
                            input type="checkbox" name="site" value=(s.id) checked[f.sites.contains(&s.id)];
                            " " (s.code) " · " (s.name)
                            @if !s.active { " " span.badge.draft { (l.pick("停用", "Inactive")) } }
                        }
                    }
                }
                label {
                    (l.pick("崗位", "Position"))
                    select name="position" {
                        option value="" { (l.pick("（無）", "(none)")) }
                        @for p in positions {
                            option value=(p.key) selected[f.position == p.key] { (p.name) }
                        }
                    }
                }
                label {
                    (l.pick("性別", "Gender"))
                    select name="gender" {
                        option value="" { (l.pick("（未填）", "(not given)")) }
                        @for g in ["female", "male"] {
                            option value=(g) selected[f.gender == g] { (gender_label(l, g)) }
                        }
                    }
                }
                label {
                    (l.pick("入職日期", "Hire date"))
                    input type="date" name="hire_date" value=(f.hire_date);
                }
                @if f.id.is_none() {
                    label {
                        (l.pick("初始密碼（可留空）", "Initial password (optional)"))
                        input type="password" name="password" autocomplete="new-password" minlength="8";
                        span.muted { (l.pick("至少8個字元。留空則此人暫不能登入。",
                                            "At least 8 characters. Leave empty for a person who does not sign in.")) }
                    }
                } @else {
                    label {
                        input type="checkbox" name="active" value="on" checked[f.active] disabled[f.is_self];
                        " " (l.pick("啟用（停用的人員不能登入，亦不會被抽查）", "Active (inactive people cannot sign in and are not spot-checked)"))
                    }
                    @if f.is_self {
                        input type="hidden" name="active" value="on";
                        span.muted { (l.pick("你不能停用自己的帳戶。", "You cannot deactivate your own account.")) }
                    }
                }
                button.primary type="submit" { (l.pick("儲存", "Save")) }
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
        l.pick("崗位", "Positions"),
        "/admin",
        html! {
            (back(l, "/admin", "管理", "Admin"))
            h1 { (l.pick("崗位", "Positions")) }
            p.notice {
                (l.pick("崗位及其新人培訓課程定義在檢查表資料檔 checklists/positions.toml 中；此頁只供查看。修改資料檔後執行 decorum checklists import（或重新啟動）即可更新。",
                        "Positions and their new-hire curricula are defined in the library file checklists/positions.toml; this page is read-only. Edit that file, then run decorum checklists import (or restart) to update them."))
            }
            @if !library_readable {
                p.error { (l.pick("暫時無法讀取檢查表資料檔，只顯示崗位名稱。", "The library files could not be read just now, so only the names are shown.")) }
            }
            @if rows.is_empty() {
                p.empty { (l.pick("還沒有崗位。請在 checklists/positions.toml 中定義並匯入。",
                                  "There are no positions yet. Define them in checklists/positions.toml and import.")) }
            } @else {
                table {
                    tr {
                        th { (l.pick("代碼", "Key")) }
                        th { (l.pick("名稱", "Name")) }
                        th.num { (l.pick("人數", "People")) }
                        th { (l.pick("新人培訓課程", "New-hire curriculum")) }
                    }
                    @for r in rows {
                        tr {
                            td { code { (r.key) } }
                            td { (r.name) }
                            td.num { (r.people) }
                            td {
                                @match &r.curriculum {
                                    None => span.muted { "—" },
                                    Some(list) if list.is_empty() => span.muted { (l.pick("沒有課程", "No modules")) },
                                    Some(list) => {
                                        ul {
                                            @for (key, title) in list {
                                                li { code { (key) } @if let Some(t) = title { " " span.muted { (t) } } }
                                            }
                                        }
                                        @if let Some(d) = r.due_days {
                                            span.muted { (l.pick("入職後", "Due within ")) (d) (l.pick("天內完成", " days of hire")) }
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
        l.pick("檢查表", "Checklists"),
        "/admin",
        html! {
            (back(l, "/admin", "管理", "Admin"))
            h1 { (l.pick("檢查表", "Checklists")) }
            p.muted {
                (l.pick("檢查表定義在 checklists/ 資料檔中；內容有變時匯入會建立新版本，舊版本保持不變。",
                        "Checklists are defined in the files under checklists/; importing a changed file makes a new version and leaves the older ones as they were."))
            }
            @if !problems.is_empty() {
                section.library-problems {
                    h2 { (l.pick("資料檔有問題", "Problems in the library files")) }
                    p.error {
                        (l.pick("以下檔案有問題，未被匯入；修正前繼續使用其上次匯入的版本。",
                                "The files below have problems and were not imported; their last imported versions stay in use until they are fixed."))
                    }
                    ul {
                        @for problem in problems { li { code { (problem) } } }
                    }
                }
            }
            @if rows.is_empty() {
                p.empty { (l.pick("還沒有匯入任何檢查表。", "No checklists have been imported yet.")) }
            } @else {
                table {
                    tr {
                        th { (l.pick("代碼", "Key")) }
                        th { (l.pick("標題", "Title")) }
                        th.num { (l.pick("版本數", "Versions")) }
                        th { (l.pick("最新版本", "Latest")) }
                        th { (l.pick("適用崗位", "Positions")) }
                    }
                    @for c in rows {
                        tr {
                            td { a href={ "/admin/checklists/" (urlencode(&c.key)) } { (c.key) }
                                 @if !c.active { " " span.badge.draft { (l.pick("停用", "Inactive")) } } }
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
            (back(l, "/admin/checklists", "檢查表", "Checklists"))
            h1 { (title) }
            p.muted {
                code { (c.key) }
                @if !c.positions.is_empty() {
                    " · " (l.pick("適用崗位", "For")) ": "
                    @for (i, p) in c.positions.iter().enumerate() { @if i > 0 { ", " } (names(p)) }
                }
            }
            section.card {
                h2 { (l.pick("版本", "Versions")) }
                @if c.versions.is_empty() {
                    p.empty { (l.pick("此檢查表還沒有版本。", "This checklist has no versions yet.")) }
                } @else {
                    table {
                        tr {
                            th { (l.pick("版本", "Version")) }
                            th { (l.pick("建立日期", "Created")) }
                            th { (l.pick("標題", "Title")) }
                            th { (l.pick("內容雜湊", "Content hash")) }
                        }
                        @for v in &c.versions {
                            tr {
                                td { "v" (v.version) }
                                td { (clock.format(v.created_at)) }
                                td { (v.title.get(l)) }
                                td { code title=(v.content_hash) { (v.content_hash.chars().take(12).collect::<String>()) } }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.pick("比較兩個版本", "Compare two versions")) }
                @if c.versions.len() < 2 {
                    p.empty { (l.pick("只有一個版本，沒有可比較的內容。", "There is only one version, so there is nothing to compare yet.")) }
                } @else {
                    form.filters method="get" action={ "/admin/checklists/" (urlencode(&c.key)) "/diff" } {
                        label { (l.pick("舊版本", "From"))
                            select name="from" {
                                @for v in &c.versions { option value=(v.version) selected[v.version == earlier] { "v" (v.version) " · " (date(clock, &v.created_at)) } }
                            }
                        }
                        label { (l.pick("新版本", "To"))
                            select name="to" {
                                @for v in &c.versions { option value=(v.version) selected[v.version == latest] { "v" (v.version) " · " (date(clock, &v.created_at)) } }
                            }
                        }
                        button.primary type="submit" { (l.pick("比較", "Compare")) }
                    }
                }
            }
        },
    )
}

fn kind_label(l: Lang, kind: &str) -> &str {
    match kind {
        "check" => l.pick("合格／不合格", "Pass/fail"),
        "scale" => l.pick("評分", "Scale"),
        "measure" => l.pick("量度", "Measure"),
        "script" => l.pick("話術", "Script"),
        "steps" => l.pick("步驟", "Steps"),
        "limit" => l.pick("限額", "Limit"),
        other => other,
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
            format!("0–{max}, {} ≥ {pass_at}", l.pick("合格", "pass"))
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
                    l.pick("可輸入", "accepts"),
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
            l.pick("須說出", "phrases needed"),
            phrases.len()
        ),
        ItemKind::Steps {
            steps,
            in_order,
            pass_at,
        } => format!(
            "{} {pass_at}/{}{}",
            l.pick("須完成", "steps needed"),
            steps.len(),
            if *in_order {
                l.pick("，須按次序", ", in order")
            } else {
                ""
            }
        ),
        ItemKind::Limit { unit, limit } => {
            format!(
                "{} {unit} ({} {})",
                l.pick("上限", "cap in"),
                l.pick("按", "by"),
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
        Lang::Zh => Lang::En,
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
            " · " (mark(c(ItemField::Weight), html! { (l.pick("權重", "weight")) " " (num(item.weight)) }))
        }
        @if item.critical || c(ItemField::Critical) {
            " " (mark(c(ItemField::Critical), html! {
                @if item.critical { span.badge.critical { (l.pick("關鍵", "Critical")) } }
                @else { span.muted { (l.pick("非關鍵", "not critical")) } }
            }))
        }
        @if c(ItemField::Guidance) {
            p.muted { mark { (l.pick("指引", "Guidance")) } ": " (item.guidance.get(l)) }
        }
        @if c(ItemField::Training) {
            p.muted { mark { (l.pick("培訓", "Training")) } ": " (item.training.join(", ")) }
        }
    }
}

fn change_badge(l: Lang, change: Change) -> Markup {
    html! {
        @match change {
            Change::Added => span.badge.pass { (l.pick("新增", "Added")) },
            Change::Removed => span.badge.fail { (l.pick("刪除", "Removed")) },
            Change::Changed => span.badge.draft { (l.pick("修改", "Changed")) },
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
    let d = v.diff;
    let heading = format!("{} · v{} → v{}", v.title, v.from, v.to);
    let old_head = format!("v{}", v.from);
    let new_head = format!("v{}", v.to);
    let section_title = |key: &str| {
        d.section(key)
            .map(|s| s.title().get(l).to_string())
            .unwrap_or_else(|| key.to_string())
    };
    page(
        chrome,
        &heading,
        "/admin",
        html! {
            (back(l, &format!("/admin/checklists/{}", urlencode(v.key)), v.title, v.title))
            h1 { (heading) }
            @if d.is_empty() {
                p.empty { (l.pick("兩個版本的內容相同。", "The two versions are the same.")) }
            } @else {
                p.muted {
                    (l.pick("新增", "Added")) " " (d.count(Change::Added)) " · "
                    (l.pick("刪除", "Removed")) " " (d.count(Change::Removed)) " · "
                    (l.pick("修改", "Changed")) " " (d.count(Change::Changed)) " · "
                    (l.pick("不變", "Unchanged")) " " (d.unchanged_items())
                }
                @if d.header_changed() {
                    section.card {
                        h2 { (l.pick("檢查表", "Checklist")) }
                        table.diff {
                            tr { th { (l.pick("欄位", "Field")) } th { (old_head) } th { (new_head) } }
                            @if let Some((a, b)) = &d.title {
                                tr { td { (l.pick("標題", "Title")) } td.changed { (text_both(a)) } td.changed { (text_both(b)) } }
                            }
                            @if let Some((a, b)) = &d.pass_mark {
                                tr { td { (l.pick("合格分數", "Pass mark")) } td.changed { (num(*a)) "%" } td.changed { (num(*b)) "%" } }
                            }
                            @if let Some((a, b)) = &d.description {
                                tr { td { (l.pick("說明", "Description")) }
                                     td.changed { (a.as_ref().map(|t| t.get(l)).unwrap_or("—")) }
                                     td.changed { (b.as_ref().map(|t| t.get(l)).unwrap_or("—")) } }
                            }
                            @if let Some((a, b)) = &d.positions {
                                tr { td { (l.pick("適用崗位", "Positions")) } td.changed { (a.join(", ")) } td.changed { (b.join(", ")) } }
                            }
                            @if let Some((a, b)) = &d.source {
                                tr { td { (l.pick("來源條款", "Source")) } td.changed { (a) } td.changed { (b) } }
                            }
                            @if d.context_changed {
                                tr { td { (l.pick("情境欄位", "Context fields")) }
                                     td.changed colspan="2" { (l.pick("檢查人填寫的情境欄位有改動。", "The context fields the inspector fills in changed.")) } }
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
                                p.muted { (l.pick("標題由", "Renamed from")) " “" (a.get(l)) "” " (l.pick("改為", "to")) " “" (b.get(l)) "”" }
                            }
                        }
                        @if s.items.is_empty() {
                            p.muted {
                                @if s.unchanged_items > 0 {
                                    (s.unchanged_items) " " (l.pick("個項目沒有改動。", "items unchanged."))
                                } @else {
                                    (l.pick("此部分沒有項目改動。", "No item changes in this section."))
                                }
                            }
                        } @else {
                            table.diff {
                                tr { th { (l.pick("項目", "Item")) } th { (old_head) } th { (new_head) } }
                                @for i in &s.items {
                                    tr {
                                        td {
                                            code { (i.key) } br; (change_badge(l, i.change))
                                            @if !i.fields.is_empty() {
                                                br;
                                                span.muted {
                                                    @for (n, f) in i.fields.iter().enumerate() {
                                                        @if n > 0 { ", " }
                                                        @let (zh, en) = f.label();
                                                        (l.pick(zh, en))
                                                    }
                                                }
                                            }
                                            @if let Some(from) = &i.moved_from {
                                                br; span.muted { (l.pick("移自", "moved from")) " " (section_title(from)) }
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
                                    tr { td.muted colspan="3" { (s.unchanged_items) " " (l.pick("個項目沒有改動（已摺疊）。", "unchanged items (not shown).")) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
