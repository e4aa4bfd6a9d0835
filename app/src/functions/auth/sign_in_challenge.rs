use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::functions::two_factor::SmsStatusView;
use crate::method::TwoFactorMethod;

/// What the code page asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeView {
    pub method: TwoFactorMethod,
    /// For SMS: where codes go, whether one is on its way, when another may be sent.
    pub sms: Option<SmsStatusView>,
    /// The account has passkeys: "Use your passkey" comes first.
    pub passkeys: bool,
}

/// The second step of sign-in, as the code page shows it.
#[server(endpoint = "sign_in_challenge")]
pub async fn sign_in_challenge() -> Result<ChallengeView, AppError> {
    use crate::ssr::{awaiting_code, reject, state};

    let state = state()?;
    let pending = awaiting_code().await?.ok_or_else(|| reject(AppError::SignInRequired))?;
    let challenge = state.portal.two_factor.sign_in_challenge(&pending.account).await?;
    Ok(ChallengeView {
        method: challenge.method.into(),
        sms: challenge.sms.map(Into::into),
        passkeys: challenge.passkeys,
    })
}
