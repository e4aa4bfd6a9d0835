use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::functions::passkeys::PasskeyView;
use crate::method::TwoFactorMethod;

/// What was added to the account's sign-in in the last 30 days, as the review
/// after a password reset or "Sign out of all other sessions" lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentAdditionsView {
    /// The method, and when it was turned on (`2026-12-07 08:30 UTC`), if lately.
    pub method: Option<(TwoFactorMethod, String)>,
    /// The passkeys added lately, each with whether removing it turns 2FA off.
    pub passkeys: Vec<(PasskeyView, bool)>,
}

impl RecentAdditionsView {
    pub fn is_empty(&self) -> bool {
        self.method.is_none() && self.passkeys.is_empty()
    }
}

/// The method turned on and the passkeys added in the last 30 days.
#[server(endpoint = "recent_additions")]
pub async fn recent_additions() -> Result<RecentAdditionsView, AppError> {
    use portal_core::clock::format_utc;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let recent = state.portal.two_factor.recent_additions(signed_in.account.id).await?;
    Ok(RecentAdditionsView {
        method: recent.method.map(|(method, at)| (method.into(), format_utc(at))),
        passkeys: recent.passkeys.into_iter().map(|(passkey, last)| (PasskeyView::from(passkey), last)).collect(),
    })
}
