use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::functions::two_factor::RecoveryCodesView;

/// What adding a passkey did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySetupDone {
    /// When it turned 2FA on (or switched it to passkeys): the new recovery codes.
    pub recovery_codes: Option<RecoveryCodesView>,
}

/// The passkey the browser created, named `name`: the account's method
/// (`beside` false, the wizard) or beside the one it has ("Add a passkey").
/// `credential` is the browser's answer as JSON. Other sessions end.
#[server(endpoint = "finish_passkey_setup")]
pub async fn finish_passkey_setup(
    name: String,
    passwordless: bool,
    beside: bool,
    credential: String,
) -> Result<PasskeySetupDone, AppError> {
    use portal_core::two_factor::PasskeyPlace;

    let answer = crate::ssr::browser_answer(&credential)?;
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let requester = crate::ssr::requester(&state);
    let place = if beside { PasskeyPlace::Beside } else { PasskeyPlace::Method };
    let added =
        state.portal.two_factor.add_passkey(&signed_in, &name, passwordless, &answer, place, &requester).await?;
    crate::ssr::remember_browser(&state, &added.account);
    let email = &added.account.email;
    Ok(PasskeySetupDone { recovery_codes: added.recovery_codes.map(|codes| RecoveryCodesView::new(codes, email)) })
}
