use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A code is on its way by SMS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSentView {
    /// Where it went: `+60 •••• ••88`.
    pub masked_phone: String,
    /// Seconds before "Resend code" may be used.
    pub resend_in_secs: i64,
}

#[cfg(feature = "ssr")]
impl From<portal_core::two_factor::SmsSent> for SmsSentView {
    fn from(sent: portal_core::two_factor::SmsSent) -> Self {
        Self { masked_phone: sent.masked_phone, resend_in_secs: sent.resend_in_secs }
    }
}

/// "Send code" (and "Resend code") in the wizard's SMS step: a code to the mobile
/// number typed, in international format.
#[server(endpoint = "begin_sms_setup")]
pub async fn begin_sms_setup(phone: String) -> Result<SmsSentView, AppError> {
    use portal_core::CoreError;
    use portal_core::phone::PhoneNumber;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let phone = PhoneNumber::parse(&phone).map_err(CoreError::from)?;
    Ok(state.portal.two_factor.begin_sms_setup(&signed_in.account, &phone).await?.into())
}
