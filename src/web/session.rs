//! Sign-in sessions, kept in the database so any app instance can serve any request:
//! the cookie holds a random token, the database its SHA-256. Also CSRF tokens (one per
//! session, checked on every form that changes data) and sign-in throttling.

use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use entity::{login_attempt, session, user, user_site};
use maud::Markup;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::{ApiError, AppError, AppResult};
use super::query::Form;
use crate::app::AppState;
use crate::auth::verify_password;
use crate::domain::Lang;
use crate::domain::access::{Role, Scope};
use crate::views;

pub const SESSION_COOKIE: &str = "decorum_session";
const LOGIN_COOKIE: &str = "decorum_login";
/// A session lasts a long shift without activity before it expires.
const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account in the throttle window.
const MAX_FAILURES: u64 = 5;
const THROTTLE_MINUTES: i64 = 15;
/// Password checks running at once, per app instance.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

pub fn random_token() -> String {
    hex::encode(rand::rng().random::<[u8; 32]>())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compare secrets without leaking where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(
    name: &'static str,
    value: String,
    headers: &HeaderMap,
    max_age: Duration,
) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(is_https(headers));
    c.set_max_age(time::Duration::seconds(max_age.num_seconds()));
    c
}

/// The language for a request: the person's choice, else the browser's, else Chinese.
pub fn request_lang(headers: &HeaderMap, chosen: Option<&str>) -> Lang {
    chosen
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get("accept-language")
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The language to answer a request in when no handler has read its viewer (an error
/// before or outside one): the signed-in person's choice, else the browser's.
pub async fn viewer_lang(state: &AppState, headers: &HeaderMap) -> Lang {
    let mut chosen = None;
    if let Some(token) = CookieJar::from_headers(headers).get(SESSION_COOKIE) {
        chosen = session::Entity::find_by_id(token_hash(token.value()))
            .find_also_related(user::Entity)
            .one(&state.db)
            .await
            .ok()
            .flatten()
            .filter(|(s, _)| s.expires_at > Utc::now())
            .and_then(|(_, person)| person?.locale);
    }
    request_lang(headers, chosen.as_deref())
}

/// The signed-in person making a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: user::Model,
    pub scope: Scope,
    pub lang: Lang,
    pub csrf: String,
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.scope.role
    }

    /// Every state-changing form carries the session's CSRF token.
    pub fn check_csrf(&self, token: Option<&str>) -> AppResult<()> {
        match token {
            Some(t) if same_secret(t, &self.csrf) => Ok(()),
            _ => Err(AppError::BadRequest(
                "this form has expired or did not come from Decorum; reload the page and try again"
                    .into(),
            )),
        }
    }

    pub fn chrome(&self) -> views::Chrome {
        views::Chrome {
            lang: self.lang,
            name: self.user.name.clone(),
            role: self.scope.role,
            csrf: self.csrf.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .ok_or(AppError::SignIn)?
            .value()
            .to_string();
        let now = Utc::now();
        // The session and its person in one query; their sites in a second, as bare
        // ids (joined, a person at 200 sites made 200 rows of every session and user
        // column on each request).
        let (session, person) = session::Entity::find_by_id(token_hash(&token))
            .find_also_related(user::Entity)
            .one(&state.db)
            .await?
            .and_then(|(session, person)| Some((session, person?)))
            .filter(|(s, u)| s.expires_at > now && u.active)
            .ok_or(AppError::SignIn)?;
        let sites: Vec<i32> = user_site::Entity::find()
            .select_only()
            .column(user_site::Column::SiteId)
            .filter(user_site::Column::UserId.eq(person.id))
            .into_tuple()
            .all(&state.db)
            .await?;
        // Slide the expiry, at most once a minute so reads stay reads.
        if now - session.last_seen_at > Duration::minutes(1) {
            let mut active: session::ActiveModel = session.clone().into();
            active.last_seen_at = Set(now);
            active.expires_at = Set(now + Duration::hours(SESSION_HOURS));
            active.update(&state.db).await?;
        }
        let role = Role::parse(&person.role).ok_or(AppError::SignIn)?;
        Ok(Viewer {
            lang: request_lang(&parts.headers, person.locale.as_deref()),
            scope: Scope {
                user_id: person.id,
                role,
                sites,
            },
            user: person,
            csrf: session.csrf,
        })
    }
}

/// The same, for API routes: an absent session is a 401 JSON error.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Viewer::from_request_parts(parts, state)
            .await
            .map(ApiViewer)
            .map_err(ApiError)
    }
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

