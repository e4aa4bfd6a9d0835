use leptos::prelude::*;

use crate::error::AppError;

/// "Sign out of all other sessions": the password re-confirms it. Every other
/// session of the account ends, and every other browser is a stranger to it again
/// (its next sign-in is emailed about); this browser gets a fresh device note.
#[server(endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    let (renewed, _ended) = state.portal.sign_ins.sign_out_others(&signed_in, &requester).await?;
    crate::ssr::remember_browser(&state, &renewed);
    Ok(())
}
