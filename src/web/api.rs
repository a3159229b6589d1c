//! The read-only JSON API for BI tools (`/api/v1/…`), authenticated by a bearer token
//! made with `decorum token create`. A token acts with its owner's role and sites.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::error::{ApiError, ApiResult, AppError};
use super::quality::{FilterQuery, read_filter};
use crate::app::AppState;
use crate::domain::access::{Role, Scope};
use crate::store::{org, quality, tokens};

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
        let role = Role::parse(&person.role).ok_or(ApiError(AppError::SignIn))?;
        if role == Role::Staff {
            return Err(ApiError(AppError::Forbidden));
        }
        let sites = entity::user_site::Entity::find()
            .filter(entity::user_site::Column::UserId.eq(person.id))
            .all(&state.db)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|m| m.site_id)
            .collect();
        Ok(TokenScope(Scope {
            user_id: person.id,
            role,
            sites,
        }))
    }
}

#[derive(Debug, Serialize)]
struct InspectionOut {
    id: Uuid,
    shift_date: String,
    shift_period: String,
    site_id: i32,
    site: String,
    subject_id: i32,
    subject: String,
    inspector_id: i32,
    inspector: String,
    checklist: String,
    checklist_version: i32,
    score: Option<f64>,
    max_score: Option<f64>,
    percent: Option<f64>,
    passed: Option<bool>,
    critical_failure: bool,
    submitted_at: Option<String>,
}

async fn inspections(
    State(state): State<AppState>,
    TokenScope(scope): TokenScope,
    Query(q): Query<FilterQuery>,
) -> ApiResult<Json<Vec<InspectionOut>>> {
    let filter = read_filter(&state, &scope, &q).await?;
    let view = quality::in_view(&state.db, &scope, &filter).await?;
    let names = org::names(
        &state.db,
        view.rows
            .iter()
            .flat_map(|r| [r.subject_id, r.inspector_id])
            .collect(),
    )
    .await?;
    let sites = org::site_names(&state.db).await?;
    Ok(Json(
        view.rows
            .iter()
            .map(|r| {
                let version = view.versions.get(&r.checklist_version_id);
                InspectionOut {
                    id: r.id,
                    shift_date: r.shift_date.to_string(),
                    shift_period: r.shift_period.clone(),
                    site_id: r.site_id,
                    site: sites.get(&r.site_id).cloned().unwrap_or_default(),
                    subject_id: r.subject_id,
                    subject: names.get(&r.subject_id).cloned().unwrap_or_default(),
                    inspector_id: r.inspector_id,
                    inspector: names.get(&r.inspector_id).cloned().unwrap_or_default(),
                    checklist: version.map(|v| v.checklist.key.clone()).unwrap_or_default(),
                    checklist_version: version.map(|v| v.version).unwrap_or_default(),
                    score: r.score,
                    max_score: r.max_score,
                    percent: r.percent,
                    passed: r.passed,
                    critical_failure: r.critical_failure,
                    submitted_at: r.submitted_at.map(|t| t.to_rfc3339()),
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize)]
struct ResponseOut {
    inspection_id: Uuid,
    checklist: String,
    section: String,
    item: String,
    clause: String,
    outcome: String,
    points: f64,
    max_points: f64,
    note: Option<String>,
}

async fn responses(
    State(state): State<AppState>,
    TokenScope(scope): TokenScope,
    Query(q): Query<FilterQuery>,
) -> ApiResult<Json<Vec<ResponseOut>>> {
    let filter = read_filter(&state, &scope, &q).await?;
    let view = quality::in_view(&state.db, &scope, &filter).await?;
    let by_inspection = quality::responses(&state.db, &view).await?;
    let mut out = Vec::new();
    for r in &view.rows {
        let Some(version) = view.versions.get(&r.checklist_version_id) else {
            continue;
        };
        for resp in by_inspection.get(&r.id).into_iter().flatten() {
            let Some((section, item)) = version
                .checklist
                .items()
                .find(|(_, i)| i.key == resp.item_key)
            else {
                continue;
            };
            out.push(ResponseOut {
                inspection_id: r.id,
                checklist: version.checklist.key.clone(),
                section: section.key.clone(),
                item: item.key.clone(),
                clause: item.clause.clone(),
                outcome: resp.outcome.clone(),
                points: resp.points,
                max_points: resp.max_points,
                note: resp.note.clone(),
            });
        }
    }
    Ok(Json(out))
}

/// The OpenAPI 3.1 description of the API, for BI tools and schema checkers.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../docs/openapi.json"),
    )
        .into_response()
}
