use leptos::prelude::*;

use crate::error::AppError;

/// The options for the browser's dialog that creates a passkey, as JSON, once
/// `password` is right: typed for this very request, since a passkey outlives a
/// password reset (the session's ten minutes after "Verify Identity" are not enough).
#[server(endpoint = "begin_passkey_setup")]
pub async fn begin_passkey_setup(password: String) -> Result<String, AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    let confirmed = state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    crate::ssr::dialog_options(&state.portal.passkeys.start_registration(&signed_in, confirmed).await?)
}
