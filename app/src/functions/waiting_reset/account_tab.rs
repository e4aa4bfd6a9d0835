use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A reset of two-factor authentication that waits, as the Account Security tab
/// tells the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingResetView {
    /// Who asked, in the customer's words: "you", "our support team (Aisha)".
    pub asked_by: String,
    /// Like `2026-12-10 08:30 UTC`.
    pub due: String,
}

/// The reset waiting for the signed-in customer's account, if one does.
#[server(endpoint = "waiting_reset")]
pub async fn waiting_reset() -> Result<Option<WaitingResetView>, AppError> {
    use portal_core::clock::format_utc;
    use portal_core::vocabulary::RequestedBy;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let waiting = state.portal.waiting_resets.waiting(signed_in.account.id).await?;
    Ok(waiting.map(|waiting| WaitingResetView {
        asked_by: match waiting.requested_by {
            RequestedBy::Customer => "you".to_owned(),
            RequestedBy::Support { agent } => format!("our support team ({agent})"),
            RequestedBy::Operator { name } => format!("our operations team ({name})"),
        },
        due: format_utc(waiting.due_at),
    }))
}

/// "Cancel this reset" on the Account Security tab, with the password: a session
/// alone (a cookie left in a browser) must not keep the customer's way back shut.
#[server(endpoint = "cancel_my_waiting_reset")]
pub async fn cancel_my_waiting_reset(password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    // None waiting (cancelled meanwhile, or done): the page shows what stands.
    state.portal.waiting_resets.cancel_signed_in(&signed_in, &requester).await?;
    Ok(())
}
