//! Account pages are for signed-in customers: a visitor loading one is sent to sign
//! in, with the page to come back to. Decided here, before anything renders, so a
//! page never starts streaming to someone who may not see it.

use app::ssr::{AppState, SignedIn};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};

pub async fn redirect_visitors(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_account_page = path == "/account" || path.starts_with("/account/");
    if !is_account_page || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    if let Some(token) = state.cookies.session(request.headers()) {
        match state.portal.sessions.resolve(&token).await {
            Ok(Some(account)) => {
                // The page's server functions reuse this instead of asking again.
                request.extensions_mut().insert(SignedIn { token, account });
                return next.run(request).await;
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "cannot resolve the session");
                return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    let wanted = request.uri().path_and_query().map_or(path, |p| p.as_str());
    let target = format!("/login?next={}", url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect::<String>());
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
