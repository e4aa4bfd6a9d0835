use leptos::prelude::*;

use super::RecoveryCodesView;
use crate::error::AppError;

/// "Verify": the code sent to the new number turns SMS on (replacing the
/// authenticator app, when switching) and signs the account's other sessions out.
/// Answers with the new recovery codes.
#[server(endpoint = "confirm_sms_setup")]
pub async fn confirm_sms_setup(code: String) -> Result<RecoveryCodesView, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let requester = crate::ssr::requester(&state);
    let activated = state.portal.two_factor.confirm_sms_setup(&signed_in, &code, &requester).await?;
    crate::ssr::remember_browser(&state, &activated.account);
    Ok(RecoveryCodesView::new(activated.recovery_codes, &activated.account.email))
}
