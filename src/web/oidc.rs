//! Single sign-on over HTTP: "Sign in with <company>" sends the browser to the company's
//! OpenID provider, and its way back finishes the sign-in. The state, nonce and PKCE
//! verifier wait in the database (`store::oidc`), the state also in a cookie of the
//! browser that began, so only that browser can finish; the person is found by the email
//! the provider verified, and gets a session as with a password.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::query::Query;
use super::session::{
    ClientAddress, cookie, local_path, open_session, request_lang, same_secret, sign_in_form,
};
use crate::app::AppState;
use crate::domain::Lang;
use crate::i18n::Localize;
use crate::oidc::OidcError;
use crate::store::oidc::{self as pending, PENDING_MINUTES, Pending};
use crate::store::sessions;

/// The cookie holding the state of the sign-in this browser began.
const STATE_COOKIE: &str = "decorum_oidc";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin/oidc", get(begin))
        .route("/signin/oidc/callback", get(callback))
}

#[derive(Debug, Deserialize)]
pub struct BeginQuery {
    next: Option<String>,
}

/// Begin: keep the state, nonce and PKCE verifier, and send the browser to the provider.
pub async fn begin(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<BeginQuery>,
) -> AppResult<Response> {
    let provider = state.oidc.clone().ok_or(AppError::NotFound)?;
    let next = local_path(q.next.as_deref());
    let begun = match provider.begin().await {
        Ok(begun) => begun,
        Err(e) => return Ok(refuse(&state, &headers, jar, &next, &e)),
    };
    let kept = Pending {
        nonce: begun.nonce,
        pkce_verifier: begun.pkce_verifier,
        next,
    };
    pending::begin(&state.db, &begun.state, &kept, Utc::now()).await?;
    let jar = jar.add(cookie(
        STATE_COOKIE,
        begun.state,
        &headers,
        Duration::minutes(PENDING_MINUTES),
    ));
    Ok((jar, Redirect::to(&begun.url)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    /// The provider's refusal (`access_denied`…), instead of a code.
    error: Option<String>,
}

/// The way back from the provider: check the state against this browser's and the kept
/// sign-in, exchange the code, and sign the person in.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let provider = state.oidc.clone().ok_or(AppError::NotFound)?;
    let lang = request_lang(&headers, None);
    let browser_state = jar
        .get(STATE_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let jar = jar.remove(Cookie::build(STATE_COOKIE).path("/"));
    let again = |jar: CookieJar, next: &str, id: &str, status: StatusCode| {
        sign_in_form(&state, &headers, jar, next, Some(&lang.t(id)), status)
    };
    let returned = q.state.unwrap_or_default();
    if browser_state.is_empty() || !same_secret(&returned, &browser_state) {
        tracing::warn!("single sign-on: the state does not match this browser's");
        return Ok(again(
            jar,
            "/",
            "oidc-state-mismatch",
            StatusCode::BAD_REQUEST,
        ));
    }
    let now = Utc::now();
    let Some(kept) = pending::take(&state.db, &returned, now).await? else {
        tracing::warn!("single sign-on: no sign-in under way with this state");
        return Ok(again(
            jar,
            "/",
            "oidc-state-mismatch",
            StatusCode::BAD_REQUEST,
        ));
    };
    let next = kept.next.clone();
    let code = match (q.code, q.error) {
        (Some(code), None) if !code.is_empty() => code,
        (_, error) => {
            tracing::info!(error = ?error, "single sign-on: the provider sent no code");
            return Ok(again(jar, &next, "oidc-declined", StatusCode::FORBIDDEN));
        }
    };
    let identity = match provider
        .finish(&code, &kept.nonce, &kept.pkce_verifier)
        .await
    {
        Ok(identity) => identity,
        Err(e) => return Ok(refuse(&state, &headers, jar, &next, &e)),
    };
    let email = identity.email.clone();
    let refused = |jar: CookieJar, id: &str| {
        let message = lang.t_args(id, &[("email", email.as_str().into())]);
        sign_in_form(
            &state,
            &headers,
            jar,
            &next,
            Some(&message),
            StatusCode::FORBIDDEN,
        )
    };
    let person = match pending::person_by_email(&state.db, &email).await? {
        Some(person) if person.active => person,
        Some(_) => {
            tracing::warn!(email = %email, "single sign-on: deactivated person refused");
            sessions::record_attempt(&state.db, &email, false, &client, now).await?;
            return Ok(refused(jar, "oidc-deactivated"));
        }
        None => match provider.config.jit_role {
            Some(role) => {
                let name = identity
                    .name
                    .clone()
                    .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
                let person = pending::create_just_in_time(
                    &state.db,
                    &email,
                    name.trim(),
                    role,
                    &provider.config.issuer,
                    now,
                )
                .await?;
                tracing::info!(user = person.id, email = %email, role = role.as_str(), "single sign-on: created just in time");
                person
            }
            None => {
                tracing::warn!(email = %email, "single sign-on: unknown person refused");
                return Ok(refused(jar, "oidc-unknown-person"));
            }
        },
    };
    sessions::record_attempt(&state.db, &email, true, &client, now).await?;
    open_session(&state, &headers, jar, person.id, &next, "oidc").await
}

/// The sign-in page saying why the provider's part failed, in the viewer's language;
/// the detail goes to the log only.
fn refuse(
    state: &AppState,
    headers: &HeaderMap,
    jar: CookieJar,
    next: &str,
    e: &OidcError,
) -> Response {
    let (id, status) = match e {
        OidcError::Unavailable(_) => ("oidc-provider-unavailable", StatusCode::SERVICE_UNAVAILABLE),
        OidcError::Refused(_) => ("oidc-code-refused", StatusCode::BAD_REQUEST),
        OidcError::Nonce(_) => ("oidc-nonce-mismatch", StatusCode::BAD_REQUEST),
        OidcError::Token(_) => ("oidc-token-invalid", StatusCode::BAD_REQUEST),
        OidcError::NoVerifiedEmail => ("oidc-no-verified-email", StatusCode::FORBIDDEN),
    };
    tracing::warn!(error = %e, "single sign-on failed");
    let lang: Lang = request_lang(headers, None);
    sign_in_form(state, headers, jar, next, Some(&lang.t(id)), status)
}
