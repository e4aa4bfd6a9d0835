//! Two-factor authentication: which method an account has on, setting one up (or
//! switching to it from the other), turning it off, and checking the code at
//! sign-in. Codes are single-use and failures are throttled per account
//! ([`throttle`]).

mod method;
mod sign_in;
mod sms_codes;
mod sms_setup;
pub mod throttle;
mod totp_setup;

pub use method::Method;
pub use sign_in::Challenge;
pub use sms_codes::SmsSent;
pub use throttle::CodeThrottle;
pub use totp_setup::TotpSetup;

use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, EntityTrait as _,
    QueryFilter as _, Set, TransactionTrait as _,
};

use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::db::entities::{sms_code, totp_enrollment, two_factor};
use crate::outbox::{Outbox, notices};
use crate::phone::PhoneNumber;
use crate::secrets::{MasterKey, SealedSecret};
use crate::totp::TotpSecret;

#[derive(Clone)]
pub struct TwoFactor {
    db: DatabaseConnection,
    key: MasterKey,
    /// The issuer authenticator apps show beside the account, e.g. "Customer Portal".
    issuer: String,
    outbox: Outbox,
    throttle: CodeThrottle,
    support: String,
}

impl TwoFactor {
    pub fn new(
        db: DatabaseConnection,
        key: MasterKey,
        issuer: String,
        outbox: Outbox,
        throttle: CodeThrottle,
        support: String,
    ) -> Self {
        Self { db, key, issuer, outbox, throttle, support }
    }

    /// The second factor the account has on, or `None` when 2FA is off.
    pub async fn enabled(&self, account_id: i32) -> Result<Option<Enabled>, CoreError> {
        let found = two_factor::Entity::find_by_id(account_id).one(&self.db).await?;
        Ok(found.and_then(|row| {
            let method = Method::from_stored(&row.method)?;
            let phone = row.phone.as_deref().and_then(PhoneNumber::from_stored);
            Some(Enabled { method, phone })
        }))
    }

    /// The method the account signs in with, or `None` when 2FA is off.
    pub async fn method(&self, account_id: i32) -> Result<Option<Method>, CoreError> {
        Ok(self.enabled(account_id).await?.map(|enabled| enabled.method))
    }

    /// Turns 2FA off and tells the customer by email, in one transaction. The caller
    /// checks that the password was re-confirmed.
    pub async fn disable(&self, account: &Account) -> Result<(), CoreError> {
        let transaction = self.db.begin().await?;
        let Some(row) = two_factor::Entity::find_by_id(account.id).one(&transaction).await? else {
            return Err(CoreError::TwoFactorOff);
        };
        two_factor::Entity::delete_by_id(account.id).exec(&transaction).await?;
        Self::forget_sms_code(&transaction, account.id).await?;
        let method = Method::from_stored(&row.method).unwrap_or(Method::AuthenticatorApp);
        Outbox::enqueue(&transaction, notices::two_factor_disabled(account, method, clock::now(), &self.support))
            .await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, "two-factor authentication turned off");
        Ok(())
    }

    /// Deletes what no longer counts for anything: authenticator setups past their
    /// ten minutes, and SMS codes that expired in an hour that is over (so neither
    /// the cooldown nor the hourly cap needs them). Returns how many rows went.
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
        Ok(enrollments.rows_affected + codes.rows_affected)
    }

    /// In `transaction`: makes `factor` the account's second factor, replacing the
    /// one it had (a switch), and stores the email that says which method it now is.
    async fn turn_on(
        &self,
        transaction: &DatabaseTransaction,
        account: &Account,
        factor: NewFactor,
        now: clock::UnixTime,
    ) -> Result<(), CoreError> {
        let previous = two_factor::Entity::find_by_id(account.id).one(transaction).await?;
        let previous = previous.and_then(|row| Method::from_stored(&row.method));
        two_factor::Entity::delete_by_id(account.id).exec(transaction).await?;
        let method = factor.method();
        factor.into_row(account.id, now).insert(transaction).await?;
        Self::forget_sms_code(transaction, account.id).await?;
        let notice = notices::two_factor_enabled(account, method, previous, now, &self.support);
        Outbox::enqueue(transaction, notice).await?;
        tracing::info!(account = account.id, method = method.stored(), ?previous, "two-factor method turned on");
        Ok(())
    }

    fn open_secret(&self, account_id: i32, sealed: Option<String>) -> Result<TotpSecret, CoreError> {
        let sealed = SealedSecret::from_stored(sealed.ok_or(CoreError::TwoFactorOff)?);
        let bytes = sealed.open(&self.key, &secret_context(account_id))?;
        Ok(TotpSecret::from_bytes(bytes))
    }
}

/// The second factor an account has on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enabled {
    pub method: Method,
    /// Where SMS codes go (SMS only).
    pub phone: Option<PhoneNumber>,
}

/// A second factor about to be turned on, with what it needs stored.
enum NewFactor {
    AuthenticatorApp {
        sealed_secret: String,
        /// The step of the code that proved the setup, so it cannot sign in as well.
        used_step: i64,
    },
    Sms {
        phone: PhoneNumber,
    },
}

impl NewFactor {
    fn method(&self) -> Method {
        match self {
            Self::AuthenticatorApp { .. } => Method::AuthenticatorApp,
            Self::Sms { .. } => Method::Sms,
        }
    }

    fn into_row(self, account_id: i32, now: clock::UnixTime) -> two_factor::ActiveModel {
        let method = Set(self.method().stored().to_owned());
        let (sealed_secret, last_used_step, phone) = match self {
            Self::AuthenticatorApp { sealed_secret, used_step } => (Some(sealed_secret), Some(used_step), None),
            Self::Sms { phone } => (None, None, Some(phone.e164().to_owned())),
        };
        two_factor::ActiveModel {
            user_id: Set(account_id),
            method,
            sealed_secret: Set(sealed_secret),
            last_used_step: Set(last_used_step),
            phone: Set(phone),
            enabled_at: Set(now),
        }
    }
}

/// What a sealed TOTP secret is bound to: its account.
fn secret_context(account_id: i32) -> String {
    format!("totp:user:{account_id}")
}
