//! What a new password must be, after NIST SP 800-63B §3.1.1.2: 8 to 128
//! characters, any characters at all, no composition rules, and not one that
//! attackers try first (a common-password list, or the account's own email).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::Password;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// Why a new password was refused, in words a customer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejected {
    #[error("Use at least {MIN_CHARS} characters.")]
    TooShort,
    #[error("Use at most {MAX_CHARS} characters.")]
    TooLong,
    #[error("This password is too common. Choose one that is harder to guess.")]
    TooCommon,
    #[error("Do not use your email address as your password.")]
    MatchesEmail,
}

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().collect());

/// Checks a password a customer wants to set on the account with this email.
pub fn check_new_password(password: &Password, email: &str) -> Result<(), PasswordRejected> {
    let text = password.expose();
    // NIST counts each Unicode code point as one character.
    let length = text.chars().count();
    if length < MIN_CHARS {
        return Err(PasswordRejected::TooShort);
    }
    if length > MAX_CHARS {
        return Err(PasswordRejected::TooLong);
    }
    let lowered = text.to_lowercase();
    if COMMON.contains(lowered.as_str()) {
        return Err(PasswordRejected::TooCommon);
    }
    let local_part = email.split('@').next().unwrap_or_default();
    if lowered == email || lowered == local_part {
        return Err(PasswordRejected::MatchesEmail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), PasswordRejected> {
        check_new_password(&Password::new(text.into()), "ana.lim@example.com")
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(check("short7!"), Err(PasswordRejected::TooShort));
        // Eight characters, sixteen bytes: long enough.
        assert_eq!(check("ééééééé1"), Ok(()));
        assert_eq!(check(&"x".repeat(129)), Err(PasswordRejected::TooLong));
        assert_eq!(check(&"correct horse ".repeat(10)[..128]), Ok(()));
    }

    #[test]
    fn no_composition_rules() {
        assert_eq!(check("tangerine orchestra"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(check("password"), Err(PasswordRejected::TooCommon));
        assert_eq!(check("Password1"), Err(PasswordRejected::TooCommon));
        assert_eq!(check("QWERTYUIOP"), Err(PasswordRejected::TooCommon));
    }

    #[test]
    fn the_email_is_not_a_password() {
        assert_eq!(check("ana.lim@example.com"), Err(PasswordRejected::MatchesEmail));
        assert_eq!(check("Ana.Lim@example.com"), Err(PasswordRejected::MatchesEmail));
    }

    #[test]
    fn the_list_is_loaded() {
        assert!(COMMON.len() > 5_000, "{} entries", COMMON.len());
    }
}
