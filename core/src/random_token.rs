//! The 256-bit random secrets browsers hold (the session cookie, the tokens of
//! emailed links): the one way they are made, and their shape. Only a SHA-256 of
//! one is ever stored.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::CoreError;

const BYTES: usize = 32;

/// 256 bits from the operating system's CSPRNG, base64url without padding.
pub(crate) fn generate() -> Result<String, CoreError> {
    let mut bytes = [0u8; BYTES];
    getrandom::fill(&mut bytes).map_err(|error| CoreError::Worker(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `value` has the shape [`generate`] gives: anything else is no token.
pub(crate) fn has_shape(value: &str) -> bool {
    URL_SAFE_NO_PAD.decode(value).is_ok_and(|decoded| decoded.len() == BYTES)
}

/// The secret an emailed link carries, for one kind of link `K` (so a link of one
/// kind is never taken for another): never printed, and stored only as its
/// SHA-256, so a copy of the database opens no link.
pub struct LinkToken<K> {
    value: String,
    kind: PhantomData<K>,
}

impl<K> LinkToken<K> {
    pub(crate) fn generate() -> Result<Self, CoreError> {
        generate().map(|value| Self { value, kind: PhantomData })
    }

    /// A token from a link or a cookie, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        has_shape(value).then(|| Self { value: value.to_owned(), kind: PhantomData })
    }

    /// The value to put in the link or the cookie.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The key its link is stored under.
    pub(crate) fn digest(&self) -> String {
        crate::digest::sha256_hex(&self.value)
    }
}

impl<K> Clone for LinkToken<K> {
    fn clone(&self) -> Self {
        Self { value: self.value.clone(), kind: PhantomData }
    }
}

impl<K> PartialEq for LinkToken<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<K> Eq for LinkToken<K> {}

impl<K> fmt::Debug for LinkToken<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_random_bits_and_only_their_shape_passes() {
        let (first, second) = (generate().unwrap(), generate().unwrap());
        assert_ne!(first, second);
        assert_eq!(URL_SAFE_NO_PAD.decode(&first).unwrap().len(), 32);
        assert!(has_shape(&first));
        for bad in ["", "short", "not base64!", &URL_SAFE_NO_PAD.encode([0u8; 16])] {
            assert!(!has_shape(bad), "{bad}");
        }
    }

    #[test]
    fn a_link_token_reads_back_and_is_never_printed() {
        let token = LinkToken::<()>::generate().unwrap();
        assert_ne!(token, LinkToken::generate().unwrap());
        assert_eq!(LinkToken::parse(token.as_str()), Some(token.clone()));
        assert!(!format!("{token:?}").contains(token.as_str()));
        assert_eq!(token.digest().len(), 64, "a hex SHA-256");
    }
}
