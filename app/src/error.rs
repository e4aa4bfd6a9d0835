//! The one error type every server function returns. Its messages are written for
//! customers; its status codes are what an HTTP client sees. Internal failures are
//! logged on the server and reach the browser only as "something went wrong".

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input the customer can correct; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// Same words for an unknown email and a wrong password: no account enumeration.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    #[error("An account with this email already exists. Sign in instead.")]
    EmailTaken,
    #[error("Please sign in to continue.")]
    SignInRequired,
    #[error("The password is incorrect.")]
    WrongPassword,
    #[error("For your security, confirm your password first.")]
    PasswordConfirmationRequired,
    #[error("That code is not right, or it has expired. Check it, or get a new code, and try again.")]
    InvalidCode,
    #[error("That recovery code is not right, or it has already been used. Check it and try again.")]
    InvalidRecoveryCode,
    #[error("That code has already been used. Wait for the next code in your app.")]
    CodeAlreadyUsed,
    #[error("Too many wrong passwords. Try again in {}.", in_words(*retry_after_secs))]
    TooManyPasswords { retry_after_secs: i64 },
    #[error("Too many wrong codes. Try again in {}.", in_words(*retry_after_secs))]
    TooManyCodes { retry_after_secs: i64 },
    /// Another SMS code was asked for too soon after the last, or past the hourly cap.
    #[error("A new code can be sent in {}.", in_words(*retry_after_secs))]
    ResendTooSoon { retry_after_secs: i64 },
    /// The code step is locked for this browser; browsers that signed in before
    /// have counts of their own.
    #[error(
        "Too many wrong codes: signing in from this browser is locked. Sign in from a browser you have used \
         before, or contact support to unlock it."
    )]
    CodesLocked,
    #[error("Too many wrong passwords: security changes are locked. Contact support to unlock them.")]
    ChangesLocked,
    /// The stored second factor cannot be read: nothing proceeds until support looks.
    #[error(
        "Two-factor authentication on this account cannot be checked right now. Please contact support; \
         they can help you sign in."
    )]
    TwoFactorUnreadable,
    #[error("This link has expired or has already been used. Ask for a new one.")]
    ResetLinkInvalid,
    #[error("This link has already been used, or the reset it was for is no longer waiting.")]
    CancelLinkInvalid,
    #[error("We have already texted a code for this link. If it did not arrive, ask for a new link.")]
    ResetCodeAlreadySent,
    #[error("That passkey could not be used. Try again, or use another method.")]
    PasskeyRefused,
    #[error(
        "Too many passkey sign-ins were started from your network lately. Sign in with your email and password, \
         or try again in an hour."
    )]
    TooManyPasskeySignIns,
    /// The client's network created as many accounts as it may this hour.
    #[error("Too many accounts were created from your network lately. Try again in {}.", in_words(*retry_after_secs))]
    TooManyRegistrations { retry_after_secs: i64 },
    /// The client's network had as many passwords checked as it may this hour, from
    /// browsers the account does not know; the customer's own browser still signs in.
    #[error(
        "Too many sign-ins from your network lately. Try again in {}, or sign in from a browser you have used \
         before.",
        in_words(*retry_after_secs)
    )]
    NetworkBusy { retry_after_secs: i64 },
    /// Texts do not go to this country (`SMS_COUNTRIES`).
    #[error("Text messages cannot be sent to +{country_code} numbers. Choose another way to verify.")]
    SmsCountryNotServed { country_code: u16 },
    /// The portal sent as many texts as it may this hour.
    #[error(
        "Text messages cannot be sent right now. Try again in {}, or choose another way to verify.",
        in_words(*retry_after_secs)
    )]
    TextsUnavailable { retry_after_secs: i64 },
    /// More sign-ins are waiting than the server takes on at once.
    #[error("The portal is busy right now. Please try again in a few seconds.")]
    Busy,
    #[error("That passkey is no longer on your account.")]
    PasskeyNotFound,
    #[error("This is your last passkey: removing it turns two-factor authentication off. Confirm that you want this.")]
    LastPasskey,
    /// The passkey's signature counter went backwards: a copy of it may exist.
    #[error("That passkey was refused because it may have been copied. Use another method, and contact support.")]
    PasskeyCloned,
    #[error("Enter your verification code first.")]
    SecondFactorRequired,
    #[error("This setup has expired. Please start again.")]
    SetupExpired,
    #[error("Two-factor authentication is already on.")]
    TwoFactorAlreadyOn,
    #[error("Two-factor authentication is off.")]
    TwoFactorOff,
    /// A request the portal's own pages never send (missing or malformed fields).
    #[error("The request was not understood. Please reload the page and try again.")]
    BadRequest,
    /// The browser could not reach the server.
    #[error("The portal could not be reached. Check your connection and try again.")]
    Unreachable,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

