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
use url::{Host, Url};

/// The origins that may send state-changing requests: the site's own, compared
/// exactly (scheme, host and port), as browsers write it in `Origin`. A site on a
/// loopback address also accepts its other loopback names on the same scheme and
/// port, so `localhost` and `127.0.0.1` both work in development.
#[derive(Clone, Debug)]
pub struct SiteOrigin {
    allowed: Vec<String>,
}

impl SiteOrigin {
    pub fn new(site_url: &Url) -> Self {
        // An opaque origin serializes as "null", which any sandboxed page sends.
        if !site_url.origin().is_tuple() {
            return Self { allowed: Vec::new() };
        }
        let mut allowed = vec![site_url.origin().ascii_serialization()];
        let is_loopback = match site_url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(address)) => address.is_loopback(),
            Some(Host::Ipv6(address)) => address.is_loopback(),
            None => false,
        };
        if is_loopback {
            let port = site_url.port().map(|port| format!(":{port}")).unwrap_or_default();
            for host in ["localhost", "127.0.0.1", "[::1]"] {
                allowed.push(format!("{}://{host}{port}", site_url.scheme()));
            }
        }
        allowed.dedup();
        Self { allowed }
    }

    fn allows(&self, origin: &[u8]) -> bool {
        self.allowed.iter().any(|allowed| allowed.as_bytes() == origin)
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
        return site.allows(origin.as_bytes());
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
    }

    #[test]
    fn other_origins_are_refused_even_on_the_same_host() {
        for origin in [
            "https://evil.example",
            "null",
            "http://portal.example.com",
            "https://portal.example.com:8443",
            "https://portal.example.com.evil.example",
            "https://sub.portal.example.com",
            "https://PORTAL.example.com/",
            "",
        ] {
            let refused = request(&[("origin", origin), ("host", "portal.example.com")]);
            assert!(!is_same_site(&site(), &refused), "{origin}");
        }
        assert!(!is_same_site(&site(), &request(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn a_loopback_site_accepts_its_loopback_names_on_its_scheme_and_port_only() {
        let local = SiteOrigin::new(&Url::parse("http://127.0.0.1:3000").unwrap());
        for origin in ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000"] {
            assert!(is_same_site(&local, &request(&[("origin", origin)])), "{origin}");
        }
        for origin in
            ["https://localhost:3000", "http://localhost:3001", "http://localhost", "http://evil.example:3000"]
        {
            let refused = request(&[("origin", origin), ("host", origin.split("://").nth(1).unwrap())]);
            assert!(!is_same_site(&local, &refused), "{origin}");
        }
    }

    #[test]
    fn requests_from_outside_a_browser_pass() {
        assert!(is_same_site(&site(), &request(&[])));
    }
}
