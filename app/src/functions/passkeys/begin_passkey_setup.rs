use leptos::prelude::*;

use crate::error::AppError;

/// The options for the browser's dialog that creates a passkey, once the password
/// was re-confirmed ("Verify Identity"), as JSON.
#[server(endpoint = "begin_passkey_setup")]
pub async fn begin_passkey_setup() -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    crate::ssr::dialog_options(&state.portal.passkeys.start_registration(&signed_in).await?)
}
