//! Keyed digests: how the core stores a short secret it only ever needs to compare,
//! such as a six-digit SMS code. A plain hash of a million possible codes is undone
//! in a blink by whoever reads the database; an HMAC under a key the database never
//! holds is not.

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
    let digest_key = mac(key.bytes(), &[PURPOSE]);
    let tag = mac(&digest_key, &[context.as_bytes(), b"\0", value.as_bytes()]);
    tag.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
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
}
