use leptos::prelude::*;

use crate::error::AppError;
use crate::functions::passkeys::RequestChallengeResponse;

/// "Use your passkey": the options for the browser's dialog, in the half-way
/// session the password started.
#[server(endpoint = "begin_passkey_sign_in")]
pub async fn begin_passkey_sign_in() -> Result<RequestChallengeResponse, AppError> {
    use crate::ssr::{awaiting_code, reject, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    Ok(state.portal.two_factor.start_passkey_sign_in(&pending).await?)
}