/// Only same-site paths may be redirected to after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub async fn sign_in_page(
    headers: HeaderMap,
    jar: CookieJar,
    axum::extract::Query(q): axum::extract::Query<SignInQuery>,
) -> (CookieJar, Markup) {
    let token = random_token();
    let lang = request_lang(&headers, None);
    let jar = jar.add(cookie(
        LOGIN_COOKIE,
        token.clone(),
        &headers,
        Duration::hours(2),
    ));
    (
        jar,
        views::auth::sign_in(lang, &token, &safe_next(q.next.as_deref()), "", None),
    )
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let lang = request_lang(&headers, None);
    let next = safe_next(form.next.as_deref());
    let expected = jar
        .get(LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !same_secret(&form.csrf, &expected) {
        return Err(AppError::BadRequest(
            "the sign-in form expired; reload the page and sign in again / 登入表單已過期，請重新載入".into(),
        ));
    }
    let email = form.email.trim().to_lowercase();
    let again = |message: &str| -> Response {
        let page = views::auth::sign_in(lang, &expected, &next, &email, Some(message));
        (axum::http::StatusCode::UNAUTHORIZED, page).into_response()
    };
    if email.is_empty() || form.password.is_empty() {
        return Ok(again(
            lang.pick("請輸入電郵和密碼。", "Enter your email and password."),
        ));
    }
    let now = Utc::now();
    let failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(&email))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::At.gt(now - Duration::minutes(THROTTLE_MINUTES)))
        .count(&state.db)
        .await?;
    if failures >= MAX_FAILURES {
        tracing::warn!(email = %email, "sign-in throttled");
        return Err(AppError::TooMany(
            lang.pick(
                "此帳戶登入失敗次數過多，請15分鐘後再試。",
                "Too many failed sign-ins for this account. Try again in 15 minutes.",
            )
            .into(),
        ));
    }
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&state.db)
        .await?
        .filter(|u| u.active);
    // argon2 is deliberately slow and takes 19 MiB a check: run it off the async workers,
    // a few at a time, so a burst of sign-ins neither stalls requests nor balloons memory.
    let hash = person.as_ref().and_then(|u| u.password_hash.clone());
    let password = form.password.clone();
    let ok = match hash {
        Some(hash) => {
            let _permit = PASSWORD_CHECKS.acquire().await.ok();
            tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                .await
                .unwrap_or(false)
        }
        None => false,
    };
    login_attempt::ActiveModel {
        email: Set(email.clone()),
        succeeded: Set(ok),
        at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    let Some(person) = person.filter(|_| ok) else {
        return Ok(again(lang.pick(
            "電郵或密碼不正確。",
            "That email and password do not match.",
        )));
    };
    // A new token at every sign-in: a session id planted before sign-in is worthless.
    let token = random_token();
    session::ActiveModel {
        id: Set(token_hash(&token)),
        user_id: Set(person.id),
        csrf: Set(random_token()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
    }
    .insert(&state.db)
    .await?;
    tracing::info!(user = person.id, "signed in");
    let jar = jar
        .remove(Cookie::build(LOGIN_COOKIE).path("/"))
        .add(cookie(
            SESSION_COOKIE,
            token,
            &headers,
            Duration::hours(SESSION_HOURS),
        ));
    Ok((jar, Redirect::to(&next)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    viewer.check_csrf(form.csrf.as_deref())?;
    if let Some(token) = jar.get(SESSION_COOKIE) {
        session::Entity::delete_by_id(token_hash(token.value()))
            .exec(&state.db)
            .await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/signin")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LangForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    lang: String,
    next: Option<String>,
}

/// Remember the person's language choice.
pub async fn set_lang(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<LangForm>,
) -> AppResult<Redirect> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let lang = Lang::parse(&form.lang)
        .ok_or_else(|| AppError::BadRequest(format!("unknown language `{}`", form.lang)))?;
    let mut person: user::ActiveModel = viewer.user.clone().into();
    person.locale = Set(Some(lang.code().to_string()));
    person.update(&state.db).await?;
    Ok(Redirect::to(&safe_next(form.next.as_deref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/spotchecks")), "/spotchecks");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd") && !same_secret("abc", "ab"));
    }
}
