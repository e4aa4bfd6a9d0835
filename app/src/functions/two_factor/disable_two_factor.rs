use leptos::prelude::*;

use crate::error::AppError;

/// "Manage two-factor authentication" → "Password" → "Disable 2FA": the password
/// re-confirms the change and 2FA is off, with an email saying so.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.confirm_password(&signed_in.token, &signed_in.account, Password::new(password)).await?;
    state.portal.two_factor.disable(&signed_in.account).await?;
    Ok(())
}
