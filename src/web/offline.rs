//! What the tablet needs to keep working without a network: the service worker and the
//! web app manifest (installable, opens offline), the list of pages to keep for the
//! signed-in inspector, the session as JSON (whose kept spot-checks the outbox may send,
//! with a fresh CSRF token) and the "kept on this device" page, which the browser fills
//! from its own storage.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::error::{AppError, AppResult};
use super::session::{ApiViewer, Viewer};
use super::spotchecks::{blocked_reason, offered_to, position_name, subject_json};
use crate::app::AppState;
use crate::store::{org, training, users};
use crate::views::layout::{ASSET_VERSION, MANIFEST, SERVICE_WORKER_JS};
use crate::views::offline as view;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/manifest.webmanifest", get(manifest))
        .route("/offline/urls.json", get(offline_urls))
        .route("/offline/roster.json", get(roster))
        .route("/session.json", get(session))
        .route("/kept", get(kept))
}

/// Served from the root so it may control every page; never cached by HTTP, so a new
/// release's worker is found on the next visit.
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER_JS.replace("__VERSION__", &ASSET_VERSION),
    )
        .into_response()
}

async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        MANIFEST,
    )
        .into_response()
}

/// The pages an inspector needs to start and score a spot-check offline at the sites
/// they inspect: the worklist, each site's staff and checklist chooser, the roster of the
/// people on those sites, one form per checklist offered to any of them and the form of
/// each re-check due there. A page for a
/// person is made on the device from the site's chooser or the checklist's form and the
/// roster, so the kit grows with the checklists, not with people × checklists. The links
/// are written exactly as the pages write them, so the service worker finds them by URL.
/// Others get the shell pages only.
async fn offline_urls(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let mut urls = vec!["/".to_string(), "/kept".to_string()];
    if viewer.scope.can_inspect() {
        urls.push("/spotchecks/new".into());
        urls.push("/offline/roster.json".into());
        let roster = roster_of(&state, &viewer).await?;
        for site in &roster.sites {
            urls.push(format!("/spotchecks/new?site={}", site.id));
            urls.push(format!("/spotchecks/chooser?site={}", site.id));
        }
        let offered: BTreeSet<&str> = roster
            .sites
            .iter()
            .flat_map(|s| &s.people)
            .flat_map(|p| p.checklists.iter().chain(p.blocked.keys()))
            .map(String::as_str)
            .collect();
        for key in offered {
            urls.push(format!(
                "/spotchecks/template?checklist={}",
                crate::views::urlencode(key)
            ));
        }
        // Re-checks due at those sites: their forms are for their person already.
        for recheck in training::open_rechecks(&state.db, &viewer.scope).await? {
            if viewer.scope.can_inspect_at(recheck.site_id) {
                urls.push(format!("/spotchecks/template?recheck={}", recheck.id));
            }
        }
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(urls)).into_response())
}

/// The people an inspector may check offline, with what the tablet needs to fill in a
/// blank chooser or form for one of them.
#[derive(Debug, Serialize)]
struct Roster {
    /// The accepted shift dates around the device's today, as the server checks them.
    shift_days_back: u32,
    shift_days_ahead: u32,
    sites: Vec<RosterSite>,
}

#[derive(Debug, Serialize)]
struct RosterSite {
    id: i32,
    name: String,
    people: Vec<RosterPerson>,
}

#[derive(Debug, Serialize)]
struct RosterPerson {
    id: i32,
    name: String,
    /// The position's name in the viewer's language.
    position_name: Option<String>,
    /// What checklist conditions test, as the device's engine reads it.
    subject: serde_json::Value,
    /// The checklists this person may be checked with.
    checklists: Vec<String>,
    /// Checklists of their position they cannot be checked with yet, and why.
    blocked: BTreeMap<String, String>,
}

async fn roster_of(state: &AppState, viewer: &Viewer) -> AppResult<Roster> {
    let lang = viewer.lang;
    let checklists = state.current_checklists().await?;
    let mut site_ids = viewer.scope.sites.clone();
    site_ids.retain(|&s| viewer.scope.can_inspect_at(s));
    let mut sites = Vec::new();
    for site in org::visible_sites(&state.db, &viewer.scope).await? {
        if !site_ids.contains(&site.id) {
            continue;
        }
        let mut people = Vec::new();
        for (person, position) in org::staff_at(&state.db, site.id).await? {
            let attributes = users::subject_of(&person, position.as_ref());
            let mut offered = Vec::new();
            let mut blocked = BTreeMap::new();
            for c in checklists
                .iter()
                .filter(|c| offered_to(c, position.as_ref()))
            {
                match blocked_reason(lang, &person.name, &c.checklist, &attributes) {
                    Some(reason) => {
                        blocked.insert(c.checklist.key.clone(), reason);
                    }
                    None => offered.push(c.checklist.key.clone()),
                }
            }
            people.push(RosterPerson {
                id: person.id,
                position_name: position_name(lang, &position),
                subject: subject_json(&attributes),
                name: person.name,
                checklists: offered,
                blocked,
            });
        }
        sites.push(RosterSite {
            id: site.id,
            name: site.name,
            people,
        });
    }
    Ok(Roster {
        shift_days_back: state.config.shift_window.days_back,
        shift_days_ahead: state.config.shift_window.days_ahead,
        sites,
    })
}

/// The roster the tablet keeps for offline use (listed by `/offline/urls.json`).
async fn roster(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    if !viewer.scope.can_inspect() {
        return Err(AppError::Forbidden);
    }
    let roster = roster_of(&state, &viewer).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(roster)).into_response())
}

#[derive(Debug, Serialize)]
struct SessionReply {
    user: i32,
    name: String,
    csrf: String,
}

/// 200 with the person and a token for the current session; 401 (JSON) when signed out,
/// which the outbox reads as "keep everything and ask to sign in".
async fn session(ApiViewer(viewer): ApiViewer) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(SessionReply {
            user: viewer.user.id,
            name: viewer.user.name.clone(),
            csrf: viewer.csrf.clone(),
        }),
    )
        .into_response()
}

async fn kept(viewer: Viewer) -> Response {
    view::kept(&viewer.chrome()).into_response()
}
