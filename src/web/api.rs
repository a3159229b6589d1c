//! The read-only JSON API for BI tools (`/api/v1/…`), authenticated by a bearer token
//! made with `decorum token create`. A token acts with its owner's role and sites.

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::{ApiError, ApiResult, AppError};
use super::export::Export;
use super::quality::{FilterQuery, read_filter};
use super::query::Query;
use crate::app::AppState;
use crate::domain::Lang;
use crate::domain::access::{Role, Scope};
use crate::store::{org, tokens};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inspections", get(inspections))
        .route("/api/v1/responses", get(responses))
        .route("/api/v1/openapi.json", get(openapi))
}

/// The scope of the token in the Authorization header.
pub struct TokenScope(pub Scope);

impl FromRequestParts<AppState> for TokenScope {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(AppError::SignIn))?;
        let person = tokens::owner(&state.db, token)
            .await?
            .ok_or(ApiError(AppError::SignIn))?;
        let scope = org::scope_of(&state.db, &person)
            .await?
            .ok_or(ApiError(AppError::SignIn))?;
        if scope.role == Role::Staff {
            return Err(ApiError(AppError::Forbidden));
        }
        Ok(TokenScope(scope))
    }
}

/// The spot-checks in view, as a JSON array (streamed: a year of a large group does
/// not have to fit in memory).
async fn inspections(
    State(state): State<AppState>,
    TokenScope(scope): TokenScope,
    Query(q): Query<FilterQuery>,
) -> ApiResult<Response> {
    export_json(state, scope, q, Export::InspectionsJson).await
}

/// The scored item responses of the spot-checks in view, as a JSON array.
async fn responses(
    State(state): State<AppState>,
    TokenScope(scope): TokenScope,
    Query(q): Query<FilterQuery>,
) -> ApiResult<Response> {
    export_json(state, scope, q, Export::ResponsesJson).await
}

async fn export_json(
    state: AppState,
    scope: Scope,
    q: FilterQuery,
    export: Export,
) -> ApiResult<Response> {
    let filter = read_filter(&state, &scope, &q).await?;
    Ok(super::export::respond(&state, &scope, &filter, Lang::En, export, "").await?)
}

/// The OpenAPI 3.1 description of the API, for BI tools and schema checkers.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../docs/openapi.json"),
    )
        .into_response()
}
