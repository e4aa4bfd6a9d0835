use leptos::prelude::*;

use crate::error::AppError;

/// "Choose a new password" → "Save new password" for the account the page showed
/// (`email`), with the registration's policy, once the second factor was given
/// when 2FA is on. The link is spent, every
/// session of the account ends (this browser's too: it signs in with the new
/// password), and an email confirms it.
#[server(endpoint = "choose_new_password")]
pub async fn choose_new_password(email: String, password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    let requester = crate::ssr::requester(&state);
    let resets = &state.portal.password_resets;
    resets.choose_new_password(&token, &email, Password::new(password), &requester).await?;
    crate::ssr::forget_reset_token(&state);
    crate::ssr::end_session(&state).await?;
    Ok(())
}
