//! The password-reset link a browser is following: its token, kept in the reset
//! cookie once the link is opened, so it leaves the address bar.

use http::StatusCode;
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use portal_core::password_reset::ResetToken;

use super::signed_in::set_cookie;
use super::{AppState, reject};
use crate::error::AppError;

/// The token of the reset link this browser opened, or the answer for a link that
/// is not valid (none opened, or the cookie expired with the link).
pub fn reset_token(state: &AppState) -> Result<ResetToken, AppError> {
    use_context::<Parts>()
        .and_then(|parts| state.cookies.reset(&parts.headers))
        .ok_or_else(|| reject(AppError::ResetLinkInvalid))
}

/// Keeps `token` in the browser while its link works.
pub fn keep_reset_token(state: &AppState, token: &ResetToken) {
    set_cookie(state.cookies.issue_reset(token));
}

/// Makes the browser forget the reset link.
pub fn forget_reset_token(state: &AppState) {
    set_cookie(state.cookies.clear_reset());
}

/// Sends the browser on to `page` with a 303, which it follows whatever it asked
/// for (Leptos' redirect is a 302 only for requests that accept HTML).
pub fn go_on_to(page: &str) {
    leptos_axum::redirect(page);
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(StatusCode::SEE_OTHER);
    }
}
