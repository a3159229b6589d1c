//! Admin pages: sites, positions, people and accounts, and the checklist library with
//! its versions. Admins only: everyone else gets 403 before anything is read.
//!
//! Forms are read as plain name/value pairs (repeated names for checkboxes), so no input
//! is refused by the extractor: every problem comes back on the form, with the values
//! entered, as a 422.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use entity::{position, site};
use maud::Markup;
use validator::ValidateEmail;

use super::error::{AppError, AppResult};
use super::query::{Form, Query};
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::access::Role;
use crate::domain::clock::{self, Tz};
use crate::domain::scoring::Gender;
use crate::domain::{Lang, diff as checklist_diff};
use crate::store::StoreError;
use crate::store::admin::{
    self as store, MAX_NAME_CHARS, NewSite, PeopleFilter, PersonEdit, SiteEdit,
};
use crate::store::users::NewUser;
use crate::views::admin::{self as view, DiffView, PeopleView, PersonForm, PositionRow, SiteForm};

const PER_PAGE: u64 = 50;
const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 256;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/sites", get(sites).post(create_site))
        .route("/admin/sites/new", get(new_site))
        .route("/admin/sites/{id}", get(edit_site).post(update_site))
        .route("/admin/people", get(people).post(create_person))
        .route("/admin/people/new", get(new_person))
        .route("/admin/people/{id}", get(edit_person).post(update_person))
        .route("/admin/positions", get(positions))
        .route("/admin/checklists", get(checklists))
        .route("/admin/checklists/{key}", get(checklist))
        .route("/admin/checklists/{key}/diff", get(diff))
}

/// Refuse everyone but admins, before touching any data.
fn admin_only(viewer: &Viewer) -> AppResult<()> {
    if viewer.scope.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Name/value pairs from a form or a query string, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value, trimmed; empty when absent.
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().trim().to_string()
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }

    fn checked(&self, name: &str) -> bool {
        self.all(name).any(|v| !v.is_empty())
    }

    fn csrf(&self) -> Option<&str> {
        self.get("_csrf")
    }
}

/// A stored thing's id from the path; anything else is refused like a missing thing.
fn path_id(raw: &str) -> AppResult<i32> {
    raw.parse().map_err(|_| AppError::Forbidden)
}

