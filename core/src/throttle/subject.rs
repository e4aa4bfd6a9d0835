//! What a count is of: what is tried (its [`Scope`]) and who tries (its
//! [`Subject`]), stored as short words and read back strictly.

use crate::devices::{Client, DeviceId};
use crate::notices::LockedFor;
use crate::vocabulary::Account;

/// What is tried: each scope has counts of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Passwords at sign-in, and the current password typed to change it.
    SignIn,
    /// Second-factor codes (and recovery codes and passkeys), at sign-in, in
    /// setups and to reset a password.
    Code,
    /// Passwords re-typed to confirm a security change.
    StepUp,
}

impl Scope {
    const ALL: [Self; 3] = [Self::SignIn, Self::Code, Self::StepUp];

    /// The `scope` column, and the label of its figures.
    pub(crate) fn stored(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Code => "code",
            Self::StepUp => "step_up",
        }
    }

    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.stored() == text)
    }

    /// What is tried, as the support tool says it.
    pub fn in_words(self) -> &'static str {
        match self {
            Self::SignIn => "passwords at sign-in",
            Self::Code => "codes at sign-in and setup",
            Self::StepUp => "passwords re-typed for changes",
        }
    }
}

/// Whose failures count together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One browser that signed in to the account since its last security change.
    Device { account_id: i32, device: DeviceId },
    /// Everyone trying an email at sign-in from a browser the account does not
    /// know (registered or not: the count says nothing about which emails exist).
    /// Holds the email's SHA-256, in hex: the table never names an address.
    UntrustedEmail { digest: String },
    /// Everyone trying for an account from a browser it does not know; and every
    /// setup code of the account, wherever it is typed (a throwaway account's
    /// browsers must not buy more guesses at a code sent to someone's number).
    UntrustedAccount(i32),
    /// Everyone giving an account's second factor to reset its password from a
    /// browser it does not know: apart from sign-in's, so that someone who reads
    /// the customer's email, without the password, cannot lock their sign-in.
    UntrustedReset(i32),
}

impl Subject {
    /// Sign-in attempts for `email` (trimmed, lower-cased) by `client`.
    pub fn sign_in(client: Client, email: &str) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedEmail { digest: crate::digest::sha256_hex(email) },
        }
    }

    /// Attempts for a known account by `client`.
    pub fn account(client: Client, account_id: i32) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedAccount(account_id),
        }
    }

    /// Second-factor attempts by `client` to reset a known account's password.
    pub fn password_reset(client: Client, account_id: i32) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedReset(account_id),
        }
    }

    /// The `subject` column. A device's names its account, so that support finds
    /// an account's counts by [`AccountSubjects`].
    pub(crate) fn stored(&self) -> String {
        match self {
            Self::Device { account_id, device } => format!("device:{account_id}:{}", device.as_str()),
            Self::UntrustedEmail { digest } => format!("email:{digest}"),
            Self::UntrustedAccount(id) => format!("account:{id}"),
            Self::UntrustedReset(id) => format!("reset:{id}"),
        }
    }

    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        let (kind, rest) = text.split_once(':')?;
        let id = || rest.parse().ok().filter(|id: &i32| id.to_string() == rest);
        match kind {
            "device" => {
                let (account_id, device) = rest.split_once(':')?;
                let account_id = account_id.parse().ok().filter(|id: &i32| id.to_string() == account_id)?;
                Some(Self::Device { account_id, device: DeviceId::parse(device)? })
            }
            "email" => {
                let is_digest = rest.len() == 64 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                is_digest.then(|| Self::UntrustedEmail { digest: rest.to_owned() })
            }
            "account" => Some(Self::UntrustedAccount(id()?)),
            "reset" => Some(Self::UntrustedReset(id()?)),
            _ => None,
        }
    }

    /// Whose guesses a lock of this subject stops, as its email says.
    pub(crate) fn locked_for(&self) -> LockedFor {
        match self {
            Self::Device { .. } => LockedFor::OneKnownBrowser,
            Self::UntrustedReset(_) => LockedFor::PasswordResets,
            Self::UntrustedEmail { .. } | Self::UntrustedAccount(_) => LockedFor::UnknownBrowsers,
        }
    }

    /// Who tries, as the support tool says it.
    pub fn in_words(&self) -> &'static str {
        match self {
            Self::Device { .. } => "one browser the account knows",
            Self::UntrustedReset(_) => "password resets from browsers the account does not know",
            Self::UntrustedEmail { .. } | Self::UntrustedAccount(_) => "browsers the account does not know",
        }
    }
}

/// Every subject that counts for one account, as stored: those of the browsers it
/// does not know, and the prefix of those of its known browsers.
pub(crate) struct AccountSubjects {
    pub exact: [String; 3],
    pub device_prefix: String,
}

impl AccountSubjects {
    pub(crate) fn of(account: &Account) -> Self {
        let exact = [
            Subject::UntrustedAccount(account.id).stored(),
            Subject::sign_in(Client::Untrusted, &account.email).stored(),
            Subject::UntrustedReset(account.id).stored(),
        ];
        Self { exact, device_prefix: format!("device:{}:", account.id) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_subjects_read_back_and_strangers_do_not() {
        for scope in Scope::ALL {
            assert_eq!(Scope::from_stored(scope.stored()), Some(scope));
        }
        assert_eq!(Scope::from_stored("sign-in"), None);

        let device = DeviceId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        for subject in [
            Subject::Device { account_id: 7, device },
            Subject::sign_in(Client::Untrusted, "ana@example.com"),
            Subject::UntrustedAccount(7),
            Subject::UntrustedReset(7),
        ] {
            assert_eq!(Subject::from_stored(&subject.stored()), Some(subject.clone()), "{subject:?}");
        }
        for stranger in [
            "",
            "account",
            "account:",
            "account:07",
            "account:x",
            "reset:-",
            "email:ana@example.com",
            "email:ABCDEF",
            "device:7",
            "device:7:short",
            "visitor:1",
        ] {
            assert_eq!(Subject::from_stored(stranger), None, "{stranger:?}");
        }
    }

    #[test]
    fn an_accounts_subjects_are_its_own() {
        let account = crate::testing::account_at(7, "ana@example.com");
        let subjects = AccountSubjects::of(&account);
        assert!(subjects.exact.contains(&"account:7".to_owned()));
        assert!(subjects.exact.contains(&format!("email:{}", crate::digest::sha256_hex("ana@example.com"))));
        let device = Subject::Device { account_id: 7, device: DeviceId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap() };
        assert!(device.stored().starts_with(&subjects.device_prefix));
        let other = Subject::Device { account_id: 70, device: DeviceId::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap() };
        assert!(!other.stored().starts_with(&subjects.device_prefix));
    }
}
