//! Admin pages: sites, positions, people and accounts, and the checklist library with
//! its versions. Admins only: everyone else gets 403 before anything is read.
//!
//! Forms are read as plain name/value pairs (repeated names for checkboxes), so no input
//! is refused by the extractor, then parsed into typed values (`admin_forms`): every
//! problem comes back on the form, with the values entered, as a 422.

use crate::i18n::Message;
use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;
use validator::ValidateEmail;

use super::admin_forms::{self as forms, Fields, Known, PersonInput, SiteInput};

use super::error::{AppError, AppResult};
use super::query::{Form, Query};
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::access::Role;
use crate::domain::org::{SignIn, SiteCode, generate_password};
use crate::domain::{Lang, diff as checklist_diff};
use crate::i18n::Localize;
use crate::store::StoreError;
use crate::store::admin::{self as store, NewSite, PeopleFilter, SiteEdit};
use crate::store::org::position_name;
use crate::store::users::NewUser;
use crate::views::admin::{
    self as view, Added, DiffView, Overview, PeopleView, PersonForm, PersonRow, PositionChoice,
    PositionRow, SiteChoice, SiteForm, SiteRow,
};

const PER_PAGE: u64 = 50;

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
        .route("/admin/writer.json", get(writer_status))
}

/// Refuse everyone but admins, before touching any data.
fn admin_only(viewer: &Viewer) -> AppResult<()> {
    if viewer.scope.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A stored thing's id from the path; anything else is refused like a missing thing.
fn path_id(raw: &str) -> AppResult<i32> {
    raw.parse().map_err(|_| AppError::Forbidden)
}

fn invalid(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

async fn index(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let counts = store::counts(&state.db).await?;
    let overview = Overview {
        sites: counts.sites,
        people: counts.people,
        positions: counts.positions,
        checklists: counts.checklists,
    };
    Ok(view::index(&viewer.chrome(), &overview).into_response())
}

/// The submission writer's transactions so far by size (`[size, transactions]` pairs):
/// how much group commit shares the disk flushes under the current load. Read by the
/// benchmark after its 32-client phase for the fair limit; counted in memory, so it
/// costs nothing until asked for.
async fn writer_status(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let sizes = state.submissions.batch_sizes();
    let transactions: u64 = sizes.iter().map(|(_, n)| n).sum();
    let submissions: u64 = sizes.iter().map(|&(size, n)| size as u64 * n).sum();
    Ok(axum::Json(serde_json::json!({
        "batch_sizes": sizes,
        "transactions": transactions,
        "submissions": submissions,
    }))
    .into_response())
}

// ── Sites ───────────────────────────────────────────────────────────────────

async fn sites(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let rows: Vec<SiteRow> = store::sites(&state.db)
        .await?
        .into_iter()
        .map(|r| SiteRow {
            id: r.site.id,
            code: r.site.code,
            name: r.site.name,
            kind: r.site.kind,
            time_zone: r.site.time_zone,
            active: r.site.active,
            people: r.people,
        })
        .collect();
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

/// The site form echoed back with its problems, as a 422.
fn site_refused(viewer: &Viewer, mut form: SiteForm, problems: Vec<String>) -> Response {
    form.errors = problems;
    invalid(view::site_form(&viewer.chrome(), &form))
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
    let input = SiteInput::read(&f, true);
    let code = input.code.clone().unwrap_or_default();
    let form = SiteForm {
        id: None,
        code: code.clone(),
        name: input.name.clone(),
        kind: input.kind.clone(),
        active: true,
        time_zone: input.time_zone.clone(),
        errors: Vec::new(),
    };
    let parsed = input.parse(l, state.config.time_zone);
    // A code someone else has is told apart from the form's other problems.
    let taken =
        SiteCode::parse(&code).is_some() && store::site_code_taken(&state.db, &code).await?;
    let values = match parsed {
        Ok(values) if !taken => values,
        Ok(_) => {
            return Ok(site_refused(
                &viewer,
                form,
                vec![forms::site_code_taken(l, &code)],
            ));
        }
        Err(mut problems) => {
            if taken {
                problems.insert(0, forms::site_code_taken(l, &code));
            }
            return Ok(site_refused(&viewer, form, problems));
        }
    };
    let Some(code) = values.code else {
        return Ok(site_refused(&viewer, form, vec![forms::unreadable(l)]));
    };
    let new = NewSite {
        code,
        name: values.name,
        kind: values.kind,
        time_zone: values.time_zone,
    };
    match store::create_site(&state.db, viewer.user.id, new).await {
        Ok(site) => {
            tracing::info!(site = site.id, code = %site.code, by = viewer.user.id, "site created");
            Ok(Redirect::to("/admin/sites").into_response())
        }
        Err(StoreError::Invalid(message)) => {
            Ok(site_refused(&viewer, form, vec![message.say(viewer.lang)]))
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
    let site = store::site(&state.db, path_id(&id)?).await?;
    let input = SiteInput::read(&f, false);
    let form = SiteForm {
        id: Some(site.id),
        code: site.code,
        name: input.name.clone(),
        kind: input.kind.clone(),
        active: f.checked("active"),
        time_zone: input.time_zone.clone(),
        errors: Vec::new(),
    };
    let values = match input.parse(viewer.lang, state.config.time_zone) {
        Ok(values) => values,
        Err(problems) => return Ok(site_refused(&viewer, form, problems)),
    };
    let edit = SiteEdit {
        name: values.name,
        kind: values.kind,
        active: form.active,
        time_zone: values.time_zone,
    };
    match store::update_site(&state.db, viewer.user.id, site.id, edit).await {
        Ok(_) => Ok(Redirect::to("/admin/sites").into_response()),
        Err(StoreError::Invalid(message)) => {
            Ok(site_refused(&viewer, form, vec![message.say(viewer.lang)]))
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
            AppError::BadRequest(Message::new("refuse-not-a-site-filter").arg("value", &s))
        })?),
    };
    let role = match q.text("role") {
        r if r.is_empty() => None,
        r => Some(Role::parse(&r).ok_or_else(|| {
            AppError::BadRequest(Message::new("refuse-not-a-role").arg("value", &r))
        })?),
    };
    let page = super::query::page_number(Some(&q.text("page")))?;
    // The confirmation after adding someone (their password was typed, or they have none).
    let added = match q.text("added").parse::<i32>() {
        Ok(id) => match store::person(&state.db, id).await {
            Ok((person, _)) => Some(Added {
                id: person.id,
                name: person.name,
                email: person.email,
                signin: if person.password_hash.is_some() {
                    SignIn::Password
                } else {
                    SignIn::None
                },
                password: None,
            }),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        },
        Err(_) => None,
    };
    let filter = PeopleFilter { site, role };
    let (rows, total) = store::people(&state.db, &filter, page, PER_PAGE).await?;
    let rows = rows
        .into_iter()
        .map(|r| PersonRow {
            id: r.user.id,
            name: r.user.name,
            email: r.user.email,
            role: r.user.role,
            position: r.position.map(|p| position_name(&p).get(l).to_string()),
            sites: r.sites.into_iter().map(site_choice).collect(),
            active: r.user.active,
            signs_in: r.user.password_hash.is_some(),
        })
        .collect();
    let view = PeopleView {
        rows,
        total,
        page,
        pages: total.div_ceil(PER_PAGE),
        sites: store::all_sites(&state.db)
            .await?
            .into_iter()
            .map(site_choice)
            .collect(),
        site,
        role,
        added,
    };
    Ok(view::people(&viewer.chrome(), &view).into_response())
}

/// The choices a person form offers.
struct PersonChoices {
    sites: Vec<SiteChoice>,
    positions: Vec<PositionChoice>,
}

impl PersonChoices {
    fn known(&self) -> Known {
        Known {
            sites: self.sites.iter().map(|s| s.id).collect(),
            positions: self.positions.iter().map(|p| p.key.clone()).collect(),
        }
    }
}

fn site_choice(s: entity::site::Model) -> SiteChoice {
    SiteChoice {
        id: s.id,
        code: s.code,
        name: s.name,
        active: s.active,
    }
}

async fn person_choices(state: &AppState, l: Lang) -> AppResult<PersonChoices> {
    Ok(PersonChoices {
        sites: store::all_sites(&state.db)
            .await?
            .into_iter()
            .map(site_choice)
            .collect(),
        positions: store::positions(&state.db)
            .await?
            .into_iter()
            .map(|(p, _)| PositionChoice {
                name: position_name(&p).get(l).to_string(),
                key: p.key,
            })
            .collect(),
    })
}

fn person_page(viewer: &Viewer, form: &PersonForm, choices: &PersonChoices) -> Markup {
    view::person_form(&viewer.chrome(), form, &choices.sites, &choices.positions)
}

/// The person form echoed back with its problems, as a 422.
fn person_refused(
    viewer: &Viewer,
    mut form: PersonForm,
    choices: &PersonChoices,
    problems: Vec<String>,
) -> Response {
    form.errors = problems;
    invalid(person_page(viewer, &form, choices))
}

async fn new_person(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin_only(&viewer)?;
    let choices = person_choices(&state, viewer.lang).await?;
    let form = PersonForm {
        role: Role::Staff.as_str().into(),
        active: true,
        ..Default::default()
    };
    Ok(person_page(&viewer, &form, &choices).into_response())
}

/// The form as posted, for echoing back (never the password).
fn person_echo(input: &PersonInput, known: &Known, form: PersonForm) -> PersonForm {
    PersonForm {
        name: input.name.clone(),
        role: input.role.clone(),
        sites: input.known_site_ids(known),
        position: input.position.clone(),
        gender: input.gender.clone(),
        hire_date: input.hire_date.clone(),
        active: input.active,
        ..form
    }
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
    let choices = person_choices(&state, l).await?;
    let known = choices.known();
    let input = PersonInput::read(&f, true);
    let email = input.email.clone().unwrap_or_default();
    let raw_signin = f.text("signin");
    let form = person_echo(
        &input,
        &known,
        PersonForm {
            email: email.clone(),
            signin: raw_signin.clone(),
            ..Default::default()
        },
    );
    // A blank password never silently makes someone who cannot sign in: the admin
    // chooses a generated password, their own, or no sign-in at all.
    let signin = SignIn::parse(&raw_signin);
    let signin_problem = match (signin, &input.password) {
        (None, _) => Some(l.t("polish-staff-choose-signin")),
        (Some(SignIn::Password), None) => Some(l.t("polish-staff-enter-password")),
        (Some(SignIn::None), Some(_)) => Some(l.t("polish-staff-password-but-no-signin")),
        _ => None,
    };
    let signin = match (signin, &input.password) {
        // A typed password is used (a form that sends no choice, as before).
        (Some(SignIn::Generate), Some(_)) => SignIn::Password,
        (Some(s), _) => s,
        (None, _) => SignIn::Generate,
    };
    let parsed = input
        .parse(l, &known)
        .and_then(|values| match signin_problem {
            Some(problem) => Err(vec![problem]),
            None => Ok(values),
        });
    // Someone else's email is told apart from the form's other problems.
    let well_formed = !email.is_empty() && email.len() <= 254 && email.validate_email();
    let taken = well_formed && store::email_taken(&state.db, &email).await?;
    let values = match parsed {
        Ok(values) if !taken => values,
        Ok(_) => {
            let problems = vec![forms::email_taken(l, &email)];
            return Ok(person_refused(&viewer, form, &choices, problems));
        }
        Err(mut problems) => {
            if taken {
                problems.push(forms::email_taken(l, &email));
            }
            return Ok(person_refused(&viewer, form, &choices, problems));
        }
    };
    let generated = (signin == SignIn::Generate).then(generate_password);
    let new = NewUser {
        email,
        name: values.person.name.into_string(),
        role: values.person.role,
        password: match signin {
            SignIn::Generate => generated.clone(),
            SignIn::Password => values.password,
            SignIn::None => None,
        },
        position: values.person.position,
        gender: values.person.gender,
        hire_date: values.person.hire_date,
        sites: choices
            .sites
            .iter()
            .filter(|s| values.person.sites.contains(&s.id))
            .map(|s| s.code.clone())
            .collect(),
    };
    match store::create_person(&state.db, viewer.user.id, new).await {
        Ok(person) => {
            tracing::info!(user = person.id, by = viewer.user.id, "person created");
            match generated {
                // Shown on this answer only: never in a URL, a log or the database.
                Some(password) => {
                    let added = Added {
                        id: person.id,
                        name: person.name,
                        email: person.email,
                        signin,
                        password: Some(password),
                    };
                    let page = view::person_added(&viewer.chrome(), &added);
                    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
                }
                None => {
                    Ok(Redirect::to(&format!("/admin/people?added={}", person.id)).into_response())
                }
            }
        }
        Err(StoreError::Invalid(message)) => Ok(person_refused(
            &viewer,
            form,
            &choices,
            vec![message.say(viewer.lang)],
        )),
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
    let choices = person_choices(&state, viewer.lang).await?;
    let position = store::position_key(&state.db, person.position_id)
        .await?
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
        signin: String::new(),
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
    let choices = person_choices(&state, l).await?;
    let known = choices.known();
    let is_self = person.id == viewer.user.id;
    let input = PersonInput::read(&f, false);
    let mut form = person_echo(
        &input,
        &known,
        PersonForm {
            id: Some(person.id),
            is_self,
            has_password: person.password_hash.is_some(),
            email: person.email.clone(),
            ..Default::default()
        },
    );
    let parsed = input.parse(l, &known);
    let demotes_self = is_self && (form.role != Role::Admin.as_str() || !form.active);
    if demotes_self {
        // Show the form as it is stored, not as the refused change.
        form.role = Role::Admin.as_str().into();
        form.active = true;
    }
    let values = match parsed {
        Ok(values) if !demotes_self => values,
        Ok(_) => {
            let problems = vec![forms::cannot_demote_self(l)];
            return Ok(person_refused(&viewer, form, &choices, problems));
        }
        Err(mut problems) => {
            if demotes_self {
                problems.push(forms::cannot_demote_self(l));
            }
            return Ok(person_refused(&viewer, form, &choices, problems));
        }
    };
    match store::update_person(&state.db, viewer.user.id, person.id, values.person).await {
        Ok(_) => Ok(Redirect::to("/admin/people").into_response()),
        Err(StoreError::Invalid(message)) => Ok(person_refused(
            &viewer,
            form,
            &choices,
            vec![message.say(viewer.lang)],
        )),
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
                name: position_name(&p).get(l).to_string(),
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
            let name = position_name(&p).get(l).to_string();
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
    let clock = crate::domain::clock::SiteClock::new(
        super::siteless_zone(&state, &viewer.scope).await?,
        state.config.now(),
    );
    let dir = state.config.checklists_dir.clone();
    let problems: Vec<String> =
        tokio::task::spawn_blocking(move || crate::library_files::load_usable(&dir).1)
            .await
            .map_err(|e| AppError::Internal(format!("reading the library failed: {e}")))?
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}: {}",
                    d.file.display(),
                    d.line,
                    d.column,
                    d.message.say(viewer.lang)
                )
            })
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
    // Library versions belong to no site: the viewer's sites' zone, or the default.
    let clock = crate::domain::clock::SiteClock::new(
        super::siteless_zone(&state, &viewer.scope).await?,
        state.config.now(),
    );
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
                    AppError::BadRequest(
                        Message::new("refuse-not-a-version-number")
                            .arg("field", what)
                            .arg("value", &raw),
                    )
                }),
        }
    };
    let latest = summary.latest().map(|v| v.version).ok_or_else(|| {
        AppError::BadRequest(Message::new("admin-this-checklist-has-no-versions"))
    })?;
    let to = number("to", &l.t("admin-to-3"))?.unwrap_or(latest);
    let from = number("from", &l.t("admin-from-2"))?.unwrap_or((to - 1).max(1));
    for n in [from, to] {
        if summary.version(n).is_none() {
            return Err(AppError::BadRequest(
                Message::new("refuse-no-version")
                    .arg("checklist", &summary.key)
                    .arg("number", n),
            ));
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
