//! A second factor as the pages name it, with every word they say about one:
//! its name, what it asks for, its setup step, and the sentences of the status,
//! the wizard, "Manage two-factor authentication" and the password reset.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorMethod {
    AuthenticatorApp,
    Sms,
    Passkey,
}

impl TwoFactorMethod {
    /// In the order the wizard offers them.
    pub const ALL: [Self; 3] = [Self::AuthenticatorApp, Self::Sms, Self::Passkey];

    /// The seeds' words: "Authenticator App", "SMS".
    pub fn label(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Authenticator App",
            Self::Sms => "SMS",
            Self::Passkey => "Passkey or security key",
        }
    }

    /// What the wizard says under the method's name.
    pub fn hint(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Google Authenticator, Authy or a similar app",
            Self::Sms => "A text message to your mobile phone",
            Self::Passkey => {
                "Touch ID, Windows Hello, your phone or a USB key: nothing to type, and it cannot be phished"
            }
        }
    }

    /// The methods to switch to from this one.
    pub fn others(self) -> [Self; 2] {
        match self {
            Self::AuthenticatorApp => [Self::Sms, Self::Passkey],
            Self::Sms => [Self::AuthenticatorApp, Self::Passkey],
            Self::Passkey => [Self::AuthenticatorApp, Self::Sms],
        }
    }

    /// The method in the middle of a sentence: "Set up an authenticator app instead".
    pub fn in_a_sentence(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "an authenticator app",
            Self::Sms => "SMS codes to your mobile phone",
            Self::Passkey => "a passkey or security key",
        }
    }

    /// The wizard's step that connects the method.
    pub fn connect_step(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Sync Authenticator",
            Self::Sms => "Verify Phone Number",
            Self::Passkey => "Create Passkey",
        }
    }

    /// The wizard's last step, once the method is connected.
    pub fn connected(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => {
                "Your authenticator app is verified. Save your recovery codes, then click Okay to finish."
            }
            Self::Sms => "Your mobile number is verified. Save your recovery codes, then click Okay to finish.",
            Self::Passkey => "Your passkey is ready. Save your recovery codes, then click Okay to finish.",
        }
    }

    /// The Account Security tab's status line while the method is on.
    pub fn status(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Two-factor authentication is on with the Authenticator App",
            Self::Sms => "Two-factor authentication is on with SMS",
            Self::Passkey => "Two-factor authentication is on with passkeys",
        }
    }

    /// What every sign-in asks for, under the status line; an SMS names the
    /// (masked) number.
    pub fn every_sign_in(self, masked_phone: Option<&str>) -> String {
        match self {
            Self::AuthenticatorApp => "Every sign-in asks for the six-digit code from your authenticator app.".into(),
            Self::Sms => format!(
                "Every sign-in asks for the six-digit code we send by SMS to {}.",
                masked_phone.unwrap_or("your mobile phone")
            ),
            Self::Passkey => "Every sign-in asks for one of your passkeys.".into(),
        }
    }

    /// What every sign-in asks for, in the middle of a sentence.
    pub fn asked_for(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "the six-digit code from your authenticator app",
            Self::Sms => "the six-digit code we send to your mobile phone by SMS",
            Self::Passkey => "your passkey",
        }
    }

    /// The sentence of seed 003 once a switch to the method is done.
    pub fn updated_to(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Your security method has been updated to TOTP (Authenticator App).",
            Self::Sms => "Your security method has been updated to SMS.",
            Self::Passkey => "Your security method has been updated to Passkey.",
        }
    }

    /// What the code step of sign-in says to type.
    pub fn sign_in_prompt(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Enter the six-digit code from your authenticator app.",
            Self::Sms => "Enter the six-digit code we texted to your mobile phone.",
            Self::Passkey => "Use one of your passkeys, or one of your recovery codes.",
        }
    }

    /// What the password reset's second step says to type; `None` when there is
    /// no code to type there (an account on passkeys: its recovery codes answer,
    /// since passkeys are not asked on the reset page yet).
    pub fn reset_prompt(self) -> Option<&'static str> {
        match self {
            Self::AuthenticatorApp => Some("Enter the six-digit code from your authenticator app."),
            Self::Sms => Some("Enter the six-digit code we text to your mobile phone."),
            Self::Passkey => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<portal_core::vocabulary::Method> for TwoFactorMethod {
    fn from(method: portal_core::vocabulary::Method) -> Self {
        match method {
            portal_core::vocabulary::Method::AuthenticatorApp => Self::AuthenticatorApp,
            portal_core::vocabulary::Method::Sms => Self::Sms,
            portal_core::vocabulary::Method::Passkey => Self::Passkey,
        }
    }
}
