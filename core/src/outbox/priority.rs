//! Which messages go first: a sign-in code, which a customer is waiting for at a
//! login page and which expires in five minutes, ahead of setup texts and emails.
//! Each priority delivers in a lane of its own, so a slow mail server or a flood
//! of setup texts never holds up a sign-in code.

/// How soon a message must go out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// A code to sign in (or to reset a password) with.
    SignInCode,
    /// Setup texts and every email.
    Ordinary,
}

impl Priority {
    pub(crate) const ALL: [Self; 2] = [Self::SignInCode, Self::Ordinary];

    /// The value in the `priority` column: lower goes first.
    pub(crate) fn stored(self) -> i32 {
        match self {
            Self::SignInCode => 0,
            Self::Ordinary => 1,
        }
    }

    /// The priority stored as `value`; one this server does not know goes with the
    /// ordinary messages (it only orders delivery, and decides nothing else).
    pub(crate) fn from_stored(value: i32) -> Self {
        Self::ALL.into_iter().find(|priority| priority.stored() == value).unwrap_or(Self::Ordinary)
    }

    /// Deliveries of this priority under way at once on one server.
    pub(crate) fn lane_width(self) -> usize {
        match self {
            Self::SignInCode => 8,
            Self::Ordinary => 16,
        }
    }
}
