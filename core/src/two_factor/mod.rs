//! Two-factor authentication: which factor an account has on, setting one up (or
//! switching to it from another), turning it off, and checking it where it is
//! asked. One file a method, as vaultwarden lays it out:
//!
//! - [`authenticator_app`]: the app's setup, its codes, and [`totp_replay`], the
//!   check that accepts each code once;
//! - [`sms_codes`] and [`sms_setup`]: codes by text message, their limits, and
//!   setting a number up;
//! - [`passkey_factor`]: passkeys as the factor, or beside it;
//! - [`recovery`]: recovery codes in place of the factor, and a new set;
//! - [`activation`]: what turning a factor on or off does to the account;
//! - [`answer`] and [`sign_in`]: what a customer gives where the factor is
//!   asked, and the code step of sign-in;
//! - [`waiting_reset`]: a reset that waited and came due.
//!
//! Codes are single-use, every check is throttled ([`crate::throttle`]), and every
//! change ends the account's other sessions, in one [`crate::store::SecurityChange`].

mod activation;
mod answer;
mod authenticator_app;
mod passkey_factor;
mod recent;
mod recovery;
#[cfg(test)]
mod scenarios;
mod second_factor;
mod sign_in;
mod sms_codes;
mod sms_setup;
mod totp_replay;
mod waiting_reset;

pub use activation::Activated;
pub use answer::Answer;
pub use authenticator_app::TotpSetup;
pub use passkey_factor::{PasskeyAdded, PasskeyPlace};
pub use recent::{RECENT_SECS, RecentAdditions};
pub use second_factor::SecondFactor;
pub use sign_in::Challenge;
pub use sms_codes::{NEW_NUMBER_SECS, SmsLimits, SmsStatus};

use authenticator_app::AuthenticatorApp;
use sms_codes::SmsCodes;

use crate::CoreError;
use crate::devices::Devices;
use crate::passkeys::Passkeys;
use crate::recovery_codes::RecoveryCodes;
use crate::secrets::MasterKey;
use crate::sign_ins::SignIns;
use crate::store::Store;
use crate::throttle::Throttle;
use crate::vocabulary::Method;

/// The second factor of accounts: its parts, each in the file of its method.
#[derive(Clone)]
pub struct TwoFactor {
    store: Store,
    app: AuthenticatorApp,
    sms: SmsCodes,
    recovery_codes: RecoveryCodes,
    /// The account's passkeys: a factor of their own, or beside the app or SMS.
    passkeys: Passkeys,
    /// Wrong codes, at sign-in and in setups.
    codes: Throttle,
    /// Tells the browsers an account knows from others, for the code throttle.
    devices: Devices,
    /// Where a right sign-in code starts the session, in the same change.
    sign_ins: SignIns,
}

/// What the second factor is checked with: the code throttle, the browsers the
/// account knows, the sign-ins a right answer completes, and the passkeys.
#[derive(Clone)]
pub struct Checks {
    pub codes: Throttle,
    pub devices: Devices,
    pub sign_ins: SignIns,
    pub passkeys: Passkeys,
}

impl TwoFactor {
    /// Secrets and codes are sealed and digested under `key`; texts cost no more
    /// than `sms_limits` allow.
    pub fn new(store: Store, key: MasterKey, checks: Checks, sms_limits: SmsLimits) -> Self {
        let Checks { codes, devices, sign_ins, passkeys } = checks;
        Self {
            app: AuthenticatorApp::new(store.clone(), key.clone()),
            sms: SmsCodes::new(store.clone(), key.clone(), sms_limits),
            recovery_codes: RecoveryCodes::new(key),
            store,
            passkeys,
            codes,
            devices,
            sign_ins,
        }
    }

    /// The second factor the account has on, or `None` when 2FA is off. A stored
    /// factor this server cannot read is an error, never "off".
    pub async fn second_factor(&self, account_id: i32) -> Result<Option<SecondFactor>, CoreError> {
        SecondFactor::load(self.store.db(), account_id).await
    }

    /// The method the account signs in with, or `None` when 2FA is off.
    pub async fn method(&self, account_id: i32) -> Result<Option<Method>, CoreError> {
        Ok(self.second_factor(account_id).await?.map(|factor| factor.method()))
    }

    /// Deletes what no longer counts for anything: authenticator setups past their
    /// ten minutes, and SMS codes and the hourly counts of numbers whose hour is
    /// over. Returns how many rows went.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        Ok(self.app.purge_expired().await? + self.sms.purge_stale().await?)
    }
}
