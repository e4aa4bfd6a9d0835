use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::method::TwoFactorMethod;

/// Whether 2FA is on, and with what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorState {
    /// `None` when off.
    pub method: Option<TwoFactorMethod>,
    /// For SMS, the number codes go to, masked: `+60 •••• ••88`.
    pub masked_phone: Option<String>,
    /// Unspent recovery codes; `None` when 2FA is off.
    pub recovery_codes_left: Option<u64>,
    /// So few are left that the tab warns.
    pub recovery_codes_running_low: bool,
}

#[server(endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<TwoFactorState, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let two_factor = &state.portal.two_factor;
    let factor = two_factor.second_factor(signed_in.account.id).await?;
    let recovery_codes_left = match factor {
        Some(_) => Some(two_factor.recovery_codes_left(signed_in.account.id).await?),
        None => None,
    };
    Ok(TwoFactorState {
        method: factor.as_ref().map(|factor| factor.method().into()),
        masked_phone: factor.as_ref().and_then(|factor| factor.phone()).map(|phone| phone.masked()),
        recovery_codes_running_low: recovery_codes_left.is_some_and(portal_core::recovery_codes::running_low),
        recovery_codes_left,
    })
}
