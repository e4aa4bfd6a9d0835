use leptos::prelude::*;

use crate::error::AppError;

/// "Verify Identity": the password re-typed before a security change. Wrong
/// passwords have a throttle of their own.
#[server(endpoint = "confirm_password")]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    Ok(())
}