fn invalid(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn too_long(l: Lang, what_zh: &str, what_en: &str) -> String {
    match l {
        Lang::Zh => format!("{what_zh}不能超過{MAX_NAME_CHARS}個字。"),
        Lang::En => format!("The {what_en} can be at most {MAX_NAME_CHARS} characters."),
    }
}

async fn index(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let counts = store::counts(&state.db).await?;
    Ok(view::index(&viewer.chrome(), &counts).into_response())
}

// ── Sites ───────────────────────────────────────────────────────────────────

async fn sites(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let rows = store::sites(&state.db).await?;
    Ok(view::sites(&viewer.chrome(), &rows).into_response())
}

async fn new_site(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let form = SiteForm {
        active: true,
        time_zone: state.config.time_zone.name().to_string(),
        ..Default::default()
    };
    Ok(view::site_form(&viewer.chrome(), &form).into_response())
}

/// Problems with a site's name and kind, in the viewer's language.
fn site_problems(l: Lang, form: &SiteForm) -> Vec<String> {
    let mut problems = Vec::new();
    if form.name.is_empty() {
        problems.push(
            l.pick("請輸入場所名稱。", "Enter the site's name.")
                .to_string(),
        );
    } else if form.name.chars().count() > MAX_NAME_CHARS {
        problems.push(too_long(l, "場所名稱", "site's name"));
    }
    if form.kind.is_empty() {
        problems.push(
            l.pick("請選擇場所類型。", "Choose the kind of site.")
                .to_string(),
        );
    } else if !store::SITE_KINDS.contains(&form.kind.as_str()) {
        problems.push(format!(
            "{} `{}`",
            l.pick("未知的場所類型", "Unknown kind of site"),
            form.kind
        ));
    }
    problems
}

/// The site's time zone from the form (left empty: the configured default), or a
/// problem naming what was typed.
fn site_zone(l: Lang, form: &SiteForm, default: Tz, problems: &mut Vec<String>) -> Option<Tz> {
    if form.time_zone.is_empty() {
        return Some(default);
    }
    let zone = clock::parse_time_zone(&form.time_zone);
    if zone.is_none() {
        problems.push(format!(
            "`{}` {}",
            form.time_zone,
            l.pick(
                "不是時區名稱；請從清單選擇，例如 Asia/Hong_Kong。",
                "is not a time zone; choose one from the list, e.g. Asia/Hong_Kong."
            )
        ));
    }
    zone
}

async fn create_site(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let l = viewer.lang;
    let mut form = SiteForm {
        id: None,
        code: f.text("code").to_ascii_uppercase(),
        name: f.text("name"),
        kind: f.text("kind"),
        active: true,
        time_zone: f.text("time_zone"),
        errors: Vec::new(),
    };
    let mut problems = Vec::new();
    if form.code.is_empty() {
        problems.push(
            l.pick("請輸入場所代碼。", "Enter a code for the site.")
                .to_string(),
        );
    } else if !store::valid_site_code(&form.code) {
        problems.push(
            l.pick(
                "場所代碼只可包含英文字母、數字及 -，最多32個字元。",
                "A site code has only letters, digits and -, at most 32 of them.",
            )
            .to_string(),
        );
    } else if store::site_code_taken(&state.db, &form.code).await? {
        problems.push(format!(
            "{} {} {}",
            l.pick("場所代碼", "The site code"),
            form.code,
            l.pick("已被使用。", "is already used.")
        ));
    }
    problems.extend(site_problems(l, &form));
    let zone = site_zone(l, &form, state.config.time_zone, &mut problems);
    let Some(time_zone) = zone.filter(|_| problems.is_empty()) else {
        form.errors = problems;
        return Ok(invalid(view::site_form(&viewer.chrome(), &form)));
    };
    let new = NewSite {
        code: form.code.clone(),
        name: form.name.clone(),
        kind: form.kind.clone(),
        time_zone,
    };
    match store::create_site(&state.db, viewer.user.id, new).await {
        Ok(site) => {
            tracing::info!(site = site.id, code = %site.code, by = viewer.user.id, "site created");
            Ok(Redirect::to("/admin/sites").into_response())
        }
        Err(StoreError::Invalid(message)) => {
            form.errors = vec![message];
            Ok(invalid(view::site_form(&viewer.chrome(), &form)))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_site(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let site = store::site(&state.db, path_id(&id)?).await?;
    let form = SiteForm {
        id: Some(site.id),
        code: site.code,
        name: site.name,
        kind: site.kind,
        active: site.active,
        // A site with none recorded shows the zone it is in: the configured default.
        time_zone: state
            .config
            .clock_for(&site.time_zone)
            .tz
            .name()
            .to_string(),
        errors: Vec::new(),
    };
    Ok(view::site_form(&viewer.chrome(), &form).into_response())
}

async fn update_site(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let l = viewer.lang;
    let site = store::site(&state.db, path_id(&id)?).await?;
    let mut form = SiteForm {
        id: Some(site.id),
        code: site.code,
        name: f.text("name"),
        kind: f.text("kind"),
        active: f.checked("active"),
        time_zone: f.text("time_zone"),
        errors: Vec::new(),
    };
    let mut problems = site_problems(l, &form);
    let zone = site_zone(l, &form, state.config.time_zone, &mut problems);
    let Some(time_zone) = zone.filter(|_| problems.is_empty()) else {
        form.errors = problems;
        return Ok(invalid(view::site_form(&viewer.chrome(), &form)));
    };
    let edit = SiteEdit {
        name: form.name.clone(),
        kind: form.kind.clone(),
        active: form.active,
        time_zone,
    };
    match store::update_site(&state.db, viewer.user.id, site.id, edit).await {
        Ok(_) => Ok(Redirect::to("/admin/sites").into_response()),
        Err(StoreError::Invalid(message)) => {
            form.errors = vec![message];
            Ok(invalid(view::site_form(&viewer.chrome(), &form)))
        }
        Err(e) => Err(e.into()),
    }
}

// ── People ──────────────────────────────────────────────────────────────────

async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let l = viewer.lang;
    let q = Fields(query);
    let site = match q.text("site") {
        s if s.is_empty() => None,
        s => Some(s.parse::<i32>().map_err(|_| {
            AppError::BadRequest(format!(
                "{} `{s}`",
                l.pick("無效的場所", "Not a valid site:")
            ))
        })?),
    };
    let role = match q.text("role") {
        r if r.is_empty() => None,
        r => Some(Role::parse(&r).ok_or_else(|| {
            AppError::BadRequest(format!(
                "{} `{r}`",
                l.pick("無效的角色", "Not a valid role:")
            ))
        })?),
    };
    let page = super::query::page_number(Some(&q.text("page")))?;
    let filter = PeopleFilter { site, role };
    let (rows, total) = store::people(&state.db, &filter, page, PER_PAGE).await?;
    let view = PeopleView {
        rows,
        total,
        page,
        pages: total.div_ceil(PER_PAGE),
        sites: store::all_sites(&state.db).await?,
        site,
        role,
    };
    Ok(view::people(&viewer.chrome(), &view).into_response())
}

/// The choices a person form offers.
struct PersonChoices {
    sites: Vec<site::Model>,
    positions: Vec<position::Model>,
}

async fn person_choices(state: &AppState) -> AppResult<PersonChoices> {
    Ok(PersonChoices {
        sites: store::all_sites(&state.db).await?,
        positions: store::positions(&state.db)
            .await?
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
    })
}

fn person_page(viewer: &Viewer, form: &PersonForm, choices: &PersonChoices) -> Markup {
    view::person_form(&viewer.chrome(), form, &choices.sites, &choices.positions)
}

async fn new_person(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let choices = person_choices(&state).await?;
    let form = PersonForm {
        role: Role::Staff.as_str().into(),
        active: true,
        ..Default::default()
    };
    Ok(person_page(&viewer, &form, &choices).into_response())
}

/// What a valid person form says, beyond its text fields.
struct PersonValues {
    role: Role,
    gender: Option<Gender>,
    hire_date: Option<NaiveDate>,
    position: Option<String>,
}

/// Read the fields both person forms share into `form`; problems in the viewer's language.
fn read_person(
    l: Lang,
    f: &Fields,
    form: &mut PersonForm,
    choices: &PersonChoices,
) -> (Option<PersonValues>, Vec<String>) {
    let mut problems = Vec::new();
    form.name = f.text("name");
    form.role = f.text("role");
    form.position = f.text("position");
    form.gender = f.text("gender");
    form.hire_date = f.text("hire_date");
    form.sites.clear();
    for raw in f.all("site").filter(|v| !v.is_empty()) {
        match raw
            .parse::<i32>()
            .ok()
            .filter(|id| choices.sites.iter().any(|s| s.id == *id))
        {
            Some(id) if !form.sites.contains(&id) => form.sites.push(id),
            Some(_) => {}
            None => problems.push(format!("{} `{raw}`", l.pick("未知的場所", "Unknown site"))),
        }
    }

    if form.name.is_empty() {
        problems.push(
            l.pick("請輸入姓名。", "Enter the person's name.")
                .to_string(),
        );
    } else if form.name.chars().count() > MAX_NAME_CHARS {
        problems.push(too_long(l, "姓名", "name"));
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        problems.push(l.pick("請選擇角色。", "Choose a role.").to_string());
    }
    if form.active && role == Some(Role::Staff) && form.sites.is_empty() {
        problems.push(
            l.pick(
                "員工至少要屬於一個場所。",
                "A staff member needs at least one site.",
            )
            .to_string(),
        );
    }
    let position = match form.position.as_str() {
        "" => Some(None),
        key if choices.positions.iter().any(|p| p.key == key) => Some(Some(key.to_string())),
        key => {
            problems.push(format!(
                "{} `{key}`",
                l.pick("未知的崗位", "Unknown position")
            ));
            None
        }
    };
    let gender = match form.gender.as_str() {
        "" => Some(None),
        g => match Gender::parse(g) {
            Some(g) => Some(Some(g)),
            None => {
                problems.push(
                    l.pick("性別須為女或男。", "Gender is female or male.")
                        .to_string(),
                );
                None
            }
        },
    };
    let hire_date = match form.hire_date.as_str() {
        "" => Some(None),
        raw => {
            // A plausibility bound a year wide: the zone does not matter.
            let this_year = chrono::Utc::now().year();
            match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) if (1950..=this_year + 1).contains(&d.year()) => Some(Some(d)),
                Ok(_) => {
                    problems.push(
                        l.pick("入職日期不合理。", "That hire date is not plausible.")
                            .to_string(),
                    );
                    None
                }
                Err(_) => {
                    problems.push(
                        l.pick(
                            "入職日期須為日期（YYYY-MM-DD）。",
                            "The hire date must be a date (YYYY-MM-DD).",
                        )
                        .to_string(),
                    );
                    None
                }
            }
        }
    };
    let values = match (role, gender, hire_date, position) {
        (Some(role), Some(gender), Some(hire_date), Some(position)) if problems.is_empty() => {
            Some(PersonValues {
                role,
                gender,
                hire_date,
                position,
            })
        }
        _ => None,
    };
    (values, problems)
}

async fn create_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let l = viewer.lang;
    let choices = person_choices(&state).await?;
    let mut form = PersonForm {
        email: f.text("email").to_lowercase(),
        active: true,
        ..Default::default()
    };
    let (values, mut problems) = read_person(l, &f, &mut form, &choices);
    if form.email.is_empty() {
        problems.push(
            l.pick("請輸入電郵地址。", "Enter an email address.")
                .to_string(),
        );
    } else if form.email.len() > 254 || !form.email.validate_email() {
        problems.push(format!(
            "{} {}",
            form.email,
            l.pick("不是有效的電郵地址。", "is not a valid email address.")
        ));
    } else if store::email_taken(&state.db, &form.email).await? {
        problems.push(format!(
            "{} {}",
            l.pick("已有人使用此電郵：", "Someone already has the email"),
            form.email
        ));
    }
    // The password is never echoed back into the form.
    let password = f.get("password").unwrap_or_default().to_string();
    let password = if password.is_empty() {
        None
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push(
            l.pick(
                "初始密碼至少要有8個字元（或留空）。",
                "The initial password needs at least 8 characters (or leave it empty).",
            )
            .to_string(),
        );
        None
    } else if password.chars().count() > MAX_PASSWORD_CHARS {
        problems.push(
            l.pick("密碼太長。", "That password is too long.")
                .to_string(),
        );
        None
    } else {
        Some(password)
    };
    let Some(values) = values.filter(|_| problems.is_empty()) else {
        form.errors = problems;
        return Ok(invalid(person_page(&viewer, &form, &choices)));
    };
    let new = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role: values.role,
        password,
        position: values.position,
        gender: values.gender,
        hire_date: values.hire_date,
        sites: choices
            .sites
            .iter()
            .filter(|s| form.sites.contains(&s.id))
            .map(|s| s.code.clone())
            .collect(),
    };
    match store::create_person(&state.db, viewer.user.id, new).await {
        Ok(person) => {
            tracing::info!(user = person.id, by = viewer.user.id, "person created");
            Ok(Redirect::to("/admin/people").into_response())
        }
        Err(StoreError::Invalid(message)) => {
            form.errors = vec![message];
            Ok(invalid(person_page(&viewer, &form, &choices)))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let (person, sites) = store::person(&state.db, path_id(&id)?).await?;
    let choices = person_choices(&state).await?;
    let position = choices
        .positions
        .iter()
        .find(|p| Some(p.id) == person.position_id)
        .map(|p| p.key.clone())
        .unwrap_or_default();
    let form = PersonForm {
        id: Some(person.id),
        is_self: person.id == viewer.user.id,
        has_password: person.password_hash.is_some(),
        email: person.email,
        name: person.name,
        role: person.role,
        sites,
        position,
        gender: person.gender.unwrap_or_default(),
        hire_date: person.hire_date.map(|d| d.to_string()).unwrap_or_default(),
        active: person.active,
        errors: Vec::new(),
    };
    Ok(person_page(&viewer, &form, &choices).into_response())
}

async fn update_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let f = Fields(fields);
    viewer.check_csrf(f.csrf())?;
    let l = viewer.lang;
    let (person, _) = store::person(&state.db, path_id(&id)?).await?;
    let choices = person_choices(&state).await?;
    let is_self = person.id == viewer.user.id;
    let mut form = PersonForm {
        id: Some(person.id),
        is_self,
        has_password: person.password_hash.is_some(),
        email: person.email.clone(),
        active: f.checked("active"),
        ..Default::default()
    };
    let (values, mut problems) = read_person(l, &f, &mut form, &choices);
    if is_self && (form.role != Role::Admin.as_str() || !form.active) {
        problems.push(
            l.pick(
                "你不能降低自己的角色或停用自己的帳戶；請由另一位管理員處理。",
                "You cannot demote or deactivate yourself; ask another admin to.",
            )
            .to_string(),
        );
        // Show the form as it is stored, not as the refused change.
        form.role = Role::Admin.as_str().into();
        form.active = true;
    }
    let Some(values) = values.filter(|_| problems.is_empty()) else {
        form.errors = problems;
        return Ok(invalid(person_page(&viewer, &form, &choices)));
    };
    let edit = PersonEdit {
        name: form.name.clone(),
        role: values.role,
        sites: form.sites.clone(),
        position: values.position,
        gender: values.gender,
        hire_date: values.hire_date,
        active: form.active,
    };
    match store::update_person(&state.db, viewer.user.id, person.id, edit).await {
        Ok(_) => Ok(Redirect::to("/admin/people").into_response()),
        Err(StoreError::Invalid(message)) => {
            form.errors = vec![message];
            Ok(invalid(person_page(&viewer, &form, &choices)))
        }
        Err(e) => Err(e.into()),
    }
}

