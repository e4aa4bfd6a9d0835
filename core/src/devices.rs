//! Device cookies (OWASP, "Slow Brute Force Protection Using Device Cookies"). A
//! browser that signed in to an account keeps a note saying so: the account, a
//! random device id and when it was issued, signed with a key derived from the
//! master key over those and the account's security stamp. The throttles count the
//! failures of such a browser apart from everyone else's ([`crate::throttle`]), so
//! strangers guessing a customer's password cannot stop the customer's own browser.
//! The note signs nobody in: stolen, it buys a thief no more than the owner's own
//! few tries. A change to the account's security renews its stamp, and every note
//! issued before is worthless: notes minted while 2FA was off do not become code
//! guesses once it is on.
//!
//! One cookie holds the notes of the last few accounts signed in from the browser,
//! so people who share a computer keep theirs.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::clock::{Clock, UnixTime};
use crate::secrets::{MasterKey, keyed_digest, keyed_digest_matches};
use crate::vocabulary::Account;

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

    pub(crate) fn parse(text: &str) -> Option<Self> {
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
    Trusted { account_id: i32, device: DeviceId },
    /// Anyone else: no cookie, a forged, altered or expired one, one for another
    /// account, or one from before the account's last security change.
    Untrusted,
}

/// Signs and checks device cookies; cheap to clone.
#[derive(Clone)]
pub struct Devices {
    key: MasterKey,
    clock: Clock,
}

/// One account's note: `account.device.issued_at.signature`.
struct Note {
    account_id: i32,
    device: DeviceId,
    issued_at: UnixTime,
    /// Lower-case hex HMAC-SHA256; checked only against the account it names.
    signature: String,
}

impl Note {
    /// A note's shape, unchecked: the fields parse and the signature is hex.
    fn parse(text: &str) -> Option<Self> {
        let mut fields = text.split('.');
        let note = Self {
            account_id: fields.next()?.parse().ok()?,
            device: DeviceId::parse(fields.next()?)?,
            issued_at: fields.next()?.parse().ok()?,
            signature: fields.next()?.to_owned(),
        };
        let is_hex =
            note.signature.len() == 64 && note.signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        (fields.next().is_none() && is_hex).then_some(note)
    }

    /// What the signature covers: the fields, and the stamp of the account it names.
    fn signed(&self, security_stamp: &str) -> String {
        format!("{}.{}.{}.{security_stamp}", self.account_id, self.device.as_str(), self.issued_at)
    }

    fn is_fresh(&self, now: UnixTime) -> bool {
        self.issued_at <= now.saturating_add(60) && now.saturating_sub(self.issued_at) < DEVICE_COOKIE_SECS
    }

    fn to_cookie_text(&self) -> String {
        format!("{}.{}.{}.{}", self.account_id, self.device.as_str(), self.issued_at, self.signature)
    }
}

impl Devices {
    pub fn new(key: MasterKey, clock: Clock) -> Self {
        Self { key, clock }
    }

    /// What the browser presenting `cookies` (every value of the device cookie it
    /// sent) is to `account`.
    pub fn recognise(&self, cookies: &[String], account: &Account) -> Client {
        let now = self.clock.now();
        notes(cookies)
            .find(|note| note.account_id == account.id && self.is_genuine(note, account) && note.is_fresh(now))
            .map_or(Client::Untrusted, |note| Client::Trusted { account_id: note.account_id, device: note.device })
    }

    /// The cookie to give a browser that presented `cookies` and has just signed in
    /// to `account`: that account's note first, renewed with the same device id if
    /// it had a valid one (else a new id), then the other accounts' notes, unchecked
    /// (each is checked when its own account is tried).
    pub fn remember(&self, cookies: &[String], account: &Account) -> String {
        let now = self.clock.now();
        let device = match self.recognise(cookies, account) {
            Client::Trusted { device, .. } => device,
            Client::Untrusted => DeviceId::generate(),
        };
        let mut this = Note { account_id: account.id, device, issued_at: now, signature: String::new() };
        this.signature = keyed_digest(&self.key, CONTEXT, &this.signed(account.security_stamp.as_str()));
        let others = notes(cookies).filter(|note| note.account_id != account.id && note.is_fresh(now));
        std::iter::once(this)
            .chain(others)
            .take(MAX_NOTES)
            .map(|note| note.to_cookie_text())
            .collect::<Vec<_>>()
            .join("~")
    }

    fn is_genuine(&self, note: &Note, account: &Account) -> bool {
        keyed_digest_matches(&self.key, CONTEXT, &note.signed(account.security_stamp.as_str()), &note.signature)
    }
}

