use leptos::prelude::*;

use crate::error::AppError;

/// The second step of sign-in: the code from the app or the SMS. Only when it is
/// right does the browser get a signed-in session (with a new id).
#[server(endpoint = "verify_sign_in_code")]
pub async fn verify_sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::routes::safe_next;
    use crate::ssr::{awaiting_code, hand_over_session, reject, requester, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    let requester = requester(&state);
    let token = state.portal.two_factor.verify_sign_in_code(&pending, &code, &requester).await?;
    hand_over_session(&state, &pending.account, &token);
    tracing::info!(account = pending.account.id, "signed in with a second factor");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
