use leptos::prelude::*;

use crate::error::AppError;

/// The second step of sign-in with a passkey: `credential` is the browser's
/// answer as JSON. Counted and checked as a code is; only a right one signs in.
#[server(endpoint = "finish_passkey_sign_in")]
pub async fn finish_passkey_sign_in(credential: String, next: Option<String>) -> Result<(), AppError> {
    use crate::routes::safe_next;
    use crate::ssr::{awaiting_code, browser_answer, hand_over_session, reject, requester, state};

    let answer = browser_answer(&credential)?;
    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    let requester = requester(&state);
    let token = state.portal.two_factor.sign_in_with_passkey(&pending, &answer, &requester).await?;
    hand_over_session(&state, &pending.account, &token);
    tracing::info!(account = pending.account.id, "signed in with a passkey as the second factor");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
