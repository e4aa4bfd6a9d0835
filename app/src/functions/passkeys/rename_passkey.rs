use leptos::prelude::*;

use crate::error::AppError;

/// "Rename": the password re-confirms it.
#[server(endpoint = "rename_passkey")]
pub async fn rename_passkey(id: i32, name: String, password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    Ok(state.portal.two_factor.rename_passkey(&signed_in, id, &name).await?)
}
