//! What a security event says happened, and who did it: closed types, stored as
//! short words and read back strictly (a word this server does not know is an
//! error, never a guess), and told to customers in their own words.

use crate::vocabulary::{Guess, Method};

/// Something that happened to an account's security.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecurityEvent {
    /// Signed in (with the second factor, when on).
    SignedIn,
    /// A wrong password for the account at sign-in.
    SignInFailed,
    /// A wrong code (or recovery code) at sign-in or in a setup.
    WrongCode,
    /// A wrong password typed to confirm a security change.
    StepUpFailed,
    TwoFactorOn(Method),
    /// Switched from the other method to this one.
    TwoFactorSwitched(Method),
    TwoFactorOff(Method),
    /// A recovery code signed in; this many are left.
    RecoveryCodeUsed {
        left: u64,
    },
    RecoveryCodesRegenerated,
    /// A recovery code stood in for the code to reset the password; this many are left.
    RecoveryCodeUsedForReset {
        left: u64,
    },
    /// Too many wrong guesses of this kind locked a step.
    Locked(Guess),
    /// Support cleared the locks and counts.
    Unlocked,
    /// Two-factor authentication was reset: by support, or once a waiting reset
    /// was due.
    TwoFactorReset,
    /// A reset of two-factor authentication was asked for: it waits, and the
    /// customer may cancel it.
    TwoFactorResetScheduled,
    /// A waiting reset was cancelled: with its link, on the Account Security tab,
    /// or by signing in with the second factor.
    TwoFactorResetCancelled,
    /// Every session of the account was ended.
    SessionsEnded,
    /// The customer changed their password (every other session ended).
    PasswordChanged,
    /// A wrong current password typed to change it.
    PasswordChangeFailed,
    /// The customer signed one of their other sessions out.
    SessionSignedOut,
    /// The customer signed out of every other session.
    OtherSessionsSignedOut,
    /// A link to choose a new password was emailed.
    PasswordResetRequested,
    /// A new password was chosen through an emailed link (every session ended).
    PasswordReset,
    /// A passkey was registered.
    PasskeyAdded,
    /// A passkey's signature counter went backwards: refused, as a clone.
    PasskeyCounterWentBack,
    /// A passkey was removed (not the last of an account on passkeys: that is
    /// 2FA turned off).
    PasskeyRemoved,
    /// Signed in with a passkey alone, no password.
    SignedInWithPasskey,
}

impl SecurityEvent {
    /// The `kind` and `detail` columns.
    pub(crate) fn stored(&self) -> (&'static str, Option<String>) {
        match self {
            Self::SignedIn => ("signed_in", None),
            Self::SignInFailed => ("sign_in_failed", None),
            Self::WrongCode => ("wrong_code", None),
            Self::StepUpFailed => ("step_up_failed", None),
            Self::TwoFactorOn(method) => ("two_factor_on", Some(method.stored().to_owned())),
            Self::TwoFactorSwitched(method) => ("two_factor_switched", Some(method.stored().to_owned())),
            Self::TwoFactorOff(method) => ("two_factor_off", Some(method.stored().to_owned())),
            Self::RecoveryCodeUsed { left } => ("recovery_code_used", Some(left.to_string())),
            Self::RecoveryCodesRegenerated => ("recovery_codes_regenerated", None),
            Self::RecoveryCodeUsedForReset { left } => ("recovery_code_used_for_reset", Some(left.to_string())),
            Self::Locked(guess) => ("locked", Some(guess.stored().to_owned())),
            Self::Unlocked => ("unlocked", None),
            Self::TwoFactorReset => ("two_factor_reset", None),
            Self::TwoFactorResetScheduled => ("two_factor_reset_scheduled", None),
            Self::TwoFactorResetCancelled => ("two_factor_reset_cancelled", None),
            Self::SessionsEnded => ("sessions_ended", None),
            Self::PasswordChanged => ("password_changed", None),
            Self::PasswordChangeFailed => ("password_change_failed", None),
            Self::SessionSignedOut => ("session_signed_out", None),
            Self::OtherSessionsSignedOut => ("other_sessions_signed_out", None),
            Self::PasswordResetRequested => ("password_reset_requested", None),
            Self::PasswordReset => ("password_reset", None),
            Self::PasskeyAdded => ("passkey_added", None),
            Self::PasskeyCounterWentBack => ("passkey_counter_went_back", None),
            Self::PasskeyRemoved => ("passkey_removed", None),
            Self::SignedInWithPasskey => ("signed_in_with_passkey", None),
        }
    }

