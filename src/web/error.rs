//! One error type for the web layer. Each variant says which status it becomes;
//! database and unexpected errors are logged and shown as a generic message, never
//! with their detail. API handlers wrap it in `ApiError` to get JSON instead of a page.
//! The layer [`in_requested_form`] writes every error answer — ours and axum's own
//! rejections alike — as JSON or a page, as the request asked, in the viewer's language.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{DbErr, RuntimeErr};

/// The database is down or going away: its connection broke, the server is shutting down
/// (SQLSTATE 57P0x) or refuses connections (class 08).
fn unavailable(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(s)) | DbErr::Exec(RuntimeErr::SqlxError(s)) => {
            match &**s {
                sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::PoolTimedOut
                | sea_orm::sqlx::Error::PoolClosed
                | sea_orm::sqlx::Error::WorkerCrashed => true,
                sea_orm::sqlx::Error::Database(d) => d
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

use super::session;
use crate::app::{AppState, MAX_BODY_BYTES};
use crate::domain::Lang;
use crate::domain::text::capped;
use crate::i18n::Message;
use crate::store::StoreError;
use crate::views::layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 303 to the sign-in page (HTML) or 401 (API).
    #[error("sign in first")]
    SignIn,
    /// 403: outside the person's role or sites — and also for ids that do not exist,
    /// so a refusal never tells whether a thing exists.
    #[error("this is not available to you")]
    Forbidden,
    /// 404 for pages that are not about a stored thing.
    #[error("not found")]
    NotFound,
    /// 400 with a message for the person.
    #[error("{0}")]
    BadRequest(Message),
    /// 422: the input broke these rules.
    #[error("{}", .0.iter().map(Message::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Message>),
    /// 409: the request conflicts with what is stored.
    #[error("{0}")]
    Conflict(Message),
    /// 429: too many attempts.
    #[error("{0}")]
    TooMany(Message),
    /// 503: the database cannot be reached.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    /// 500, details logged only.
    #[error("something went wrong")]
    Internal(String),
    /// 413: the request is over a size limit; the sentence names the limit.
    #[error("{}", .0.say(Lang::En))]
    TooLarge(Message),
    /// 400: a query, form or address value that could not be read; the sentence names it.
    #[error("{}", .0.say(Lang::En))]
    Unreadable(Message),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::SignIn => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unreadable(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// What the person is told, said later in their language.
    fn messages(&self) -> Vec<Message> {
        match self {
            AppError::Invalid(list) => list.clone(),
            AppError::TooLarge(m)
            | AppError::Unreadable(m)
            | AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::TooMany(m) => vec![m.clone()],
            AppError::SignIn => vec![Message::new("error-sign-in-first")],
            AppError::Forbidden => vec![Message::new("error-not-available")],
            AppError::NotFound => vec![status_sentence(StatusCode::NOT_FOUND)],
            AppError::Unavailable => vec![Message::new("error-database-unavailable")],
            AppError::Internal(_) => vec![Message::new("error-something-went-wrong")],
        }
    }
}

/// The one sentence for a request body over the app-wide limit.
pub fn body_too_large() -> Message {
    Message::new("error-body-too-large").arg("mb", MAX_BODY_BYTES / 1024 / 1024)
}

/// The sentence for an error axum answers by itself (a rejection before any handler
/// ran, an unknown address or method), by its status.
fn status_sentence(status: StatusCode) -> Message {
    Message::new(match status {
        StatusCode::PAYLOAD_TOO_LARGE => return body_too_large(),
        StatusCode::NOT_FOUND => "error-no-page-here",
        StatusCode::METHOD_NOT_ALLOWED => "error-method-not-accepted",
        StatusCode::REQUEST_TIMEOUT => "error-took-too-long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-format-not-accepted",
        _ => "error-request-unreadable",
    })
}

/// An error's messages, kept on its response so [`in_requested_form`] can write them in
/// the viewer's language and the format asked for.
#[derive(Debug, Clone)]
struct ErrorReport {
    messages: Vec<Message>,
    /// Answered as JSON whatever the request's Accept header (API and tablet routes).
    json: bool,
}

/// The error answer itself: JSON `{ "error": …, "messages": [...] }` or the error page,
/// the list capped so a flood of problems stays readable.
fn render(status: StatusCode, messages: &[Message], lang: Lang, json: bool) -> Response {
    let messages = capped(messages.iter().map(|m| m.say(lang)).collect(), lang);
    if json {
        let body = serde_json::json!({
            "error": status.canonical_reason().unwrap_or("error"),
            "messages": messages,
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    } else {
        (status, layout::error_page(status, &messages, lang)).into_response()
    }
}

fn reported(status: StatusCode, messages: Vec<Message>, json: bool) -> Response {
    let mut response = render(status, &messages, Lang::default(), json);
    response
        .extensions_mut()
        .insert(ErrorReport { messages, json });
    response
}

/// The request asked for JSON: an API address, or an Accept header that prefers it.
pub fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    path.starts_with("/api/") || prefers_json(headers)
}

/// An Accept header that asks for JSON over HTML (the tablet's outbox and autosave ask
/// so; a browser's own navigation never does).
pub fn prefers_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("application/json") && !accept.contains("text/html")
}

/// Rewrites every error answer in the format the request asked for (JSON for the API and
/// `Accept: application/json`, else the error page) and the viewer's language: ours,
/// which carry their messages, and axum's plain-text ones (an oversized body, an
/// unknown address or method), which get the app's sentence for their status.
pub async fn in_requested_form(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let json = wants_json(request.uri().path(), request.headers());
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if status.is_client_error() && plain => ErrorReport {
            messages: vec![status_sentence(status)],
            json: false,
        },
        None => return response,
    };
    // Looking the person up needs the database, which a 5xx may mean is away.
    let lang = if status.is_client_error() {
        session::viewer_lang(&state, &headers).await
    } else {
        session::request_lang(&headers, None)
    };
    let (mut parts, _) = response.into_parts();
    for stale in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
    ] {
        parts.headers.remove(stale);
    }
    let (fresh, body) = render(status, &report.messages, lang, json || report.json).into_parts();
    parts.headers.extend(fresh.headers);
    Response::from_parts(parts, body)
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        match e {
            e if unavailable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Db(db) => db.into(),
            StoreError::Invalid(message) => AppError::Invalid(vec![message]),
            StoreError::NotFound(_) | StoreError::Forbidden(_) => AppError::Forbidden,
            StoreError::Conflict(message) => AppError::Conflict(message),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if matches!(self, AppError::SignIn) {
            return Redirect::to("/signin").into_response();
        }
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        reported(self.status(), self.messages(), false)
    }
}

/// The same errors as JSON `{ "error": …, "messages": [...] }`, for API routes.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        reported(self.0.status(), self.0.messages(), true)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
