//! Headers on every response: a Content Security Policy that lets only the portal's
//! own scripts and WASM run (the inline hydration script carries a per-response
//! nonce), no framing, no MIME sniffing, no referrer to other sites, no caching of pages, and, when
//! the portal is served over https, Strict-Transport-Security so browsers never
//! fall back to plain http (where cookies and codes could be read on the way).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

use crate::Config;

/// The nonce of the response being rendered, handed from this layer to Leptos.
#[derive(Clone)]
struct CspNonce(String);

#[derive(Clone)]
pub struct Policy {
    /// Where `cargo leptos watch` serves its reload socket, when it does.
    reload_socket: Option<String>,
    /// Whether to send HSTS: only over https, or a plain-http development server
    /// would be unreachable afterwards.
    strict_transport: bool,
}

impl Policy {
    pub fn new(config: &Config) -> Self {
        // The reload script connects to whichever host the page was loaded from.
        let reload_socket = config.watching.then(|| format!("ws://*:{}", config.leptos.reload_port));
        Self { reload_socket, strict_transport: config.is_https() }
    }

    fn content_security_policy(&self, nonce: &str) -> HeaderValue {
        let connect = self.reload_socket.as_deref().map_or("'self'".to_owned(), |socket| format!("'self' {socket}"));
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        HeaderValue::from_str(&policy).expect("the policy is ASCII")
    }
}

/// A year, subdomains included: the portal's host is https-only for good.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn add(State(policy): State<Policy>, mut request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;

    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.content_security_policy(&nonce));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The portal's own pages only: a form the browser posts by itself is sent back
    // to its page by its `Referer`, and under `no-referrer` its `Origin` would be
    // `null` (refused as cross-site). Other sites learn nothing.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Static files say how long they may be kept (`static_files`); nothing else may be.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.strict_transport {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// Gives Leptos this response's nonce, for the scripts it writes into the page.
/// Called in the context of each render and server function.
pub fn provide_nonce() {
    let nonce = use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(Nonce::from_value(nonce));
    }
}

/// 128 random bits, base64: unguessable for each response.
fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
