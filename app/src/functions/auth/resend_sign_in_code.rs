use leptos::prelude::*;

use crate::error::AppError;
use crate::functions::two_factor::SmsStatusView;

/// "Resend code" on the code page: a new SMS code, replacing the last one.
#[server(endpoint = "resend_sign_in_code")]
pub async fn resend_sign_in_code() -> Result<SmsStatusView, AppError> {
    use crate::ssr::{awaiting_code, reject, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    Ok(state.portal.two_factor.resend_sign_in_code(&pending.account).await?.into())
}
