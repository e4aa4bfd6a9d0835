use leptos::prelude::*;

use crate::error::AppError;
use crate::functions::two_factor::SmsStatusView;

/// "Resend code" on the reset page, for an account with SMS codes.
#[server(endpoint = "resend_reset_code")]
pub async fn resend_reset_code() -> Result<SmsStatusView, AppError> {
    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    Ok(state.portal.password_resets.resend_code(&token).await?.into())
}
