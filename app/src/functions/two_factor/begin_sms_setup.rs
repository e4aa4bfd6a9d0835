use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Where SMS codes go, and whether one is on its way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsStatusView {
    /// The number: `+60 •••• ••88`.
    pub masked_phone: String,
    /// Seconds the code we sent stays valid; `None` when no code is on its way.
    pub valid_for_secs: Option<i64>,
    /// Seconds before "Resend code" may be used.
    pub resend_in_secs: i64,
}

#[cfg(feature = "ssr")]
impl From<portal_core::two_factor::SmsStatus> for SmsStatusView {
    fn from(status: portal_core::two_factor::SmsStatus) -> Self {
        let portal_core::two_factor::SmsStatus { masked_phone, valid_for_secs, resend_in_secs } = status;
        Self { masked_phone, valid_for_secs, resend_in_secs }
    }
}

/// "Send code" (and "Resend code") in the wizard's SMS step: a code to the mobile
/// number typed, in international format.
#[server(endpoint = "begin_sms_setup")]
pub async fn begin_sms_setup(phone: String) -> Result<SmsStatusView, AppError> {
    use portal_core::CoreError;
    use portal_core::phone::PhoneNumber;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let phone = PhoneNumber::parse(&phone).map_err(CoreError::from)?;
    Ok(state.portal.two_factor.begin_sms_setup(&signed_in, &phone).await?.into())
}
