//! Account pages are for signed-in customers: a visitor loading one is sent to sign
//! in, with the page to come back to. The sign-in page is for visitors: it is sent
//! without the client (`app::pages::needs_client`), whose user menu a customer
//! needs, so a signed-in customer is sent on to its `next`, as signing in would.
//! Decided here, before anything renders, so a page never starts streaming to
//! someone who may not see it. The page router
//! resolves `.` and `..` segments after this check, so a path with one is refused
//! here (browsers resolve them before sending), and every method is checked.

use app::functions::auth::safe_next;
use app::pages::{SIGN_IN_PAGE, has_dot_segment};
use app::ssr::{AppState, SignedIn};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if has_dot_segment(path) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let is_account_page = path == "/account" || path.starts_with("/account/");
    if !is_account_page && path != SIGN_IN_PAGE {
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
            let encoded: String = url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
            see_other(&format!("{SIGN_IN_PAGE}?next={encoded}"))
        }
        (Some(_), false) => see_other(&safe_next(next_page(request.uri().query()).as_deref())),
        (None, false) => next.run(request).await,
    }
}

/// Who the request's session cookie signs in, if anyone.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, Response> {
    let Some(token) = state.cookies.session(headers) else { return Ok(None) };
    match state.portal.sessions.resolve(&token).await {
        Ok(account) => Ok(account.map(|account| SignedIn { token, account })),
        Err(error) => {
            tracing::error!(%error, "cannot resolve the session");
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
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
