use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One passkey in the Account Security tab's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    /// What "Rename" and "Remove" send back to name it.
    pub id: i32,
    pub name: String,
    /// Like `2026-12-07 08:30 UTC`.
    pub added_at: String,
    /// `None`: never used.
    pub last_used_at: Option<String>,
    /// Also signs in without a password.
    pub passwordless: bool,
    /// Refused since a copy of it showed up.
    pub suspended: bool,
}

/// The account's passkeys, oldest first.
#[server(endpoint = "passkeys_list")]
pub async fn passkeys_list() -> Result<Vec<PasskeyView>, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let listed = state.portal.passkeys.of_account(signed_in.account.id).await?;
    Ok(listed.into_iter().map(PasskeyView::from).collect())
}

#[cfg(feature = "ssr")]
impl From<portal_core::passkeys::PasskeyListing> for PasskeyView {
    fn from(passkey: portal_core::passkeys::PasskeyListing) -> Self {
        use portal_core::clock::format_utc;
        Self {
            id: passkey.id,
            name: passkey.name,
            added_at: format_utc(passkey.added_at),
            last_used_at: passkey.last_used_at.map(format_utc),
            passwordless: passkey.passwordless,
            suspended: passkey.suspended,
        }
    }
}
