//! The secret a cancel link carries: 256 random bits, stored only as a SHA-256.

use std::fmt;

use crate::CoreError;

/// The token of a link that cancels a waiting reset. Never printed, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CancelToken(String);

impl CancelToken {
    pub(super) fn generate() -> Result<Self, CoreError> {
        crate::random_token::generate().map(Self)
    }

    /// A token from a link, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        crate::random_token::has_shape(value).then(|| Self(value.to_owned()))
    }

    /// The value to put in the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the waiting reset is stored under.
    pub(super) fn digest(&self) -> String {
        crate::digest::sha256_hex(&self.0)
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelToken(<redacted>)")
    }
}
