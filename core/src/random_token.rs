//! The 256-bit random secrets browsers hold (the session cookie, a reset link's
//! token): the one way they are made, and their shape. Only a SHA-256 of one is
//! ever stored.

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
}
