//! The text messages: short, with the code first (phones show it in the
//! notification, and offer to fill it in), and a warning never to share it.

/// What a text message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    /// A code to sign in, reset the password or prove a number being set up.
    VerificationCode { code: String, valid_minutes: i64 },
    /// A reset of two-factor authentication waits until `due` (in words). No
    /// link: the phone may be the lost device, in someone else's hands.
    ResetScheduled { due: String },
}

impl Text {
    /// The message, naming the site as `issuer` (what authenticator apps show too).
    pub(crate) fn body(&self, issuer: &str) -> String {
        match self {
            Self::VerificationCode { code, valid_minutes } => format!(
                "{code} is your {issuer} verification code. It expires in {valid_minutes} minutes. Never share it: \
                 we will not ask for it."
            ),
            Self::ResetScheduled { due } => format!(
                "{issuer}: two-factor authentication on your account will be turned off on {due} unless you cancel. \
                 Not you? Cancel it from our email, or sign in."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_comes_first_and_expires_and_is_never_to_be_shared() {
        let text = Text::VerificationCode { code: "123456".into(), valid_minutes: 5 }.body("Customer Portal");
        assert_eq!(
            text,
            "123456 is your Customer Portal verification code. It expires in 5 minutes. Never share it: we will not \
             ask for it."
        );
    }
}