/// A wait as a customer reads it: `25 s`, or `59 min` once it is long (after the
/// hourly SMS cap, minutes read better than 3540 seconds).
pub fn in_words(seconds: i64) -> String {
    if seconds < 120 { format!("{seconds} s") } else { format!("{} min", seconds.saturating_add(59) / 60) }
}

/// When to try again after [`AppError::Busy`]: a queue drains in about a second.
const BUSY_RETRY_SECS: i64 = 2;

/// The longest wait the portal ever names: the hourly SMS cap.
const LONGEST_WAIT_SECS: i64 = 60 * 60;

impl AppError {
    /// Seconds to wait before trying again, for the `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::TooManyPasswords { retry_after_secs }
            | Self::TooManyCodes { retry_after_secs }
            | Self::ResendTooSoon { retry_after_secs }
            | Self::TooManyRegistrations { retry_after_secs }
            | Self::NetworkBusy { retry_after_secs }
            | Self::TextsUnavailable { retry_after_secs } => Some(*retry_after_secs),
            Self::Busy => Some(BUSY_RETRY_SECS),
            _ => None,
        }
    }

    /// Whether every word of the message is the portal's, numbers included: what a
    /// page may show when the failure comes from its URL, which anyone can write
    /// (`server/src/layers/url_errors.rs`, `FormError`). `Invalid` carries text from
    /// wherever it was made, and a wait the portal never gives is not its own.
    pub fn is_worded_by_portal(&self) -> bool {
        match self {
            Self::Invalid(_) => false,
            Self::SmsCountryNotServed { country_code } => *country_code < 1000,
            _ => self.retry_after_secs().is_none_or(|seconds| (0..=LONGEST_WAIT_SECS).contains(&seconds)),
        }
    }

    /// The HTTP status a server function answers with when it fails this way.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::InvalidCredentials
            | Self::SignInRequired
            | Self::WrongPassword
            | Self::InvalidCode
            | Self::InvalidRecoveryCode => 401,
            Self::PasswordConfirmationRequired | Self::SecondFactorRequired => 403,
            Self::ResetLinkInvalid | Self::CancelLinkInvalid => 410,
            Self::PasskeyRefused | Self::PasskeyCloned => 401,
            Self::PasskeyNotFound => 404,
            Self::TooManyPasskeySignIns => 429,
            Self::LastPasskey => 409,
            Self::ResetCodeAlreadySent => 429,
            Self::EmailTaken
            | Self::CodeAlreadyUsed
            | Self::SetupExpired
            | Self::TwoFactorAlreadyOn
            | Self::TwoFactorOff => 409,
            Self::CodesLocked | Self::ChangesLocked => 423,
            Self::TooManyPasswords { .. }
            | Self::TooManyCodes { .. }
            | Self::ResendTooSoon { .. }
            | Self::TooManyRegistrations { .. }
            | Self::NetworkBusy { .. } => 429,
            Self::Busy | Self::TextsUnavailable { .. } => 503,
            Self::SmsCountryNotServed { .. } => 422,
            Self::BadRequest => 400,
            Self::Unreachable => 503,
            // Not the customer's doing: a fault in what the server stores.
            Self::TwoFactorUnreadable | Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let app_error = match error {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unreachable,
            _ => Self::Internal,
        };
        #[cfg(feature = "ssr")]
        crate::ssr::respond_with(&app_error);
        app_error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_seconds_then_minutes() {
        assert_eq!(in_words(29), "29 s");
        assert_eq!(in_words(119), "119 s");
        assert_eq!(in_words(120), "2 min");
        assert_eq!(in_words(3_541), "60 min");
        assert_eq!(
            AppError::ResendTooSoon { retry_after_secs: 3_000 }.to_string(),
            "A new code can be sent in 50 min."
        );
        assert_eq!(in_words(i64::MAX), format!("{} min", i64::MAX / 60), "no overflow");
    }

    #[test]
    fn only_the_portals_own_words_may_come_from_a_url() {
        assert!(AppError::InvalidCredentials.is_worded_by_portal());
        assert!(AppError::TooManyPasswords { retry_after_secs: 900 }.is_worded_by_portal());
        assert!(!AppError::Invalid("Call +1 555 0100 now.".into()).is_worded_by_portal());
        assert!(!AppError::TooManyPasswords { retry_after_secs: 9_000_000 }.is_worded_by_portal());
        assert!(!AppError::ResendTooSoon { retry_after_secs: -5 }.is_worded_by_portal());
    }
}
