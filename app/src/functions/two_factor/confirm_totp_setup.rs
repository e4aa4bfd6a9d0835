use leptos::prelude::*;

use crate::error::AppError;

/// "Verify": the first code from the app turns two-factor authentication on, and
/// signs the account's other sessions out.
#[server(endpoint = "confirm_totp_setup")]
pub async fn confirm_totp_setup(code: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let renewed = state.portal.two_factor.confirm_totp_setup(&signed_in, &code).await?;
    crate::ssr::remember_browser(&state, &renewed);
    Ok(())
}
