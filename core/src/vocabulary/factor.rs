//! Which second factor, what was guessed wrong, and where the second factor was
//! asked: words the services, the events and the emails share.

/// A second factor a customer can sign in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// TOTP codes from an app such as Google Authenticator or Authy.
    AuthenticatorApp,
    /// Codes sent by text message to the account's mobile number.
    Sms,
    /// Passkeys or security keys (WebAuthn): bound to the site, so they cannot be
    /// relayed by a fake one. The account's passkeys are in their own table.
    Passkey,
}

impl Method {
    /// The value in the `two_factor.method` column.
    pub(crate) fn stored(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "totp",
            Self::Sms => "sms",
            Self::Passkey => "passkey",
        }
    }

    /// The method stored as `text`, if this server knows it.
    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        [Self::AuthenticatorApp, Self::Sms, Self::Passkey].into_iter().find(|method| method.stored() == text)
    }

    /// The method as emails state it.
    pub fn described(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "TOTP (Authenticator App)",
            Self::Sms => "SMS (text message codes)",
            Self::Passkey => "Passkey or security key",
        }
    }

    /// What every sign-in asks for, as a sentence says it.
    pub fn asked_at_sign_in(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "the six-digit code from your authenticator app",
            Self::Sms => "the six-digit code from the text message we send to your mobile phone",
            Self::Passkey => "one of your passkeys",
        }
    }
}

/// What was guessed wrong, in errors and lockout emails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guess {
    Password,
    Code,
}

impl Guess {
    /// The plural as a sentence uses it: "wrong passwords", "wrong codes".
    pub fn plural(self) -> &'static str {
        match self {
            Self::Password => "passwords",
            Self::Code => "verification codes",
        }
    }

    /// The value in a `locked` event's `detail` column.
    pub(crate) fn stored(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Code => "code",
        }
    }

    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        [Self::Password, Self::Code].into_iter().find(|guess| guess.stored() == text)
    }
}

/// Where the second factor is asked: each place counts the guesses of browsers
/// the account does not know apart, and its emails say which it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    SignIn,
    PasswordReset,
}
