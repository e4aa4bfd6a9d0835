use leptos::prelude::*;

use super::RecoveryCodesView;
use crate::error::AppError;

/// "Verify": the first code from the app turns two-factor authentication on, and
/// signs the account's other sessions out. Answers with the new recovery codes.
#[server(endpoint = "confirm_totp_setup")]
pub async fn confirm_totp_setup(code: String) -> Result<RecoveryCodesView, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let requester = crate::ssr::requester(&state);
    let activated = state.portal.two_factor.confirm_totp_setup(&signed_in, &code, &requester).await?;
    crate::ssr::remember_browser(&state, &activated.account);
    Ok(RecoveryCodesView::new(activated.recovery_codes, &activated.account.email))
}
