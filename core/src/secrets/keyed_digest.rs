//! Keyed digests: how the core stores a short secret it only ever needs to compare,
//! such as a six-digit SMS code, and how it signs what it hands out and must
//! recognise later, such as a device cookie. A plain hash of a million possible
//! codes is undone in a blink by whoever reads the database; an HMAC under a key the
//! database never holds is not.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use super::MasterKey;

type HmacSha256 = Hmac<Sha256>;

/// What the digest key is derived for, so the master key itself is only ever used
/// by the cipher that seals secrets.
const PURPOSE: &[u8] = b"customer-portal/keyed-digest/v1";

/// Lower-case hex HMAC-SHA256 of `value` for `context` (say, `sms:user:42:sign_in`):
/// the same value in another context gives another digest.
pub fn keyed_digest(key: &MasterKey, context: &str, value: &str) -> String {
    let tag = mac(key, context, value).finalize().into_bytes();
    tag.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether `digest` is [`keyed_digest`] of `value` for `context`, compared in
/// constant time: a forger learns nothing from how long a refusal takes.
pub fn keyed_digest_matches(key: &MasterKey, context: &str, value: &str, digest: &str) -> bool {
    let Some(tag) = from_hex(digest) else {
        return false;
    };
    mac(key, context, value).verify_slice(&tag).is_ok()
}

fn mac(key: &MasterKey, context: &str, value: &str) -> HmacSha256 {
    let mut derive = HmacSha256::new_from_slice(key.bytes()).expect("HMAC takes a key of any length");
    derive.update(PURPOSE);
    let digest_key = derive.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&digest_key).expect("HMAC takes a key of any length");
    for part in [context.as_bytes(), b"\0", value.as_bytes()] {
        mac.update(part);
    }
    mac
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_key_context_and_value() {
        let key = MasterKey::generate();
        let digest = keyed_digest(&key, "sms:user:1:sign_in", "123456");
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, keyed_digest(&key, "sms:user:1:sign_in", "123456"));
        assert_ne!(digest, keyed_digest(&key, "sms:user:2:sign_in", "123456"));
        assert_ne!(digest, keyed_digest(&key, "sms:user:1:sign_in", "123457"));
        assert_ne!(digest, keyed_digest(&MasterKey::generate(), "sms:user:1:sign_in", "123456"));
    }

    #[test]
    fn only_the_right_digest_matches() {
        let key = MasterKey::generate();
        let digest = keyed_digest(&key, "device", "1.abc");
        assert!(keyed_digest_matches(&key, "device", "1.abc", &digest));
        assert!(!keyed_digest_matches(&key, "device", "2.abc", &digest));
        assert!(!keyed_digest_matches(&MasterKey::generate(), "device", "1.abc", &digest));
        for forged in ["", "zz", &digest[..62], &format!("{digest}00"), "é1"] {
            assert!(!keyed_digest_matches(&key, "device", "1.abc", forged), "{forged:?}");
        }
    }
}
