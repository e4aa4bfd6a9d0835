//! Device cookies (OWASP, "Slow Brute Force Protection Using Device Cookies"). A
//! browser that signed in to an account keeps a note saying so: the account, a
//! random device id and when it was issued, signed with a key derived from the
//! master key. The throttles count the failures of such a browser apart from
//! everyone else's ([`crate::throttle`]), so strangers guessing a customer's password
//! cannot stop the customer's own browser. The note signs nobody in: stolen, it buys
//! a thief no more than the owner's own few tries.
//!
//! One cookie holds the notes of the last few accounts signed in from the browser,
//! so people who share a computer keep theirs.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::clock::{self, UnixTime};
use crate::secrets::{MasterKey, keyed_digest, keyed_digest_matches};

/// How long a note is valid; signing in again renews it.
pub const DEVICE_COOKIE_SECS: i64 = 365 * 24 * 60 * 60;
/// Notes kept in one cookie: the most recent accounts.
const MAX_NOTES: usize = 5;
/// A longer cookie is not one we wrote.
const MAX_COOKIE_CHARS: usize = 1_024;
const DEVICE_ID_BYTES: usize = 16;
/// What the signature is bound to, so no other signed value can pass for a note.
const CONTEXT: &str = "device-cookie";

/// 128 random bits naming one browser of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceId(String);

impl DeviceId {
    fn generate() -> Self {
        let mut bytes = [0u8; DEVICE_ID_BYTES];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    fn parse(text: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(text).ok()?;
        (decoded.len() == DEVICE_ID_BYTES).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who is trying, for the throttles of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Client {
    /// A browser with a valid note for the account.
    Trusted(DeviceId),
    /// Anyone else: no cookie, a forged or expired one, or one for another account.
    Untrusted,
}

/// Signs and checks device cookies; cheap to clone.
#[derive(Clone)]
pub struct Devices {
    key: MasterKey,
}

/// One account's note: `account.device.issued_at.signature`.
struct Note {
    account_id: i32,
    device: DeviceId,
    issued_at: UnixTime,
}

impl Devices {
    pub fn new(key: MasterKey) -> Self {
        Self { key }
    }

    /// What the browser presenting `cookie` is to `account_id`.
    pub fn recognise(&self, cookie: Option<&str>, account_id: i32) -> Client {
        self.valid_notes(cookie, clock::now())
            .find(|note| note.account_id == account_id)
            .map_or(Client::Untrusted, |note| Client::Trusted(note.device))
    }

    /// The cookie to give a browser that presented `cookie` and has just signed in
    /// to `account_id`: that account's note first, renewed with the same device id
    /// (or a new one), then the other accounts' valid notes.
    pub fn remember(&self, cookie: Option<&str>, account_id: i32) -> String {
        let now = clock::now();
        let others: Vec<Note> = self.valid_notes(cookie, now).collect();
        let device = others.iter().find(|note| note.account_id == account_id).map(|note| note.device.clone());
        let this = Note { account_id, device: device.unwrap_or_else(DeviceId::generate), issued_at: now };
        std::iter::once(this)
            .chain(others.into_iter().filter(|note| note.account_id != account_id))
            .take(MAX_NOTES)
            .map(|note| self.sign(&note))
            .collect::<Vec<_>>()
            .join("~")
    }

    fn valid_notes(&self, cookie: Option<&str>, now: UnixTime) -> impl Iterator<Item = Note> {
        let cookie = cookie.filter(|cookie| cookie.len() <= MAX_COOKIE_CHARS).unwrap_or_default();
        cookie.split('~').take(MAX_NOTES).filter_map(move |text| self.verify(text, now)).collect::<Vec<_>>().into_iter()
    }

    fn sign(&self, note: &Note) -> String {
        let signed = format!("{}.{}.{}", note.account_id, note.device.as_str(), note.issued_at);
        let signature = keyed_digest(&self.key, CONTEXT, &signed);
        format!("{signed}.{signature}")
    }

    fn verify(&self, text: &str, now: UnixTime) -> Option<Note> {
        let (signed, signature) = text.rsplit_once('.')?;
        let mut fields = signed.split('.');
        let note = Note {
            account_id: fields.next()?.parse().ok()?,
            device: DeviceId::parse(fields.next()?)?,
            issued_at: fields.next()?.parse().ok()?,
        };
        let fresh = note.issued_at <= now + 60 && now - note.issued_at < DEVICE_COOKIE_SECS;
        let genuine = fields.next().is_none() && keyed_digest_matches(&self.key, CONTEXT, signed, signature);
        (fresh && genuine).then_some(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_devices() -> Devices {
        Devices::new(MasterKey::generate())
    }

    #[test]
    fn a_browser_is_trusted_by_the_account_it_signed_in_to_only() {
        let devices = new_devices();
        let cookie = devices.remember(None, 7);
        assert!(matches!(devices.recognise(Some(&cookie), 7), Client::Trusted(_)));
        assert_eq!(devices.recognise(Some(&cookie), 8), Client::Untrusted);
        assert_eq!(devices.recognise(None, 7), Client::Untrusted);
    }

    #[test]
    fn signing_in_again_keeps_the_device_id_and_the_other_accounts() {
        let devices = new_devices();
        let first = devices.remember(None, 7);
        let both = devices.remember(Some(&first), 8);
        let again = devices.remember(Some(&both), 7);
        assert_eq!(devices.recognise(Some(&first), 7), devices.recognise(Some(&again), 7), "the same device id");
        assert!(matches!(devices.recognise(Some(&again), 8), Client::Trusted(_)));
        assert!(again.starts_with("7."), "the account just signed in comes first: {again}");

        let mut crowded = again;
        for account in 100..110 {
            crowded = devices.remember(Some(&crowded), account);
        }
        assert_eq!(crowded.split('~').count(), MAX_NOTES, "the oldest notes make room");
        assert!(crowded.len() <= MAX_COOKIE_CHARS);
    }

    #[test]
    fn forged_altered_foreign_and_expired_notes_are_untrusted() {
        let devices = new_devices();
        let cookie = devices.remember(None, 7);
        let (signed, signature) = cookie.rsplit_once('.').unwrap();
        let device = signed.split('.').nth(1).unwrap();
        let now = clock::now();
        let forged = [
            format!("8{}", &cookie[1..]),
            format!("7.{device}.{now}.{}", "0".repeat(64)),
            format!("{signed}.{}{}", if signature.starts_with('0') { '1' } else { '0' }, &signature[1..]),
            format!("{signed}.x.{signature}"),
            new_devices().remember(None, 7),
            devices.sign(&Note { account_id: 7, device: DeviceId::generate(), issued_at: now - DEVICE_COOKIE_SECS }),
            format!("{}~{cookie}", "x".repeat(MAX_COOKIE_CHARS)),
            String::new(),
            "~~~.~.".into(),
        ];
        for cookie in forged {
            for account in [7, 8] {
                assert_eq!(devices.recognise(Some(&cookie), account), Client::Untrusted, "{account}: {cookie}");
            }
        }
    }
}
