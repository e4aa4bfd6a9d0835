use leptos::prelude::*;

use crate::error::AppError;

/// "Use a recovery code" on the reset page, in place of the code: spent once.
#[server(endpoint = "verify_reset_recovery_code")]
pub async fn verify_reset_recovery_code(recovery_code: String) -> Result<(), AppError> {
    use portal_core::two_factor::Answer;

    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    let requester = crate::ssr::requester(&state);
    let answer = Answer::RecoveryCode(&recovery_code);
    let renewed = state.portal.password_resets.give_second_factor(&token, answer, &requester).await?;
    crate::ssr::keep_reset_token(&state, &renewed);
    Ok(())
}
