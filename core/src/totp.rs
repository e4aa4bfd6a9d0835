//! Time-based one-time passwords (RFC 6238) as Google Authenticator and Authy use
//! them: HMAC-SHA-1, six digits, 30-second steps, 160-bit secrets.

use std::fmt;

use totp_rs::{Algorithm, Secret, Totp};
use zeroize::Zeroizing;

use crate::clock::UnixTime;

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
const SECRET_BYTES: usize = 20;
/// Codes from one step before or after now are accepted: phone clocks drift.
const SKEW_STEPS: u16 = 1;

/// The number of a 30-second window since the Unix epoch. Each is accepted once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeStep(pub i64);

/// A shared TOTP secret: 160 random bits, wiped from memory when dropped.
#[derive(Clone)]
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    /// A new secret from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_BYTES]);
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        Self(bytes)
    }

    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    /// A secret from its setup key (base32; spaces and case do not matter).
    pub fn from_base32(key: &str) -> Option<Self> {
        let compact: String = key.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let secret = Secret::try_from_base32(compact).ok()?;
        Some(Self(Zeroizing::new(secret.as_bytes().to_vec())))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The setup key a customer can type instead of scanning: base32, no padding.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(Secret::new(self.0.to_vec().into_boxed_slice()).to_base32())
    }

    /// The `otpauth://` URI the QR code carries.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Zeroizing<String> {
        let totp = self.totp(Some((issuer, account)));
        Zeroizing::new(totp.to_url().expect("issuer and account without ':' make a valid URI"))
    }

    /// The time step `code` belongs to, if it is right for `now` or one step either
    /// side. Spaces and dashes a customer may type or paste are ignored.
    pub fn verify(&self, code: &str, now: UnixTime) -> Option<TimeStep> {
        let code = normalize_code(code)?;
        let now = u64::try_from(now).ok()?;
        self.totp(None).check(&code, now).and_then(|step| i64::try_from(step).ok()).map(TimeStep)
    }

    /// The code for `now`; for tests and tooling, never for the server's answers.
    pub fn code_at(&self, now: UnixTime) -> String {
        self.totp(None).generate(u64::try_from(now).unwrap_or(0)).to_string()
    }

    fn totp(&self, label: Option<(&str, &str)>) -> Totp {
        let builder = totp_rs::Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS as u8)
            .with_skew(SKEW_STEPS)
            .with_step_duration(STEP_SECONDS)
            .with_secret(Secret::new(self.0.to_vec().into_boxed_slice()));
        let builder = match label {
            // Account names with ':' would break the otpauth label; emails have none.
            Some((issuer, account)) => {
                builder.with_issuer(Some(issuer.replace(':', ""))).with_account_name(account.replace(':', ""))
            }
            None => builder,
        };
        builder.build_noncompliant()
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// Six ASCII digits out of what a customer typed ("123 456", "123-456"), or `None`.
pub fn normalize_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SHA-1 secret of RFC 6238 Appendix B.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(Zeroizing::new(b"12345678901234567890".to_vec()))
    }

    /// RFC 6238 Appendix B, SHA-1: time, and the last six digits of the 8-digit code
    /// (a 6-digit TOTP is the same number modulo 10^6).
    const VECTORS: [(i64, &str); 6] = [
        (59, "287082"),
        (1_111_111_109, "081804"),
        (1_111_111_111, "050471"),
        (1_234_567_890, "005924"),
        (2_000_000_000, "279037"),
        (20_000_000_000, "353130"),
    ];

    #[test]
    fn rfc_6238_appendix_b_vectors_verify_at_their_step() {
        for (time, code) in VECTORS {
            assert_eq!(rfc_secret().code_at(time), code, "code at {time}");
            assert_eq!(rfc_secret().verify(code, time), Some(TimeStep(time / 30)), "verify at {time}");
        }
    }

    #[test]
    fn one_step_of_skew_is_accepted_two_are_not() {
        let secret = rfc_secret();
        let (time, code) = VECTORS[3];
        assert_eq!(secret.verify(code, time + 30), Some(TimeStep(time / 30)));
        assert_eq!(secret.verify(code, time - 30), Some(TimeStep(time / 30)));
        assert_eq!(secret.verify(code, time + 60), None);
        assert_eq!(secret.verify(code, time - 60), None);
    }

    #[test]
    fn typed_and_pasted_forms_of_a_code_are_accepted() {
        let secret = rfc_secret();
        assert!(secret.verify("005 924", 1_234_567_890).is_some());
        assert!(secret.verify(" 005-924 ", 1_234_567_890).is_some());
        for bad in ["", "12345", "1234567", "abcdef", "００５９２４"] {
            assert_eq!(secret.verify(bad, 1_234_567_890), None, "{bad:?}");
        }
    }

    #[test]
    fn setup_keys_read_back_as_the_secret() {
        let secret = TotpSecret::generate();
        let spaced = secret
            .to_base32()
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(TotpSecret::from_base32(&spaced.to_lowercase()).unwrap().as_bytes(), secret.as_bytes());
        assert!(TotpSecret::from_base32("not base32!").is_none());
    }

    #[test]
    fn new_secrets_are_160_random_bits() {
        let first = TotpSecret::generate();
        assert_eq!(first.as_bytes().len(), 20);
        assert_ne!(first.as_bytes(), TotpSecret::generate().as_bytes());
        assert_eq!(first.to_base32().len(), 32);
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let uri = rfc_secret().otpauth_uri("Customer Portal", "ana@example.com");
        assert!(uri.starts_with("otpauth://totp/Customer%20Portal:ana%40example.com?"), "{}", uri.as_str());
        // Six digits, 30 s and SHA-1 are what every app assumes, so the URI leaves them out.
        for part in ["secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "issuer=Customer%20Portal"] {
            assert!(uri.contains(part), "{part} missing from {}", uri.as_str());
        }
    }
}
