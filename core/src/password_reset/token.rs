//! The secret a reset link carries: 256 random bits, stored only as a SHA-256.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::CoreError;

const TOKEN_BYTES: usize = 32;

/// The token of a reset link. It is never printed and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl ResetToken {
    pub(super) fn generate() -> Result<Self, CoreError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|error| CoreError::Worker(error.to_string()))?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token from a link or a cookie, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(value).ok()?;
        (decoded.len() == TOKEN_BYTES).then(|| Self(value.to_owned()))
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
    fn tokens_carry_256_random_bits_and_only_their_shape_parses() {
        let token = ResetToken::generate().unwrap();
        assert_ne!(token, ResetToken::generate().unwrap());
        assert_eq!(URL_SAFE_NO_PAD.decode(token.as_str()).unwrap().len(), 32);
        assert_eq!(ResetToken::parse(token.as_str()), Some(token.clone()));
        assert!(!format!("{token:?}").contains(token.as_str()));
        for bad in ["", "short", "not base64!", &URL_SAFE_NO_PAD.encode([0u8; 16])] {
            assert_eq!(ResetToken::parse(bad), None, "{bad}");
        }
    }
}
