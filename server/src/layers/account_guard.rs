//! Account pages are for signed-in customers: a visitor loading one is sent to sign
//! in, with the page to come back to. Decided here, before anything renders, so a
//! page never starts streaming to someone who may not see it.

use app::ssr::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};

pub async fn redirect_visitors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_account_page = path == "/account" || path.starts_with("/account/");
    if !is_account_page || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let signed_in = match state.cookie.read(request.headers()) {
        Some(token) => match state.portal.sessions.resolve(&token).await {
            Ok(account) => account.is_some(),
            Err(error) => {
                tracing::error!(%error, "cannot resolve the session");
                return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
        None => false,
    };
    if signed_in {
        return next.run(request).await;
    }
    let wanted = request.uri().path_and_query().map_or(path, |p| p.as_str());
    let target = format!("/login?next={}", url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect::<String>());
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
