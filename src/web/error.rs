//! One error type for the web layer. Each variant says which status it becomes;
//! database and unexpected errors are logged and shown as a generic message, never
//! with their detail. API handlers wrap it in `ApiError` to get JSON instead of a page.

use axum::http::{StatusCode, header};
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
    BadRequest(String),
    /// 422: the input broke these rules.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// 409: the request conflicts with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// 429: too many attempts.
    #[error("{0}")]
    TooMany(String),
    /// 503: the database cannot be reached.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    /// 500, details logged only.
    #[error("something went wrong")]
    Internal(String),
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
        }
    }

    fn messages(&self) -> Vec<String> {
        match self {
            AppError::Invalid(list) => list.clone(),
            other => vec![other.to_string()],
        }
    }
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
        let status = self.status();
        (status, layout::error_page(status, &self.messages())).into_response()
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
        let status = self.0.status();
        if let AppError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        let body = serde_json::json!({
            "error": status.canonical_reason().unwrap_or("error"),
            "messages": self.0.messages(),
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
