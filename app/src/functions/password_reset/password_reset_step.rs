use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::functions::auth::ChallengeView;

/// What the reset page asks for next, for the account with `email` (shown, so that
/// nobody resets another account than their own with a link planted on them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetStepView {
    /// The account's second factor first.
    SecondFactor { email: String, challenge: ChallengeView },
    /// "Choose a new password".
    NewPassword { email: String },
}

/// The step of the reset link this browser opened; a link that is not valid (wrong,
/// used, expired) answers [`AppError::ResetLinkInvalid`].
#[server(endpoint = "password_reset_step")]
pub async fn password_reset_step() -> Result<ResetStepView, AppError> {
    use portal_core::password_reset::ResetStep;

    let state = crate::ssr::state()?;
    let token = crate::ssr::reset_token(&state)?;
    Ok(match state.portal.password_resets.step(&token).await? {
        ResetStep::SecondFactor { email, challenge } => ResetStepView::SecondFactor {
            email,
            // Passkeys are not asked on the reset page (yet): the method's code or a recovery code.
            challenge: ChallengeView {
                method: challenge.method.into(),
                sms: challenge.sms.map(Into::into),
                passkeys: false,
            },
        },
        ResetStep::NewPassword { email } => ResetStepView::NewPassword { email },
    })
}
