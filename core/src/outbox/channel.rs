//! How a stored message goes out, read back strictly: a channel this server does
//! not know is never guessed at (the message waits, failing, for one that does).

/// How a message goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    /// An email stored as it is.
    Email,
    /// An email that carries a secret (a password-reset link): stored sealed,
    /// erased once sent, dropped unsent past its deadline.
    SealedEmail,
    /// A text message; it carries a code, so it is sealed like a secret email.
    Sms,
}

impl Channel {
    pub(crate) const ALL: [Self; 3] = [Self::Email, Self::SealedEmail, Self::Sms];

    /// The value in the `channel` column, and the label of its figures.
    pub(crate) fn stored(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::SealedEmail => "sealed_email",
            Self::Sms => "sms",
        }
    }

    pub(crate) fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|channel| channel.stored() == text)
    }

    /// Whether what it carries is sealed at rest, and erased once sent.
    pub(crate) fn is_sealed(self) -> bool {
        matches!(self, Self::SealedEmail | Self::Sms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_read_back_and_unknown_ones_do_not() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_stored(channel.stored()), Some(channel));
        }
        assert_eq!(Channel::from_stored("pigeon"), None);
        assert_eq!(Channel::from_stored("EMAIL"), None);
    }
}
