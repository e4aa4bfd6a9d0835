//! Two-factor authentication: which factor an account has on, setting one up (or
//! switching to it from the other), turning it off, and checking the code at
//! sign-in. Codes are single-use, every check is throttled ([`crate::throttle`]), and
//! every change ends the account's other sessions in its own transaction.

mod answer;
mod passkeys;
mod recovery;
mod second_factor;
mod sign_in;
mod sms_codes;
mod sms_setup;
mod totp_setup;

pub use answer::{Answer, Asked};
pub use passkeys::{PasskeyAdded, PasskeyPlace};
pub use second_factor::SecondFactor;
pub use sign_in::Challenge;
pub use sms_codes::SmsStatus;
pub use totp_setup::TotpSetup;

pub use crate::vocabulary::Method;

use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, EntityTrait as _,
    QueryFilter as _, TransactionTrait as _,
};

use crate::CoreError;
use crate::accounts::{Account, lock_for_change};
use crate::clock;
use crate::db::entities::{sms_code, totp_enrollment, two_factor};
use crate::devices::Devices;
use crate::outbox::{Outbox, notices};
use crate::passkeys::Passkeys;
use crate::recovery_codes::{RecoveryCode, RecoveryCodes};
use crate::requester::Requester;
use crate::secrets::{MasterKey, SealedSecret};
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::{Sessions, SignedIn};
use crate::throttle::{Attempt, Bucket, Throttle};
use crate::totp::TotpSecret;

#[derive(Clone)]
pub struct TwoFactor {
    db: DatabaseConnection,
    key: MasterKey,
    /// The issuer authenticator apps show beside the account, e.g. "Customer Portal".
    issuer: String,
    outbox: Outbox,
    /// Wrong codes, at sign-in and in setups.
    codes: Throttle,
    devices: Devices,
    /// Where a right sign-in code starts the session, in the same transaction.
    sessions: Sessions,
    recovery_codes: RecoveryCodes,
    /// The account's passkeys: a factor of their own, or beside the app or SMS.
    passkeys: Passkeys,
    support: String,
}

/// Where the second factor is checked: the code throttle, the browsers the
/// account knows, the sessions a right answer starts, and the passkeys.
#[derive(Clone)]
pub struct Checks {
    pub codes: Throttle,
    pub devices: Devices,
    pub sessions: Sessions,
    pub passkeys: Passkeys,
}

/// A second factor just turned on: the account under its renewed security stamp,
/// and its new recovery codes, to be shown once.
#[derive(Debug)]
pub struct Activated {
    pub account: Account,
    pub recovery_codes: Vec<RecoveryCode>,
}

impl TwoFactor {
    /// Works on the database the outbox stores its messages in.
    pub fn new(key: MasterKey, issuer: String, outbox: Outbox, checks: Checks, support: String) -> Self {
        let Checks { codes, devices, sessions, passkeys } = checks;
        let recovery_codes = RecoveryCodes::new(key.clone());
        let db = outbox.db().clone();
        Self { db, key, issuer, outbox, codes, devices, sessions, recovery_codes, passkeys, support }
    }

    /// The second factor the account has on, or `None` when 2FA is off. A stored
    /// factor this server cannot read is an error, never "off".
    pub async fn second_factor(&self, account_id: i32) -> Result<Option<SecondFactor>, CoreError> {
        SecondFactor::load(&self.db, account_id).await
    }

    /// The method the account signs in with, or `None` when 2FA is off.
    pub async fn method(&self, account_id: i32) -> Result<Option<Method>, CoreError> {
        Ok(self.second_factor(account_id).await?.map(|factor| factor.method()))
    }

    /// Turns 2FA off (its recovery codes and passkeys with it), ends the account's other
    /// sessions, records the event and tells the customer by email, in one
    /// transaction. Returns the account under its renewed security stamp. The
    /// caller checks that the password was re-confirmed.
    pub async fn disable(&self, signed_in: &SignedIn, requester: &Requester) -> Result<Account, CoreError> {
        let account = &signed_in.account;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        let factor = SecondFactor::load(&transaction, account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        two_factor::Entity::delete_by_id(account.id).exec(&transaction).await?;
        Self::forget_sms_code(&transaction, account.id).await?;
        RecoveryCodes::discard(&transaction, account.id).await?;
        Passkeys::discard(&transaction, account.id).await?;
        let off = SecurityEvent::TwoFactorOff(factor.method());
        SecurityEvents::record(&transaction, account.id, off, &Actor::Client, requester).await?;
        let (renewed, ended) = Sessions::renew_after_change(&transaction, signed_in).await?;
        let notice = notices::two_factor_disabled(account, factor.method(), clock::now(), &self.support);
        Outbox::enqueue(&transaction, notice).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, other_sessions_ended = ended, "two-factor authentication turned off");
        Ok(renewed)
    }

