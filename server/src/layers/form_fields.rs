//! Server-function input the portal's own forms never send, refused before any
//! server function sees it: a body over [`MAX_BODY_BYTES`] gets `413`, one still
//! arriving after the body-read timeout gets `408` (a client that trickles a byte at
//! a time holds a connection no longer), and NUL or any other control character in
//! any field gets `400` with a message. Names, emails,
//! passwords, codes and numbers are one line of printable text; and PostgreSQL
//! refuses NUL in text outright, which would otherwise surface as a server error.
//!
//! The portal's server functions take URL-encoded forms, so fields are checked as
//! such: raw in the body, and percent-decoded.

use app::error::AppError;
use axum::body::{Body, Bytes};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use leptos::server_fn::error::FromServerFnError as _;

/// Far more than any form of the portal sends.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A larger body is read this far and discarded before the answer; past it, the
/// connection is closed.
const READ_TO_REFUSE_BYTES: usize = 256 * 1024;

/// How long a server function's body may take to arrive, once its headers did.
#[derive(Clone, Copy, Debug)]
pub struct BodyDeadline(pub Duration);

pub async fn refuse_malformed(State(deadline): State<BodyDeadline>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let too_large = || {
        let error = AppError::Invalid(format!("The request is too large: at most {} kB.", MAX_BODY_BYTES / 1024));
        answer(StatusCode::PAYLOAD_TOO_LARGE, &error)
    };
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse().ok());
    // A body a little too large is read to its end, so the client, still sending
    // it, gets the 413 rather than a connection closed under it; one declared far
    // too large is not read at all.
    let readable = declared.is_none_or(|length: usize| length <= READ_TO_REFUSE_BYTES);
    let read = match readable {
        true => {
            tokio::time::timeout(deadline.0, axum::body::to_bytes(body, READ_TO_REFUSE_BYTES)).await.map(Result::ok)
        }
        false => Ok(None),
    };
    let bytes = match read {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return closing(too_large()),
        Err(_elapsed) => {
            let error = AppError::Invalid("The request took too long to arrive. Please try again.".into());
            return closing(answer(StatusCode::REQUEST_TIMEOUT, &error));
        }
    };
    if bytes.len() > MAX_BODY_BYTES {
        return too_large();
    }
    if has_control_characters(&bytes) {
        let error = AppError::Invalid("Fields cannot contain control characters such as NUL or line breaks.".into());
        return answer(StatusCode::BAD_REQUEST, &error);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The rest of the body is left unread, so this connection cannot carry another
/// request: say so, or a client may reuse it as it closes.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

fn has_control_characters(body: &Bytes) -> bool {
    body.iter().any(u8::is_ascii_control)
        || url::form_urlencoded::parse(body)
            .any(|(name, value)| name.chars().chain(value.chars()).any(char::is_control))
}

/// The error as a server function would answer it, so the page shows its message.
fn answer(status: StatusCode, error: &AppError) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], error.ser()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_raw_or_percent_encoded() {
        for body in ["code=12%003456", "name=Ana%0ALim", "email=a\0b", "password=x%7F", "x%01=1", "next=%C2%85"] {
            assert!(has_control_characters(&Bytes::from(body)), "{body}");
        }
    }

    #[test]
    fn ordinary_fields_pass() {
        for body in ["email=ana%40example.com&password=tangerine+orchestra+42", "name=Zo%C3%AB", "phone=%2B60+12", ""] {
            assert!(!has_control_characters(&Bytes::from(body)), "{body}");
        }
    }
}
