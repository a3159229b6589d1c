//! HTTP: the router, security headers and static assets. One module per area; handlers
//! parse, authorize, call the domain and the store, and render.

pub mod actions;
pub mod admin;
pub mod admin_forms;
pub mod api;
pub mod audit;
pub mod authoring;
pub mod error;
pub mod export;
pub mod form_text;
pub mod home;
pub mod inspections;
pub mod notify;
pub mod offline;
pub mod oidc;
pub mod plan;
pub mod quality;
pub mod query;
pub mod reports;
pub mod requests;
pub mod session;
pub mod spotchecks;
pub mod timing;
pub mod training;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::domain::Lang;
use crate::views::layout::{APP_CSS, APP_JS, ENGINE_JS, ICON_SVG};
pub use requests::traced;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin", get(session::sign_in_page).post(session::sign_in))
        .route("/signout", post(session::sign_out))
        .route("/settings/lang", post(session::set_lang))
        .route("/static/{file}", get(static_file))
        .route("/i18n/{file}", get(script_messages))
        .route("/", get(home::home))
        .merge(spotchecks::routes())
        .merge(actions::routes())
        .merge(offline::routes())
        .merge(oidc::routes())
        .merge(inspections::routes())
        .merge(training::routes())
        .merge(quality::routes())
        .merge(plan::routes())
        .merge(api::routes())
        .merge(audit::routes())
        .merge(reports::routes())
        .merge(admin::routes())
        .merge(notify::routes())
        .merge(authoring::routes())
}

/// Secure headers on every response: no inline script (CSP), no framing, no sniffing.
pub fn security_headers(router: Router) -> Router {
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
               connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// A language's messages for the page script (`/i18n/zh-Hans.json`), versioned like the
/// static files by the page's `?v=`.
async fn script_messages(Path(file): Path<String>) -> Response {
    let lang = file
        .strip_suffix(".json")
        .and_then(|tag| Lang::ALL.into_iter().find(|l| l.tag() == tag));
    let Some(lang) = lang else {
        return error::AppError::NotFound.into_response();
    };
    (
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        axum::Json(crate::i18n::script_messages(lang)),
    )
        .into_response()
}

async fn static_file(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "engine.js" => (ENGINE_JS, "text/javascript; charset=utf-8"),
        "authoring.js" => (
            crate::views::authoring::AUTHORING_JS,
            "text/javascript; charset=utf-8",
        ),
        "icon.svg" => (ICON_SVG, "image/svg+xml"),
        _ => return error::AppError::NotFound.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Each of these sites' time zone (the configured default where none is recorded).
pub(crate) async fn site_zones(
    state: &AppState,
    sites: &[i32],
) -> crate::store::StoreResult<std::collections::HashMap<i32, crate::domain::clock::Tz>> {
    let stored = crate::store::org::time_zones(&state.db, sites).await?;
    Ok(sites
        .iter()
        .map(|&id| {
            let zone = stored.get(&id).map_or("", String::as_str);
            (id, state.config.clock_for(zone).tz)
        })
        .collect())
}

/// The zone of rows that belong to no site (audit entries, deliveries, library versions)
/// for this viewer: the one their sites share, else the configured default
/// ([`crate::domain::clock::zone_without_site`]).
pub(crate) async fn siteless_zone(
    state: &AppState,
    scope: &crate::domain::access::Scope,
) -> crate::store::StoreResult<crate::domain::clock::Tz> {
    let sites: Vec<i32> = scope.sites.to_vec();
    let zones = site_zones(state, &sites).await?;
    Ok(crate::domain::clock::zone_without_site(
        zones.into_values(),
        state.config.time_zone,
    ))
}

/// A file to download: its type, a name safe in the header, and never kept by caches
/// (reports and workbooks hold people's results).
pub fn attachment(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", download_name(name)),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A file name safe in a `Content-Disposition` header: letters, digits, `-`, `_` and `.`
/// kept, anything else (quotes, slashes, line breaks, non-ASCII) made `_`.
fn download_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod download_tests {
    use super::download_name;

    #[test]
    fn download_names_carry_nothing_but_safe_characters() {
        assert_eq!(
            download_name("client-visit-v3.xlsx"),
            "client-visit-v3.xlsx"
        );
        assert_eq!(
            download_name("a\"b\r\nc/../d 名.xlsx"),
            "a_b__c_.._d__.xlsx"
        );
    }
}
