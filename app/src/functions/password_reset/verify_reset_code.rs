use leptos::prelude::*;

use crate::error::AppError;

/// The code from the authenticator app (or the text message), asked on the reset
/// page before a new password when 2FA is on; a right one gives this browser the
/// link's new token, and the emailed one no longer works.
#[server(endpoint = "verify_reset_code")]
pub async fn verify_reset_code(code: String) -> Result<(), AppError> {
    use portal_core::two_factor::Answer;

    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    let requester = crate::ssr::requester(&state);
    let renewed = state.portal.password_resets.give_second_factor(&token, Answer::Code(&code), &requester).await?;
    crate::ssr::keep_reset_token(&state, &renewed);
    Ok(())
}