// ── Positions ───────────────────────────────────────────────────────────────

async fn positions(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let l = viewer.lang;
    let stored = store::positions(&state.db).await?;
    let dir = state.config.checklists_dir.clone();
    let library = tokio::task::spawn_blocking(move || crate::library_files::load(&dir))
        .await
        .ok()
        .and_then(|loaded| match loaded {
            Ok(library) => Some(library),
            Err(problems) => {
                tracing::warn!(
                    problems = problems.len(),
                    "library does not load; positions page shows names only"
                );
                None
            }
        });
    let rows = stored
        .into_iter()
        .map(|(p, people)| {
            let defined = library.as_ref().and_then(|lib| lib.position(&p.key));
            PositionRow {
                name: l.pick(&p.name_zh, &p.name_en).to_string(),
                people,
                curriculum: defined.map(|d| {
                    d.curriculum
                        .iter()
                        .map(|key| {
                            let title = library
                                .as_ref()
                                .and_then(|lib| lib.module(key))
                                .map(|m| m.title.get(l).to_string());
                            (key.clone(), title)
                        })
                        .collect()
                }),
                due_days: defined.map(|d| d.curriculum_due_days),
                key: p.key,
            }
        })
        .collect::<Vec<_>>();
    Ok(view::positions(&viewer.chrome(), &rows, library.is_some()).into_response())
}

