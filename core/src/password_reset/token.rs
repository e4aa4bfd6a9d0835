//! The secret a reset link carries: 256 random bits, stored only as a SHA-256.

use std::fmt;

use crate::CoreError;

/// The token of a reset link. It is never printed and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl ResetToken {
    pub(super) fn generate() -> Result<Self, CoreError> {
        crate::random_token::generate().map(Self)
    }

    /// A token from a link or a cookie, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        crate::random_token::has_shape(value).then(|| Self(value.to_owned()))
    }

    /// The value to put in the link or the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the link is stored under.
    pub(super) fn digest(&self) -> String {
        crate::digest::sha256_hex(&self.0)
    }
}

impl fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResetToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_token_is_never_printed() {
        let token = ResetToken::generate().unwrap();
        assert_ne!(token, ResetToken::generate().unwrap());
        assert_eq!(ResetToken::parse(token.as_str()), Some(token.clone()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
