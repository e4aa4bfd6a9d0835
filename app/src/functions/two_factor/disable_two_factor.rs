use leptos::prelude::*;

use crate::error::AppError;

/// "Manage two-factor authentication" → "Password" → "Disable 2FA": the password
/// re-confirms the change and 2FA is off, the account's other sessions end, and an
/// email says so.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    let renewed = state.portal.two_factor.disable(&signed_in, &requester).await?;
    crate::ssr::remember_browser(&state, &renewed);
    Ok(())
}