// ── Checklists ──────────────────────────────────────────────────────────────

/// Position names by key, in the viewer's language.
async fn position_names(state: &AppState, l: Lang) -> AppResult<HashMap<String, String>> {
    Ok(store::positions(&state.db)
        .await?
        .into_iter()
        .map(|(p, _)| {
            let name = l.pick(&p.name_zh, &p.name_en).to_string();
            (p.key, name)
        })
        .collect())
}

/// The stored checklists, and the problems in the library's files now. Read from the
/// files at each visit (a few milliseconds), so every instance shows the same, and a
/// fixed file stops being listed without a restart.
async fn checklists(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let rows = store::checklists(&state.db).await?;
    let names = position_names(&state, viewer.lang).await?;
    let name = |key: &str| names.get(key).cloned().unwrap_or_else(|| key.to_string());
    let clock = state.viewer_clock(&viewer.scope).await?;
    let dir = state.config.checklists_dir.clone();
    let problems: Vec<String> =
        tokio::task::spawn_blocking(move || crate::library_files::load_usable(&dir).1)
            .await
            .map_err(|e| AppError::Internal(format!("reading the library failed: {e}")))?
            .iter()
            .map(ToString::to_string)
            .collect();
    Ok(view::checklists(&viewer.chrome(), &rows, &name, &clock, &problems).into_response())
}

