use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with a passkey alone: `credential` is the browser's answer as JSON,
/// from a passkey its customer allowed to sign in without a password.
#[server(endpoint = "finish_passwordless_sign_in")]
pub async fn finish_passwordless_sign_in(credential: String, next: Option<String>) -> Result<(), AppError> {
    use portal_core::sign_ins::Arrival;

    use crate::routes::safe_next;
    use crate::ssr::{browser_answer, reject, requester, start_session, state, visitor_token};

    let answer = browser_answer(&credential)?;
    let state = state()?;
    let visitor = visitor_token(&state).ok_or_else(|| reject(AppError::PasskeyRefused))?;
    let account = state.portal.passkeys.finish_passwordless(&visitor, &answer, &requester(&state)).await?;
    start_session(&state, &account, Arrival::Passkey).await?;
    tracing::info!(account = account.id, "signed in with a passkey alone");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
