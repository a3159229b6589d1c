//! Every request gets an id (`x-request-id`: the proxy's if it sent one, else a new
//! UUID, echoed in the response) and one log line when answered: id, method, path,
//! status, latency. Never the query string (sign-in links and filters can carry tokens
//! or names), headers, cookies or bodies. A handler that panics is answered with the
//! normal 500 page and logged, instead of the connection being dropped. A write that
//! succeeded wakes the outbox's webhook loop.

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::LatencyUnit;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::error::{ApiError, AppError};

/// Wrap the whole app in request ids and request logging.
pub fn traced(router: Router) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<Body>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                id,
                method = %request.method(),
                path = %request.uri().path(),
            )
        })
        .on_request(())
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Millis),
        )
        .on_failure(DefaultOnFailure::new().latency_unit(LatencyUnit::Millis));
    // Layers added last run first: the id is set before the span reads it, and
    // copied to the response after.
    router
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Marks the answer [`panicked`] made, for [`panics_in_json`].
#[derive(Debug, Clone, Copy)]
struct Panicked;

/// The answer to a handler that panicked (for `CatchPanicLayer`): logged with its
/// message, answered with the error page like any other internal error.
pub fn panicked(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    let mut response = AppError::Internal(format!("a handler panicked: {message}")).into_response();
    response.extensions_mut().insert(Panicked);
    response
}

/// The panic answer as the API's JSON error for API routes and requests that ask for
/// JSON (the panic layer cannot see the request, this middleware around it can).
pub async fn panics_in_json(request: Request<Body>, next: Next) -> Response {
    let json = super::error::wants_json(request.uri().path(), request.headers());
    let response = next.run(request).await;
    if json && response.extensions().get::<Panicked>().is_some() {
        ApiError(AppError::Internal("the panic logged above".into())).into_response()
    } else {
        response
    }
}

/// After a write request that succeeded, wake the outbox's webhook loop: what the write
/// queued goes out now rather than at the worker's next tick.
pub async fn wake_outbox(
    axum::extract::State(state): axum::extract::State<crate::app::AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let write = !request.method().is_safe();
    let response = next.run(request).await;
    let status = response.status();
    if write && (status.is_success() || status.is_redirection()) {
        state.outbox_wake.notify_one();
    }
    response
}
