//! Account pages are for signed-in customers: a visitor loading one is sent to sign
//! in, with the page to come back to. The sign-in page is for visitors: it is sent
//! without the client (`app::routes::needs_client`), whose user menu a customer
//! needs, so a signed-in customer is sent on to its `next`, as signing in would.
//! Decided here, before anything renders, so a page never starts streaming to
//! someone who may not see it. The page router
//! resolves `.` and `..` segments after this check, so a path with one is refused
//! here (browsers resolve them before sending), and every method is checked.

use app::routes::{self, has_dot_segment, is_account_page, safe_next, sign_in_path};
use app::ssr::{AppState, SessionStage, SignedIn, session_from};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if has_dot_segment(path) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let is_account_page = is_account_page(path);
    if !is_account_page && path != routes::SIGN_IN {
        return next.run(request).await;
    }
    let signed_in = match signed_in(&state, request.headers()).await {
        Ok(signed_in) => signed_in,
        Err(unavailable) => return unavailable,
    };
    match (signed_in, is_account_page) {
        (Some(signed_in), true) => {
            // The page's server functions reuse this instead of asking again.
            request.extensions_mut().insert(signed_in);
            next.run(request).await
        }
        (None, true) => {
            let wanted = request.uri().path_and_query().map_or(path, |p| p.as_str());
            see_other(&sign_in_path(Some(wanted)))
        }
        (Some(_), false) => see_other(&safe_next(next_page(request.uri().query()).as_deref())),
        (None, false) => next.run(request).await,
    }
}

/// Who the request's session cookie signs in, if anyone.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, Response> {
    session_from(state, headers, SessionStage::SignedIn).await.map_err(|error| {
        tracing::error!(%error, "cannot resolve the session");
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    })
}

/// The sign-in page's `next`, decoded.
fn next_page(query: Option<&str>) -> Option<String> {
    let pairs = url::form_urlencoded::parse(query?.as_bytes());
    pairs.into_iter().find(|(name, _)| name == "next").map(|(_, value)| value.into_owned())
}

/// A redirect no cache keeps: where it leads depends on who is signed in.
fn see_other(target: &str) -> Response {
    let mut response = Redirect::to(target).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
