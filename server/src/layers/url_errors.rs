//! A page's URL can carry the failure of a form the browser posted by itself (a page
//! sent without the client): Leptos sends the browser back with `__path` naming the
//! server function and `__err` the failure, and the page's form shows it. Anyone
//! can write such a link, so a page loads with one only when every word of that
//! failure is the portal's own. A failure with free text (`AppError::Invalid`), or one
//! that does not read at all, could put a message of the link's author on the
//! portal's own page ("Your account is suspended: call …", content spoofing): the
//! browser is sent to the page without it.

use app::error::AppError;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use leptos::server_fn::error::FromServerFnError as _;

/// The query parameters Leptos puts a plain form post's failure in.
const FAILURE_PARAMETERS: [&str; 2] = ["__path", "__err"];

pub async fn refuse_foreign_words(request: Request, next: Next) -> Response {
    let is_page_load = matches!(*request.method(), Method::GET | Method::HEAD);
    let query = request.uri().query().unwrap_or_default();
    if !is_page_load || !query.contains("__") {
        return next.run(request).await;
    }
    let failures = url::form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name == "__err");
    if failures.clone().all(|(_, failure)| worded_by_the_portal(&failure)) {
        return next.run(request).await;
    }
    let rest: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            url::form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| !FAILURE_PARAMETERS.contains(&&**name)),
        )
        .finish();
    let path = request.uri().path();
    let target = if rest.is_empty() { path.to_owned() } else { format!("{path}?{rest}") };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether `failure` reads, as the page will read it, as an error in the portal's
/// own words.
fn worded_by_the_portal(failure: &str) -> bool {
    let Ok(bytes) = URL_SAFE.decode(failure) else { return false };
    !matches!(AppError::de(bytes.into()), AppError::Invalid(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_url(error: &AppError) -> String {
        URL_SAFE.encode(error.ser())
    }

    #[test]
    fn only_the_portals_own_words_pass() {
        assert!(worded_by_the_portal(&in_url(&AppError::InvalidCredentials)));
        assert!(worded_by_the_portal(&in_url(&AppError::TooManyPasswords { retry_after_secs: 10 })));
        assert!(!worded_by_the_portal(&in_url(&AppError::Invalid("Call +1 555 0100 now.".into()))));
        assert!(!worded_by_the_portal("not base64!"));
    }
}
