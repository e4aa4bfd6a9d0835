//! The WebAuthn dialogs' JSON both ways: the options webauthn-rs gives, and the
//! browser's answer, read strictly (anything else is a 400, never a 500); and the
//! visitor cookie a passwordless ceremony belongs to.

use http::request::Parts;
use leptos::prelude::use_context;
use portal_core::passkeys::VisitorToken;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::signed_in::set_cookie;
use super::{AppState, reject};
use crate::error::AppError;

/// The largest answer a browser sends: an attestation with a certificate chain
/// fits in a few kilobytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The options for a browser's dialog, as the JSON its `parse…FromJSON` reads.
pub fn dialog_options(options: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string(options).map_err(|error| {
        tracing::error!(%error, "passkey options do not serialise");
        reject(AppError::Internal)
    })
}

/// The browser's answer (`credential`, JSON) as webauthn-rs reads it.
pub fn browser_answer<T: DeserializeOwned>(credential: &str) -> Result<T, AppError> {
    if credential.len() > MAX_ANSWER_BYTES {
        return Err(reject(AppError::BadRequest));
    }
    serde_json::from_str(credential).map_err(|_| reject(AppError::BadRequest))
}

/// The visitor token this browser holds, if any.
pub fn visitor_token(state: &AppState) -> Option<VisitorToken> {
    use_context::<Parts>().and_then(|parts| state.cookies.visitor(&parts.headers))
}

/// Keeps `token` in the browser for its passwordless ceremony.
pub fn keep_visitor_token(state: &AppState, token: &VisitorToken) {
    set_cookie(state.cookies.issue_visitor(token));
}
