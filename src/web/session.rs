//! Sign-in over HTTP: the session cookie (a random token; the session itself is kept by
//! `store::sessions`), the signed-in viewer every handler takes, CSRF tokens (one per
//! session, checked on every form that changes data) and the sign-in form, throttled.

use crate::i18n::Message;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use entity::user;
use maud::Markup;
use serde::Deserialize;

use super::error::{ApiError, AppError, AppResult};
use super::query::Form;
use crate::app::AppState;
use crate::auth::{random_token, verify_password};
use crate::domain::Lang;
use crate::domain::access::{Role, Scope};
use crate::i18n::Localize;
use crate::store::sessions::{self, SESSION_HOURS, SignedIn};
use crate::store::users;
use crate::views;

pub const SESSION_COOKIE: &str = "decorum_session";
const LOGIN_COOKIE: &str = "decorum_login";
/// Password checks running at once, per app instance.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

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
        chosen = sessions::chosen_locale(&state.db, token.value())
            .await
            .ok()
            .flatten();
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
            _ => Err(AppError::BadRequest(Message::new("refuse-form-expired"))),
        }
    }

    pub fn chrome(&self) -> views::Chrome {
        views::Chrome {
            user_id: self.user.id,
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
        let SignedIn {
            person,
            scope,
            csrf,
        } = sessions::resume(&state.db, &token, Utc::now())
            .await?
            .ok_or(AppError::SignIn)?;
        Ok(Viewer {
            lang: request_lang(&parts.headers, person.locale.as_deref()),
            scope,
            user: person,
            csrf,
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

/// The client's IP address: from the trusted proxy's header when one is configured,
/// else the connection's peer. Throttling counts sign-in failures by it.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip());
        let trusted = state.config.trusted_proxy_header.as_deref();
        Ok(ClientAddress(client_address(&parts.headers, trusted, peer)))
    }
}

/// The address in the `trusted` header (the last one in it: a proxy appends the address
/// it saw, and anything before that the client may have written), else the peer's.
/// Without a trusted header, forwarding headers are ignored: any client can send them.
fn client_address(headers: &HeaderMap, trusted: Option<&str>, peer: Option<IpAddr>) -> String {
    let forwarded = trusted
        .and_then(|name| headers.get_all(name).iter().next_back())
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .map(str::trim)
        .and_then(|last| {
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
        });
    forwarded
        .or(peer)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// Where to go after signing in or choosing a language: `next` when it is a path on
/// this site, else home. Parsed, not pattern-matched: it must be an absolute path (one
/// leading `/`, not `//` or `/\`, which browsers read as another host), contain no
/// backslash, whitespace or control character even once percent-decoded (browsers drop
/// tabs and newlines, so `/%09/evil.example` would become `//evil.example`), and parse as
/// a URI path and as a header value, so the redirect that carries it cannot fail.
pub fn local_path(next: Option<&str>) -> String {
    const HOME: &str = "/";
    let Some(next) = next else {
        return HOME.into();
    };
    let Ok(decoded) = percent_encoding::percent_decode_str(next).decode_utf8() else {
        return HOME.into();
    };
    let plain = |s: &str| {
        !s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    };
    let one_slash = |s: &str| s.starts_with('/') && !s.starts_with("//");
    let parses = next
        .parse::<PathAndQuery>()
        .is_ok_and(|p| p.as_str() == next)
        && HeaderValue::from_str(next).is_ok();
    if next.len() <= 2048
        && one_slash(next)
        && one_slash(&decoded)
        && plain(next)
        && plain(&decoded)
        && parses
    {
        next.to_string()
    } else {
        HOME.into()
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
        views::auth::sign_in(lang, &token, &local_path(q.next.as_deref()), "", None),
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
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let lang = request_lang(&headers, None);
    let next = local_path(form.next.as_deref());
    let expected = jar
        .get(LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !same_secret(&form.csrf, &expected) {
        return Err(AppError::BadRequest(Message::new(
            "auth-sign-in-form-expired",
        )));
    }
    let email = form.email.trim().to_lowercase();
    let again = |message: &str| -> Response {
        let page = views::auth::sign_in(lang, &expected, &next, &email, Some(message));
        (axum::http::StatusCode::UNAUTHORIZED, page).into_response()
    };
    if email.is_empty() || form.password.is_empty() {
        return Ok(again(&lang.t("auth-enter-your-email-and-password")));
    }
    let now = Utc::now();
    if sessions::throttled(&state.db, &client, &email, now).await? {
        tracing::warn!(email = %email, client = %client, "sign-in throttled");
        return Err(AppError::TooMany(Message::new(
            "auth-too-many-failed-sign-ins",
        )));
    }
    let person = sessions::active_person(&state.db, &email).await?;
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
    sessions::record_attempt(&state.db, &email, ok, &client, now).await?;
    let Some(person) = person.filter(|_| ok) else {
        return Ok(again(&lang.t("auth-that-email-and-password-do")));
    };
    let token = sessions::open(&state.db, person.id, now).await?;
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
        sessions::close(&state.db, token.value()).await?;
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
    let lang = Lang::parse(&form.lang).ok_or_else(|| {
        AppError::BadRequest(Message::new("refuse-unknown-language").arg("value", &form.lang))
    })?;
    users::set_locale(&state.db, &viewer.user, lang.code()).await?;
    Ok(Redirect::to(&local_path(form.next.as_deref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        for local in [
            "/",
            "/spotchecks",
            "/quality?site=1&from=2026-11-01",
            "/%E5%A4%A7",
        ] {
            assert_eq!(local_path(Some(local)), local);
        }
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\\/evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/x\r\nSet-Cookie: a=b",
            "/x%0d%0aSet-Cookie:%20a=b",
            "/%ff",
            " /evil",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn the_client_is_the_peer_unless_a_proxy_header_is_trusted() {
        let peer: IpAddr = "10.0.0.9".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6, 192.0.2.7".parse().unwrap());
        assert_eq!(client_address(&headers, None, Some(peer)), "10.0.0.9");
        assert_eq!(
            client_address(&headers, Some("X-Forwarded-For"), Some(peer)),
            "192.0.2.7",
            "the address the proxy appended, not one the client wrote"
        );
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(
            client_address(&headers, Some("x-forwarded-for"), Some(peer)),
            "10.0.0.9"
        );
        assert_eq!(client_address(&HeaderMap::new(), None, None), "unknown");
    }

    proptest! {
        /// Whatever `next` is, the redirect stays on this site: resolved against the
        /// app's own URL the way a browser does, it keeps the app's host.
        #[test]
        fn redirects_never_leave_the_site(next in "\\PC{0,12}|[/\\\\%09aAfF:.\t\r\n ]{0,8}") {
            let path = local_path(Some(&next));
            prop_assert!(HeaderValue::from_str(&path).is_ok());
            let base = url::Url::parse("https://decorum.test/inspections").unwrap();
            let resolved = base.join(&path).unwrap();
            prop_assert_eq!(resolved.host_str(), Some("decorum.test"));
            prop_assert!(path == "/" || path == next);
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd") && !same_secret("abc", "ab"));
    }
}
