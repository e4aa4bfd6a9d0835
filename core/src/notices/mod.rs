//! Every word the portal sends a customer: the emails about their account's
//! security ([`emails`]) and the text messages that carry codes ([`texts`]). A
//! change names what happened as a [`Notice`]; the words are composed here, with
//! the account, the time, who asked and whom to contact.

mod emails;
mod texts;

pub use emails::{LockedFor, SupportAction};
pub(crate) use texts::Text;

use crate::clock::UnixTime;
use crate::outbox::Email;
use crate::requester::Requester;
use crate::vocabulary::{Account, Asked, Guess, Method, RequestedBy};

/// How long past its reset's due time the notice of a waiting reset keeps being
/// tried: a reset waits for it.
const RESET_NOTICE_KEPT_SECS: i64 = 30 * 24 * 60 * 60;

/// The subject of the email that tells a customer a reset waits, as stored: a
/// reset is not done while this email waits unsent.
pub const RESET_SCHEDULED_SUBJECT: &str = emails::RESET_SCHEDULED_SUBJECT;

/// What a security change tells its customer by email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    /// Turned on with `method`, or switched to it from `previous`; `passkeys_kept`:
    /// passkeys stay beside the new method.
    TwoFactorEnabled {
        method: Method,
        previous: Option<Method>,
        passkeys_kept: bool,
    },
    TwoFactorDisabled(Method),
    /// Too many wrong guesses in a row locked a step, for `locked_for`.
    Locked {
        guess: Guess,
        locked_for: LockedFor,
        failures: i32,
    },
    RecoveryCodeUsed {
        left: u64,
        asked: Asked,
    },
    RecoveryCodesRegenerated,
    /// Signed in from a browser the account does not know.
    NewSignIn,
    PasswordChanged,
    /// The link to choose a new password: a secret, sealed until sent.
    PasswordResetLink {
        link: String,
        valid_minutes: i64,
    },
    PasswordReset,
    PasskeyAdded {
        name: String,
        passwordless: bool,
    },
    PasskeySuspended {
        name: String,
    },
    PasskeyRemoved {
        name: String,
    },
    SupportActed {
        action: SupportAction,
        reason: String,
    },
    /// A reset of two-factor authentication waits until `due_at`; `link` cancels
    /// it: a secret, sealed until the reset is due.
    ResetScheduled {
        requested_by: RequestedBy,
        due_at: UnixTime,
        link: String,
    },
    ResetCancelled,
    /// A waiting reset came due: two-factor authentication is off.
    ResetDone,
}

impl Notice {
    /// When the email, composed at `now`, carries a secret: until when it is of
    /// use (it is stored sealed, and dropped unsent after).
    pub(crate) fn secret_until(&self, now: UnixTime) -> Option<UnixTime> {
        match self {
            Self::PasswordResetLink { valid_minutes, .. } => Some(now + valid_minutes * 60),
            // Kept until long after the reset is due: a reset never happens while
            // this notice waits unsent (`waiting_resets`).
            Self::ResetScheduled { due_at, .. } => Some(due_at.saturating_add(RESET_NOTICE_KEPT_SECS)),
            _ => None,
        }
    }

    /// The email to `account` about the change `requester` made at `at`, telling
    /// them to contact `support` if it was not them.
    pub(crate) fn email(&self, account: &Account, requester: &Requester, at: UnixTime, support: &str) -> Email {
        match self {
            Self::TwoFactorEnabled { method, previous, passkeys_kept } => {
                emails::two_factor_enabled(account, *method, *previous, *passkeys_kept, at, support)
            }
            Self::TwoFactorDisabled(method) => emails::two_factor_disabled(account, *method, at, support),
            Self::Locked { guess, locked_for, failures } => {
                emails::locked(account, *guess, *locked_for, *failures, at, support)
            }
            Self::RecoveryCodeUsed { left, asked } => emails::recovery_code_used(account, *left, *asked, at, support),
            Self::RecoveryCodesRegenerated => emails::recovery_codes_regenerated(account, at, support),
            Self::NewSignIn => emails::new_sign_in(account, requester, at, support),
            Self::PasswordChanged => emails::password_changed(account, at, support),
            Self::PasswordResetLink { link, valid_minutes } => {
                emails::password_reset_link(account, link, *valid_minutes, at)
            }
            Self::PasswordReset => emails::password_reset(account, requester, at, support),
            Self::PasskeyAdded { name, passwordless } => {
                emails::passkey_added(account, name, *passwordless, at, support)
            }
            Self::PasskeySuspended { name } => emails::passkey_suspended(account, name, at, support),
            Self::PasskeyRemoved { name } => emails::passkey_removed(account, name, at, support),
            Self::SupportActed { action, reason } => emails::support_acted(account, *action, reason, at, support),
            Self::ResetScheduled { requested_by, due_at, link } => {
                emails::reset_scheduled(account, (requested_by, *due_at, link), at, support)
            }
            Self::ResetCancelled => emails::reset_cancelled(account, at, support),
            Self::ResetDone => emails::reset_done(account, at, support),
        }
    }
}
