use leptos::prelude::*;

use crate::error::AppError;

/// "Use a recovery code": instead of the second factor's code, one of the codes
/// saved at setup. It signs in once; guesses count with wrong codes.
#[server(endpoint = "sign_in_with_recovery_code")]
pub async fn sign_in_with_recovery_code(recovery_code: String, next: Option<String>) -> Result<(), AppError> {
    use super::safe_next;
    use crate::ssr::{awaiting_code, reject, requester, start_session, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    let requester = requester(&state);
    state.portal.two_factor.sign_in_with_recovery_code(&pending.account, &recovery_code, &requester).await?;
    start_session(&state, &pending.account).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