async fn checklist(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let summary = store::checklist(&state.db, &key).await?;
    let names = position_names(&state, viewer.lang).await?;
    let name = |key: &str| names.get(key).cloned().unwrap_or_else(|| key.to_string());
    let clock = state.viewer_clock(&viewer.scope).await?;
    Ok(view::checklist(&viewer.chrome(), &summary, &name, &clock).into_response())
}

async fn diff(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    admin_only(&viewer)?;
    let l = viewer.lang;
    let summary = store::checklist(&state.db, &key).await?;
    let q = Fields(query);
    let number = |name: &str, what: &str| -> AppResult<Option<i32>> {
        match q.text(name) {
            raw if raw.is_empty() => Ok(None),
            raw => raw
                .trim_start_matches(['v', 'V'])
                .parse::<i32>()
                .map(Some)
                .map_err(|_| {
                    AppError::BadRequest(format!(
                        "{what} `{raw}` {}",
                        l.pick("不是版本號碼。", "is not a version number.")
                    ))
                }),
        }
    };
    let latest = summary.latest().map(|v| v.version).ok_or_else(|| {
        AppError::BadRequest(
            l.pick(
                "此檢查表還沒有版本。",
                "This checklist has no versions yet.",
            )
            .into(),
        )
    })?;
    let to = number("to", l.pick("新版本", "to"))?.unwrap_or(latest);
    let from = number("from", l.pick("舊版本", "from"))?.unwrap_or((to - 1).max(1));
    for n in [from, to] {
        if summary.version(n).is_none() {
            return Err(AppError::BadRequest(format!(
                "{} {} {} v{n}",
                l.pick("檢查表", "The checklist"),
                summary.key,
                l.pick("沒有版本", "has no version"),
            )));
        }
    }
    let old = store::checklist_at(&state.db, &summary, from).await?;
    let new = store::checklist_at(&state.db, &summary, to).await?;
    let result = checklist_diff::diff(&old.checklist, &new.checklist);
    let title = new.checklist.title.get(l).to_string();
    let page = view::diff(
        &viewer.chrome(),
        &DiffView {
            key: &summary.key,
            title: &title,
            from,
            to,
            diff: &result,
        },
    );
    Ok(page.into_response())
}
