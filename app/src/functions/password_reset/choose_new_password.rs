use leptos::prelude::*;

use crate::error::AppError;

/// "Choose a new password" → "Save new password": with the registration's policy,
/// once the second factor was given when 2FA is on. The link is spent, every
/// session of the account ends (this browser's too: it signs in with the new
/// password), and an email confirms it.
#[server(endpoint = "choose_new_password")]
pub async fn choose_new_password(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    let requester = crate::ssr::requester(&state);
    state.portal.password_resets.choose_new_password(&token, Password::new(password), &requester).await?;
    crate::ssr::forget_reset_token(&state);
    crate::ssr::end_session(&state).await?;
    Ok(())
}
