//! A secret sealed with XChaCha20-Poly1305 under the master key. The random 192-bit
//! nonce is safe to draw for every seal; the associated data binds a sealed value to
//! what it is for (say, `totp:user:42`), so a row copied onto another account does
//! not open there.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::MasterKey;

const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Wrong key, wrong context, or a tampered value: AEAD cannot tell them apart.
    #[error("the sealed secret cannot be opened with this key and context")]
    CannotOpen,
}

/// The stored form: `v1:` then base64 of nonce ‖ ciphertext ‖ tag.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret(String);

impl SealedSecret {
    /// Seals `plaintext` for `context`.
    pub fn seal(key: &MasterKey, context: &str, plaintext: &[u8]) -> Self {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).expect("the operating system's random source is available");
        let ciphertext = cipher(key)
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context.as_bytes() })
            .expect("sealing a short secret cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        Self(format!("{VERSION}{}", STANDARD_NO_PAD.encode(bytes)))
    }

    /// The plaintext, if `key` and `context` are the ones it was sealed with.
    pub fn open(&self, key: &MasterKey, context: &str) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let encoded = self.0.strip_prefix(VERSION).ok_or(SealError::CannotOpen)?;
        let bytes = STANDARD_NO_PAD.decode(encoded).map_err(|_| SealError::CannotOpen)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SealError::CannotOpen);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        cipher(key)
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: context.as_bytes() })
            .map(Zeroizing::new)
            .map_err(|_| SealError::CannotOpen)
    }

    /// From the database's column.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// For the database's column.
    pub fn into_stored(self) -> String {
        self.0
    }
}

fn cipher(key: &MasterKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.bytes().into())
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedSecret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_with_the_same_key_and_context_only() {
        let key = MasterKey::generate();
        let sealed = SealedSecret::seal(&key, "totp:user:1", b"JBSWY3DPEHPK3PXP");
        assert_eq!(sealed.open(&key, "totp:user:1").unwrap().as_slice(), b"JBSWY3DPEHPK3PXP");
        assert_eq!(sealed.open(&key, "totp:user:2"), Err(SealError::CannotOpen));
        assert_eq!(sealed.open(&MasterKey::generate(), "totp:user:1"), Err(SealError::CannotOpen));
    }

    #[test]
    fn the_stored_form_reveals_nothing_and_resists_tampering() {
        let key = MasterKey::generate();
        let first = SealedSecret::seal(&key, "ctx", b"JBSWY3DPEHPK3PXP");
        let second = SealedSecret::seal(&key, "ctx", b"JBSWY3DPEHPK3PXP");
        assert_ne!(first, second, "a fresh nonce every time");
        let stored = first.clone().into_stored();
        assert!(!stored.contains("JBSWY3DPEHPK3PXP"));

        let mut tampered = stored.into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = SealedSecret::from_stored(String::from_utf8(tampered).unwrap());
        assert_eq!(tampered.open(&key, "ctx"), Err(SealError::CannotOpen));
        assert_eq!(SealedSecret::from_stored("v1:".into()).open(&key, "ctx"), Err(SealError::CannotOpen));
    }
}
