use leptos::prelude::*;

use crate::error::AppError;

/// "Use your passkey": the options for the browser's dialog, as JSON, in the
/// half-way session the password started.
#[server(endpoint = "begin_passkey_sign_in")]
pub async fn begin_passkey_sign_in() -> Result<String, AppError> {
    use crate::ssr::{awaiting_code, dialog_options, reject, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    dialog_options(&state.portal.two_factor.start_passkey_sign_in(&pending).await?)
}
