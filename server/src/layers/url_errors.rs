//! A page's URL can carry the failure of a form the browser posted by itself (a page
//! sent without the client): Leptos sends the browser back to the page it came from
//! (its `Referer`) with `__path` naming the server function and `__err` the failure,
//! and the page's form shows it. Anyone can write such a link, so a page loads with
//! one only when the failure is worded by the portal ([`AppError::is_worded_by_portal`]):
//! free text, or a wait the portal never gives, could put a message of the link's
//! author on the portal's own page ("Your account is suspended: call …", content
//! spoofing). The browser is sent to the page without it.
//!
//! Leptos adds a failure to the page's URL without taking the last one off, and the
//! page shows the first: a form posted again is sent back with its new failure alone.

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

pub async fn refuse_foreign_words(mut request: Request, next: Next) -> Response {
    match *request.method() {
        Method::GET | Method::HEAD => {
            let query = request.uri().query().unwrap_or_default();
            if failures_in(query).all(|failure| worded_by_the_portal(&failure)) {
                return next.run(request).await;
            }
            // Leading slashes collapsed: `//evil.example` is another site to a browser.
            let path = format!("/{}", request.uri().path().trim_start_matches(['/', '\\']));
            let rest = without_failures(query);
            let mut response =
                Redirect::to(&if rest.is_empty() { path } else { format!("{path}?{rest}") }).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Method::POST => {
            if let Some(referer) = request.headers().get(header::REFERER).and_then(|value| value.to_str().ok())
                && let Some((page, query)) = referer.split_once('?')
                && failures_in(query).next().is_some()
            {
                let rest = without_failures(query);
                let page = if rest.is_empty() { page.to_owned() } else { format!("{page}?{rest}") };
                match HeaderValue::from_str(&page) {
                    Ok(page) => request.headers_mut().insert(header::REFERER, page),
                    Err(_) => request.headers_mut().remove(header::REFERER),
                };
            }
            next.run(request).await
        }
        _ => next.run(request).await,
    }
}

/// The failures `query` carries, read as the page's router reads them (decoded).
fn failures_in(query: &str) -> impl Iterator<Item = String> + '_ {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "__err")
        .map(|(_, value)| value.into_owned())
}

/// `query` without the failure parameters, encoded again.
fn without_failures(query: &str) -> String {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    let kept = pairs.filter(|(name, _)| !FAILURE_PARAMETERS.contains(&&**name));
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish()
}

/// Whether `failure`, read as the page will read it, is worded by the portal.
fn worded_by_the_portal(failure: &str) -> bool {
    URL_SAFE.decode(failure).is_ok_and(|bytes| AppError::de(bytes.into()).is_worded_by_portal())
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

    #[test]
    fn failures_are_found_however_their_names_are_spelt() {
        let spoof = in_url(&AppError::Invalid("x".into()));
        let query = format!("next=%2Faccount&%5F%5Fpath=%2Fapi%2Fsign_in&%5f%5ferr={spoof}");
        assert_eq!(failures_in(&query).collect::<Vec<_>>(), [spoof]);
        assert_eq!(without_failures(&query), "next=%2Faccount");
    }
}
