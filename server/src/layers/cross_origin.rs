//! Cross-site request forgery: a state-changing request (anything but GET, HEAD,
//! OPTIONS) sent by a browser from another site is refused with 403.
//!
//! Browsers name the page that sent a request in `Origin` (and in `Sec-Fetch-Site`);
//! scripts on another site cannot forge either. A request carrying neither did not
//! come from a browser, so it carries no customer's cookie to abuse.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use url::Url;

/// The site's own origin, as browsers write it in `Origin`: `scheme://host[:port]`.
#[derive(Clone, Debug)]
pub struct SiteOrigin(String);

impl SiteOrigin {
    pub fn new(site_url: &Url) -> Self {
        Self(site_url.origin().ascii_serialization())
    }
}

pub async fn refuse_cross_site(State(site): State<SiteOrigin>, request: Request, next: Next) -> Response {
    let is_safe_method = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if is_safe_method || is_same_site(&site, &request) {
        return next.run(request).await;
    }
    tracing::warn!(origin = ?request.headers().get(header::ORIGIN), path = %request.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response()
}

fn is_same_site(site: &SiteOrigin, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        // The configured address, or the host the browser asked for (so that
        // `localhost` and `127.0.0.1` both work in development).
        let host = headers.get(header::HOST).and_then(|host| host.to_str().ok());
        let origin_authority = origin.split_once("://").map(|(_, authority)| authority);
        return origin == site.0 || (host.is_some() && origin_authority == host);
    }
    match headers.get("sec-fetch-site").map(|value| value.as_bytes()) {
        Some(fetch_site) => matches!(fetch_site, b"same-origin" | b"none"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method("POST").uri("/api/sign_in");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    fn site() -> SiteOrigin {
        SiteOrigin::new(&Url::parse("https://portal.example.com").unwrap())
    }

    #[test]
    fn the_sites_own_origin_is_accepted() {
        assert!(is_same_site(&site(), &request(&[("origin", "https://portal.example.com")])));
        assert!(is_same_site(&site(), &request(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")])));
    }

    #[test]
    fn other_origins_are_refused() {
        assert!(!is_same_site(&site(), &request(&[("origin", "https://evil.example")])));
        assert!(!is_same_site(&site(), &request(&[("origin", "null")])));
        assert!(!is_same_site(
            &site(),
            &request(&[("origin", "https://evil.example"), ("host", "portal.example.com")])
        ));
        assert!(!is_same_site(&site(), &request(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn requests_from_outside_a_browser_pass() {
        assert!(is_same_site(&site(), &request(&[])));
    }
}
