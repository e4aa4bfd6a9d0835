use leptos::prelude::*;

use crate::error::AppError;
use crate::functions::two_factor::SmsStatusView;

/// "Text me a code" (then "Resend code") on the reset page, for an account with
/// SMS codes: sent only when asked for, never by opening the link.
#[server(endpoint = "send_reset_code")]
pub async fn send_reset_code() -> Result<SmsStatusView, AppError> {
    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    Ok(state.portal.password_resets.send_code(&token).await?.into())
}