    /// The event stored as `kind` and `detail`, if this server knows it.
    pub(crate) fn from_stored(kind: &str, detail: Option<&str>) -> Option<Self> {
        let method = || detail.and_then(Method::from_stored);
        Some(match (kind, detail) {
            ("signed_in", None) => Self::SignedIn,
            ("sign_in_failed", None) => Self::SignInFailed,
            ("wrong_code", None) => Self::WrongCode,
            ("step_up_failed", None) => Self::StepUpFailed,
            ("two_factor_on", _) => Self::TwoFactorOn(method()?),
            ("two_factor_switched", _) => Self::TwoFactorSwitched(method()?),
            ("two_factor_off", _) => Self::TwoFactorOff(method()?),
            ("recovery_code_used", Some(left)) => Self::RecoveryCodeUsed { left: left.parse().ok()? },
            ("recovery_codes_regenerated", None) => Self::RecoveryCodesRegenerated,
            ("recovery_code_used_for_reset", Some(left)) => Self::RecoveryCodeUsedForReset { left: left.parse().ok()? },
            ("locked", Some(guess)) => Self::Locked(Guess::from_stored(guess)?),
            ("unlocked", None) => Self::Unlocked,
            ("two_factor_reset", None) => Self::TwoFactorReset,
            ("two_factor_reset_scheduled", None) => Self::TwoFactorResetScheduled,
            ("two_factor_reset_cancelled", None) => Self::TwoFactorResetCancelled,
            ("sessions_ended", None) => Self::SessionsEnded,
            ("password_changed", None) => Self::PasswordChanged,
            ("password_change_failed", None) => Self::PasswordChangeFailed,
            ("session_signed_out", None) => Self::SessionSignedOut,
            ("other_sessions_signed_out", None) => Self::OtherSessionsSignedOut,
            ("password_reset_requested", None) => Self::PasswordResetRequested,
            ("password_reset", None) => Self::PasswordReset,
            ("passkey_added", None) => Self::PasskeyAdded,
            ("passkey_counter_went_back", None) => Self::PasskeyCounterWentBack,
            ("passkey_removed", None) => Self::PasskeyRemoved,
            ("signed_in_with_passkey", None) => Self::SignedInWithPasskey,
            _ => return None,
        })
    }

    /// Whether repeats of it collapse into one line of the activity: failures a
    /// stranger can cause at will, which would otherwise push what matters out of
    /// sight.
    pub(crate) fn repeats_collapse(&self) -> bool {
        matches!(
            self,
            Self::SignInFailed
                | Self::WrongCode
                | Self::StepUpFailed
                | Self::PasswordChangeFailed
                | Self::PasswordResetRequested
        )
    }

    /// What happened, as the customer's activity list says it.
    pub fn in_words(&self) -> String {
        match self {
            Self::SignedIn => "Signed in".into(),
            Self::SignInFailed => "Sign-in failed: wrong password".into(),
            Self::WrongCode => "Wrong verification code entered".into(),
            Self::StepUpFailed => "Wrong password entered to confirm a security change".into(),
            Self::TwoFactorOn(method) => format!("Two-factor authentication turned on ({})", method.described()),
            Self::TwoFactorSwitched(method) => format!("Security method updated to {}", method.described()),
            Self::TwoFactorOff(method) => format!("Two-factor authentication turned off ({})", method.described()),
            Self::RecoveryCodeUsed { left: 1 } => "Signed in with a recovery code (1 left)".into(),
            Self::RecoveryCodeUsed { left } => format!("Signed in with a recovery code ({left} left)"),
            Self::RecoveryCodesRegenerated => "New recovery codes generated".into(),
            Self::RecoveryCodeUsedForReset { left } => {
                format!("Recovery code used to reset the password ({left} left)")
            }
            Self::Locked(Guess::Code) => "Sign-in locked after too many wrong codes".into(),
            Self::Locked(Guess::Password) => "Security changes locked after too many wrong passwords".into(),
            Self::Unlocked => "Locks cleared".into(),
            Self::TwoFactorReset => "Two-factor authentication reset".into(),
            Self::TwoFactorResetScheduled => "Reset of two-factor authentication asked for: it waits".into(),
            Self::TwoFactorResetCancelled => "Waiting reset of two-factor authentication cancelled".into(),
            Self::SessionsEnded => "Signed out everywhere".into(),
            Self::PasswordChanged => "Password changed".into(),
            Self::PasswordChangeFailed => "Wrong current password entered to change it".into(),
            Self::SessionSignedOut => "Signed out another session".into(),
            Self::OtherSessionsSignedOut => "Signed out of all other sessions".into(),
            Self::PasswordResetRequested => "Password reset link requested".into(),
            Self::PasswordReset => "Password reset with an emailed link".into(),
            Self::PasskeyAdded => "Passkey added".into(),
            Self::PasskeyCounterWentBack => "Passkey refused: it may have been copied".into(),
            Self::PasskeyRemoved => "Passkey removed".into(),
            Self::SignedInWithPasskey => "Signed in with a passkey".into(),
        }
    }
}

