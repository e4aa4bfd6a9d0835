//! Account pages are for signed-in customers: a visitor loading one is sent to sign
//! in, with the page to come back to. Decided here, before anything renders, so a
//! page never starts streaming to someone who may not see it. The page router
//! resolves `.` and `..` segments after this check, so a path with one is refused
//! here (browsers resolve them before sending), and every method is checked.

use app::ssr::{AppState, SignedIn};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};

pub async fn redirect_visitors(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if has_dot_segment(path) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    if !(path == "/account" || path.starts_with("/account/")) {
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
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    let wanted = request.uri().path_and_query().map_or(path, |p| p.as_str());
    let target = format!("/login?next={}", url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect::<String>());
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// Whether `path` has a `.` or `..` segment, spelt out or percent-encoded, or a
/// backslash, which URL parsers read as a slash.
fn has_dot_segment(path: &str) -> bool {
    let is_dots = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    path.contains('\\') || path.split('/').any(|segment| segment.len() <= 6 && is_dots(segment))
}

#[cfg(test)]
mod tests {
    use super::has_dot_segment;

    #[test]
    fn finds_dot_segments_in_any_spelling() {
        for path in
            ["/x/../account", "/./account", "/account/.", "/a/%2e%2E/account", "/%2e/account", "/a\\..\\account"]
        {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/account/security", "/pkg/portal.abc.wasm", "/.well-known/x", "/a..b", "/"] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