    /// Support's reset, in `transaction`: turns 2FA off whatever its stored state
    /// (even one that cannot be read: that is when support is called), removes
    /// the passkeys and spends the recovery codes. Returns how many codes there were; the caller records
    /// the event, ends the sessions and emails the customer.
    pub async fn reset(transaction: &DatabaseTransaction, account_id: i32) -> Result<u64, CoreError> {
        let removed = two_factor::Entity::delete_by_id(account_id).exec(transaction).await?;
        if removed.rows_affected == 0 {
            return Err(CoreError::TwoFactorOff);
        }
        totp_enrollment::Entity::delete_by_id(account_id).exec(transaction).await?;
        Self::forget_sms_code(transaction, account_id).await?;
        Passkeys::discard(transaction, account_id).await?;
        RecoveryCodes::discard(transaction, account_id).await
    }

    /// Deletes what no longer counts for anything: authenticator setups past their
    /// ten minutes, and SMS codes that expired in an hour that is over (so neither
    /// the cooldown nor the hourly cap needs them), and the hourly counts of numbers
    /// once their hour is over. Returns how many rows went.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        let now = clock::now();
        let enrollments = totp_enrollment::Entity::delete_many()
            .filter(totp_enrollment::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        let codes = sms_code::Entity::delete_many()
            .filter(sms_code::Column::ExpiresAt.lte(now))
            .filter(sms_code::Column::WindowStartedAt.lte(now - sms_codes::HOUR))
            .exec(&self.db)
            .await?;
        let numbers = sms_codes::purge_number_windows(&self.db, now).await?;
        Ok(enrollments.rows_affected + codes.rows_affected + numbers)
    }

    /// Reserves a check of the second factor (or a recovery code) for `account` in
    /// `transaction`, counted for `requester`'s browser or, if the account does not
    /// know it, with all such browsers asking where it is `asked`. The count's row
    /// stays locked until the transaction ends, so racing checks in the same bucket
    /// wait for this verdict.
    async fn reserve_answer(
        &self,
        transaction: &DatabaseTransaction,
        account: &Account,
        asked: Asked,
        requester: &Requester,
    ) -> Result<Attempt, CoreError> {
        let client = self.devices.recognise(&requester.device_cookies, account);
        let bucket = match asked {
            Asked::SignIn => Bucket::account(client, account.id),
            Asked::PasswordReset => Bucket::password_reset(client, account.id),
        };
        self.codes.reserve_on(transaction, &bucket, Some(account), requester).await
    }

    /// Reserves a setup code check for `account`: counted for the account, in
    /// whatever browser.
    async fn reserve_setup_code(&self, account: &Account, requester: &Requester) -> Result<Attempt, CoreError> {
        self.codes.reserve(&Bucket::UntrustedAccount(account.id), Some(account), requester).await
    }

    /// In `transaction`: makes `factor` the account's second factor, replacing the
    /// one it had (a switch), gives it a new set of recovery codes, ends the
    /// account's other sessions, records the event and stores the email that says
    /// which method it now is. A stored factor that cannot be read is not
    /// replaced: support looks at it first.
    async fn turn_on(
        &self,
        transaction: &DatabaseTransaction,
        signed_in: &SignedIn,
        factor: SecondFactor,
        now: clock::UnixTime,
        requester: &Requester,
    ) -> Result<Activated, CoreError> {
        let account = &signed_in.account;
        let previous = SecondFactor::load(transaction, account.id).await?.map(|previous| previous.method());
        two_factor::Entity::delete_by_id(account.id).exec(transaction).await?;
        let method = factor.method();
        factor.into_row(account.id, now).insert(transaction).await?;
        Self::forget_sms_code(transaction, account.id).await?;
        let recovery_codes = self.recovery_codes.replace(transaction, account.id).await?;
        let event = match previous {
            Some(_) => SecurityEvent::TwoFactorSwitched(method),
            None => SecurityEvent::TwoFactorOn(method),
        };
        SecurityEvents::record(transaction, account.id, event, &Actor::Client, requester).await?;
        let (renewed, ended) = Sessions::renew_after_change(transaction, signed_in).await?;
        let passkeys_kept = method != Method::Passkey && Passkeys::usable(transaction, account.id).await? > 0;
        let notice = notices::two_factor_enabled(account, method, previous, passkeys_kept, now, &self.support);
        Outbox::enqueue(transaction, notice).await?;
        tracing::info!(
            account = account.id,
            method = method.stored(),
            ?previous,
            other_sessions_ended = ended,
            "two-factor method turned on"
        );
        Ok(Activated { account: renewed, recovery_codes })
    }

    fn open_secret(&self, account_id: i32, sealed: &SealedSecret) -> Result<TotpSecret, CoreError> {
        let bytes = sealed.open(&self.key, &secret_context(account_id)).map_err(|error| {
            tracing::error!(account = account_id, %error, "a stored authenticator secret does not open");
            CoreError::TwoFactorUnreadable { account_id }
        })?;
        Ok(TotpSecret::from_bytes(bytes))
    }
}

/// What a sealed TOTP secret is bound to: its account.
pub(crate) fn secret_context(account_id: i32) -> String {
    format!("totp:user:{account_id}")
}
