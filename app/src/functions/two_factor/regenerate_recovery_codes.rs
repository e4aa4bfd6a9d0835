use leptos::prelude::*;

use super::RecoveryCodesView;
use crate::error::AppError;

/// "Regenerate recovery codes": the password re-confirms it, and a new set replaces
/// every code of the old one.
#[server(endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes(password: String) -> Result<RecoveryCodesView, AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    let codes = state.portal.two_factor.regenerate_recovery_codes(&signed_in, &requester).await?;
    Ok(RecoveryCodesView::new(codes, &signed_in.account.email))
}