/// Who acted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Whoever used the browser (or other client) the request came from.
    Client,
    /// The support desk, with the reason it gave.
    Support { reason: String },
}

impl Actor {
    /// The `actor` and `reason` columns.
    pub(crate) fn stored(&self) -> (&'static str, Option<String>) {
        match self {
            Self::Client => ("client", None),
            Self::Support { reason } => ("support", Some(reason.clone())),
        }
    }

    pub(crate) fn from_stored(actor: &str, reason: Option<&str>) -> Option<Self> {
        match (actor, reason) {
            ("client", None) => Some(Self::Client),
            ("support", Some(reason)) => Some(Self::Support { reason: reason.to_owned() }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY_EVENT: [SecurityEvent; 29] = [
        SecurityEvent::SignedIn,
        SecurityEvent::StepUpFailed,
        SecurityEvent::SignInFailed,
        SecurityEvent::WrongCode,
        SecurityEvent::TwoFactorOn(Method::AuthenticatorApp),
        SecurityEvent::TwoFactorOn(Method::Sms),
        SecurityEvent::TwoFactorSwitched(Method::AuthenticatorApp),
        SecurityEvent::TwoFactorOff(Method::Sms),
        SecurityEvent::RecoveryCodeUsed { left: 9 },
        SecurityEvent::RecoveryCodeUsed { left: 0 },
        SecurityEvent::RecoveryCodesRegenerated,
        SecurityEvent::Locked(Guess::Code),
        SecurityEvent::Locked(Guess::Password),
        SecurityEvent::Unlocked,
        SecurityEvent::TwoFactorReset,
        SecurityEvent::TwoFactorResetScheduled,
        SecurityEvent::TwoFactorResetCancelled,
        SecurityEvent::SessionsEnded,
        SecurityEvent::PasswordChanged,
        SecurityEvent::PasswordChangeFailed,
        SecurityEvent::SessionSignedOut,
        SecurityEvent::OtherSessionsSignedOut,
        SecurityEvent::PasswordResetRequested,
        SecurityEvent::PasswordReset,
        SecurityEvent::PasskeyAdded,
        SecurityEvent::PasskeyCounterWentBack,
        SecurityEvent::PasskeyRemoved,
        SecurityEvent::SignedInWithPasskey,
        SecurityEvent::RecoveryCodeUsedForReset { left: 4 },
    ];

    #[test]
    fn every_event_reads_back_as_stored() {
        for event in EVERY_EVENT {
            let (kind, detail) = event.stored();
            assert_eq!(SecurityEvent::from_stored(kind, detail.as_deref()), Some(event));
        }
    }

    #[test]
    fn unknown_or_malformed_rows_are_not_events() {
        for (kind, detail) in [
            ("password_changed_by_magic", None),
            ("two_factor_on", Some("carrier pigeon")),
            ("two_factor_on", None),
            ("recovery_code_used", Some("many")),
            ("locked", Some("fingerprint")),
            ("signed_in", Some("unexpected")),
        ] {
            assert_eq!(SecurityEvent::from_stored(kind, detail), None, "{kind} {detail:?}");
        }
        assert_eq!(Actor::from_stored("support", None), None, "support always gives a reason");
        assert_eq!(Actor::from_stored("admin", Some("x")), None);
    }

    #[test]
    fn customers_read_plain_words() {
        assert_eq!(
            SecurityEvent::TwoFactorSwitched(Method::AuthenticatorApp).in_words(),
            "Security method updated to TOTP (Authenticator App)"
        );
        assert_eq!(SecurityEvent::RecoveryCodeUsed { left: 3 }.in_words(), "Signed in with a recovery code (3 left)");
    }
}