/// The well-formed notes of every cookie value, a bounded number from each.
fn notes(cookies: &[String]) -> impl Iterator<Item = Note> + '_ {
    cookies
        .iter()
        .filter(|cookie| cookie.len() <= MAX_COOKIE_CHARS)
        .flat_map(|cookie| cookie.split('~').take(MAX_NOTES))
        .filter_map(Note::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::NOW;
    use crate::vocabulary::SecurityStamp;

    fn new_devices() -> Devices {
        Devices::new(MasterKey::generate(), Clock::fixed(NOW))
    }

    fn account(id: i32, stamp: &str) -> Account {
        let security_stamp = SecurityStamp::from_stored(stamp.into());
        Account { id, name: "Ana".into(), email: format!("{id}@example.com"), security_stamp }
    }

    fn cookie(value: String) -> Vec<String> {
        vec![value]
    }

    #[test]
    fn a_browser_is_trusted_by_the_account_it_signed_in_to_only() {
        let devices = new_devices();
        let ana = account(7, "s1");
        let cookies = cookie(devices.remember(&[], &ana));
        assert!(matches!(devices.recognise(&cookies, &ana), Client::Trusted { .. }));
        assert_eq!(devices.recognise(&cookies, &account(8, "s1")), Client::Untrusted);
        assert_eq!(devices.recognise(&[], &ana), Client::Untrusted);
    }

    #[test]
    fn a_security_change_voids_every_note_issued_before_it() {
        let devices = new_devices();
        let before = cookie(devices.remember(&[], &account(7, "before")));
        assert_eq!(devices.recognise(&before, &account(7, "after")), Client::Untrusted);
        let renewed = cookie(devices.remember(&before, &account(7, "after")));
        assert!(matches!(devices.recognise(&renewed, &account(7, "after")), Client::Trusted { .. }));
    }

    #[test]
    fn signing_in_again_keeps_the_device_id_and_the_other_accounts() {
        let devices = new_devices();
        let (ana, bo) = (account(7, "a"), account(8, "b"));
        let first = cookie(devices.remember(&[], &ana));
        let both = cookie(devices.remember(&first, &bo));
        let again = cookie(devices.remember(&both, &ana));
        assert_eq!(devices.recognise(&first, &ana), devices.recognise(&again, &ana), "the same device id");
        assert!(matches!(devices.recognise(&again, &bo), Client::Trusted { .. }));
        assert!(again[0].starts_with("7."), "the account just signed in comes first: {again:?}");

        let mut crowded = again;
        for id in 100..110 {
            crowded = cookie(devices.remember(&crowded, &account(id, "c")));
        }
        assert_eq!(crowded[0].split('~').count(), MAX_NOTES, "the oldest notes make room");
        assert!(crowded[0].len() <= MAX_COOKIE_CHARS);
    }

    #[test]
    fn a_planted_cookie_beside_the_real_one_changes_nothing() {
        let devices = new_devices();
        let ana = account(7, "a");
        let genuine = devices.remember(&[], &ana);
        let planted = vec!["x".repeat(MAX_COOKIE_CHARS + 1), "7.garbage".into(), genuine];
        assert!(matches!(devices.recognise(&planted, &ana), Client::Trusted { .. }));
    }

    #[test]
    fn forged_altered_foreign_expired_and_extreme_notes_are_untrusted() {
        let devices = new_devices();
        let ana = account(7, "a");
        let genuine = devices.remember(&[], &ana);
        let (signed, signature) = genuine.rsplit_once('.').unwrap();
        let device = signed.split('.').nth(1).unwrap();
        let now = NOW;
        let mut expired = Note {
            account_id: 7,
            device: DeviceId::generate(),
            issued_at: now - DEVICE_COOKIE_SECS,
            signature: String::new(),
        };
        expired.signature = keyed_digest(&devices.key, CONTEXT, &expired.signed("a"));
        let forged = [
            format!("8{}", &genuine[1..]),
            format!("7.{device}.{now}.{}", "0".repeat(64)),
            format!("{signed}.{}{}", if signature.starts_with('0') { '1' } else { '0' }, &signature[1..]),
            format!("{signed}.{}", signature.to_uppercase()),
            format!("{signed}.x.{signature}"),
            new_devices().remember(&[], &ana),
            expired.to_cookie_text(),
            format!("7.{device}.{}.{signature}", i64::MIN),
            format!("7.{device}.{}.{signature}", i64::MAX),
            format!("-2147483648.{device}.0.{signature}"),
            String::new(),
            "~~~.~.".into(),
        ];
        for cookie in forged {
            for account in [account(7, "a"), account(8, "a")] {
                assert_eq!(
                    devices.recognise(std::slice::from_ref(&cookie), &account),
                    Client::Untrusted,
                    "{account:?}: {cookie}"
                );
            }
        }
    }
}
