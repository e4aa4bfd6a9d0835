use leptos::prelude::*;

use crate::error::AppError;

/// "Use a recovery code": instead of the second factor's code, one of the codes
/// saved at setup. It signs in once; guesses count with wrong codes.
#[server(endpoint = "sign_in_with_recovery_code")]
pub async fn sign_in_with_recovery_code(recovery_code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::routes::safe_next;
    use crate::ssr::{awaiting_code, hand_over_session, reject, requester, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    let requester = requester(&state);
    let token = state.portal.two_factor.sign_in_with_recovery_code(&pending, &recovery_code, &requester).await?;
    hand_over_session(&state, &pending.account, &token);
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
