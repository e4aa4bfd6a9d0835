//! Turning failures into answers: the status code from [`AppError::status`], and
//! core errors mapped to what a customer may be told.

use http::StatusCode;
use http::header::{ACCEPT, HeaderValue, RETRY_AFTER};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use portal_core::CoreError;
use portal_core::password::HashError;
use portal_core::vocabulary::{Budget, Guess};

use crate::error::AppError;

/// Sets the response's status for `error`. Server functions otherwise answer 500
/// for every error, which would call a customer's typo a server fault.
///
/// Not for a form the browser posted by itself (a page sent without the client):
/// Leptos answers it with a redirect back to the page, the failure in the URL, and
/// a browser follows only a redirect.
pub fn respond_with(error: &AppError) {
    let Some(response) = use_context::<ResponseOptions>() else { return };
    if !is_plain_form_post() {
        response.set_status(StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    }
    if let Some(seconds) = error.retry_after_secs() {
        response.insert_header(RETRY_AFTER, HeaderValue::from(seconds));
    }
}

/// Whether the request is a server-function call that asks for a page back, as
/// only a browser posting a form by itself does (the client's calls ask for data):
/// how Leptos tells them apart too. A page load keeps its error status.
fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        let accept = parts.headers.get(ACCEPT).and_then(|accept| accept.to_str().ok());
        parts.method == http::Method::POST && accept.is_some_and(|accept| accept.contains("text/html"))
    })
}

/// `error`, with the response's status set to match.
pub fn reject(error: AppError) -> AppError {
    respond_with(&error);
    error
}

impl From<CoreError> for AppError {
    fn from(error: CoreError) -> Self {
        reject(match error {
            CoreError::InvalidCredentials => AppError::InvalidCredentials,
            CoreError::EmailTaken => AppError::EmailTaken,
            CoreError::InvalidInput(invalid) => AppError::Invalid(invalid.to_string()),
            CoreError::PasswordRejected(rejected) => AppError::Invalid(rejected.to_string()),
            CoreError::WrongPassword => AppError::WrongPassword,
            CoreError::PasswordConfirmationRequired => AppError::PasswordConfirmationRequired,
            CoreError::InvalidCode => AppError::InvalidCode,
            CoreError::SessionEnded => AppError::SignInRequired,
            CoreError::CodeAlreadyUsed => AppError::CodeAlreadyUsed,
            CoreError::InvalidRecoveryCode => AppError::InvalidRecoveryCode,
            CoreError::TooManyAttempts { guess: Guess::Password, retry_after_secs } => {
                AppError::TooManyPasswords { retry_after_secs }
            }
            CoreError::TooManyAttempts { guess: Guess::Code, retry_after_secs } => {
                AppError::TooManyCodes { retry_after_secs }
            }
            CoreError::Locked(Guess::Code) => AppError::CodesLocked,
            CoreError::Locked(Guess::Password) => AppError::ChangesLocked,
            CoreError::SmsResendTooSoon { retry_after_secs } => AppError::ResendTooSoon { retry_after_secs },
            CoreError::InvalidPhone(invalid) => AppError::Invalid(invalid.to_string()),
            CoreError::SmsCountryNotServed { country_code } => AppError::SmsCountryNotServed { country_code },
            CoreError::SmsCeilingReached { retry_after_secs } => AppError::TextsUnavailable { retry_after_secs },
            CoreError::SetupExpired => AppError::SetupExpired,
            CoreError::ResetLinkInvalid => AppError::ResetLinkInvalid,
            CoreError::SecondFactorRequired => AppError::SecondFactorRequired,
            CoreError::ResetCodeAlreadySent => AppError::ResetCodeAlreadySent,
            CoreError::PasskeyRefused => AppError::PasskeyRefused,
            CoreError::PasskeyCloned => AppError::PasskeyCloned,
            CoreError::PasskeyNotFound => AppError::PasskeyNotFound,
            CoreError::NetworkBudgetSpent { budget, retry_after_secs } => match budget {
                Budget::Registrations => AppError::TooManyRegistrations { retry_after_secs },
                Budget::PasswordChecks => AppError::NetworkBusy { retry_after_secs },
                Budget::PasswordlessStarts => AppError::TooManyPasskeySignIns,
            },
            CoreError::Hashing(HashError::Busy) => AppError::Busy,
            CoreError::LastPasskey => AppError::LastPasskey,
            CoreError::TwoFactorAlreadyOn => AppError::TwoFactorAlreadyOn,
            CoreError::TwoFactorOff => AppError::TwoFactorOff,
            // Logged where it was found, with the account.
            CoreError::TwoFactorUnreadable { .. } => AppError::TwoFactorUnreadable,
            // Logged where it was found.
            CoreError::EventUnreadable { .. } | CoreError::WaitingResetUnreadable { .. } => AppError::Internal,
            CoreError::Database(_) | CoreError::Hashing(_) | CoreError::Worker(_) | CoreError::Sealing(_) => {
                tracing::error!(%error, "server function failed");
                AppError::Internal
            }
        })
    }
}
