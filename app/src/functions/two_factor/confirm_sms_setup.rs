use leptos::prelude::*;

use crate::error::AppError;

/// "Verify": the code sent to the new number turns SMS on (replacing the
/// authenticator app, when switching) and signs the account's other sessions out.
#[server(endpoint = "confirm_sms_setup")]
pub async fn confirm_sms_setup(code: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let renewed = state.portal.two_factor.confirm_sms_setup(&signed_in, &code).await?;
    crate::ssr::remember_browser(&state, &renewed);
    Ok(())
}
