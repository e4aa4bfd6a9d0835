use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Whether 2FA is on, and with what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorState {
    /// The method's name in the seeds' words ("Authenticator App"), `None` when off.
    pub method: Option<String>,
}

#[server(endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<TwoFactorState, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let method = state.portal.two_factor.method(signed_in.account.id).await?;
    Ok(TwoFactorState { method: method.map(|method| method.label().to_owned()) })
}
