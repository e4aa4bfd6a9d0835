use leptos::prelude::*;

use crate::error::AppError;

/// "Remove": the password re-confirms it. The last passkey of an account on
/// passkeys goes only with `turn_off` (the customer confirmed that 2FA goes
/// with it). Other sessions end.
#[server(endpoint = "remove_passkey")]
pub async fn remove_passkey(id: i32, password: String, turn_off: Option<String>) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    let turn_off = turn_off.is_some();
    let renewed = state.portal.two_factor.remove_passkey(&signed_in, id, turn_off, &requester).await?;
    crate::ssr::remember_browser(&state, &renewed);
    Ok(())
}
