//! Every request gets an id, sent back as `X-Request-Id` and written in each of
//! its log lines, so an operator finds a customer's "something went wrong" in the
//! logs of whichever server answered. An id the load balancer already gave is
//! kept, so one id follows the request through both logs, when the load balancer
//! is in `TRUSTED_PROXIES` and the id is plainly an id (letters, digits, `-`, `_`,
//! `.`, at most 64): a client's own id could pass for another request's, or write
//! lines of its own into the logs.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use super::client_ip::TrustedProxies;

pub const HEADER: &str = "x-request-id";

pub async fn assign(State(proxies): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip());
    let from_proxy = peer.is_some_and(|peer| proxies.trusts(peer));
    let given = request.headers().get(HEADER).filter(|value| from_proxy && is_plain_id(value.as_bytes())).cloned();
    let id = given.unwrap_or_else(new_id);
    request.headers_mut().insert(HEADER, id.clone());
    let mut response = next.run(request).await;
    response.headers_mut().insert(HEADER, id);
    response
}

fn is_plain_id(value: &[u8]) -> bool {
    (1..=64).contains(&value.len()) && value.iter().all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(byte))
}

/// 96 random bits in hex: unique enough across a fleet, short enough to read out.
fn new_id() -> HeaderValue {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    HeaderValue::from_str(&hex).expect("hex is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_kept() {
        assert!(is_plain_id(b"3f2a-lb.7_x"));
        for bad in [&b""[..], b"a b", b"a\nlevel=error", b"{\"json\":1}", &[b'a'; 65]] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
        assert_eq!(new_id().len(), 24);
    }
}
