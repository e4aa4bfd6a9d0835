//! SMS codes: six digits from the CSPRNG, valid five minutes, used once, stored only
//! as a keyed digest. An account has one live code, and a new one replaces the old.
//! A send waits [`RESEND_COOLDOWN_SECS`] after the last one and an account gets at
//! most [`SENDS_PER_HOUR`]: both are the condition of one upsert, so servers racing
//! to send agree without a lock. A number gets at most [`TEXTS_PER_NUMBER_PER_HOUR`]
//! texts whichever accounts ask.

use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set, TransactionTrait as _};

use super::TwoFactor;
use crate::CoreError;
use crate::accounts::Account;
use crate::clock::{self, UnixTime};
use crate::db::entities::sms_code::{self, Column, Entity};
use crate::outbox::Outbox;
use crate::phone::PhoneNumber;
use crate::secrets::keyed_digest;
use crate::totp::normalize_code;

pub const CODE_VALID_SECS: i64 = 5 * 60;
pub const RESEND_COOLDOWN_SECS: i64 = 30;
pub const SENDS_PER_HOUR: i32 = 5;
/// Texts one number may receive in an hour, whichever accounts ask: accounts are
/// free to open, so without it a script could run up the SMS bill by texting
/// premium-rate numbers from many of them ("SMS pumping").
pub const TEXTS_PER_NUMBER_PER_HOUR: u64 = 10;
pub(super) const HOUR: i64 = 60 * 60;

/// What a code is for: signing in, or proving a number being set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    SignIn,
    Setup,
}

impl Purpose {
    fn stored(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Setup => "setup",
        }
    }
}

/// A code is on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsSent {
    /// Where it went, masked: `+60 •••• ••88`.
    pub masked_phone: String,
    /// Seconds before another code may be sent.
    pub resend_in_secs: i64,
}

impl TwoFactor {
    /// Sends a new code for `purpose` to `phone`, replacing any earlier one, unless
    /// the cooldown or the hourly cap says to wait. The text message is stored in the
    /// same transaction, for the outbox worker to deliver.
    pub(super) async fn send_sms_code(
        &self,
        account: &Account,
        purpose: Purpose,
        phone: &PhoneNumber,
    ) -> Result<SmsSent, CoreError> {
        let now = clock::now();
        if Outbox::sms_sent_to_since(&self.db, phone, now - HOUR).await? >= TEXTS_PER_NUMBER_PER_HOUR {
            tracing::warn!(account = account.id, to = ?phone, "SMS refused: the number's hourly cap is reached");
            return Err(CoreError::SmsResendTooSoon { retry_after_secs: HOUR });
        }
        let code = random_code();
        let transaction = self.db.begin().await?;
        let stored = Entity::insert(sms_code::ActiveModel {
            user_id: Set(account.id),
            purpose: Set(purpose.stored().into()),
            phone: Set(phone.e164().into()),
            code_hash: Set(Some(self.code_digest(account.id, purpose, phone.e164(), &code))),
            expires_at: Set(now + CODE_VALID_SECS),
            sent_at: Set(now),
            window_started_at: Set(now),
            sends_in_window: Set(1),
        })
        .on_conflict(replace_if_allowed(now))
        .exec_without_returning(&transaction)
        .await?;
        if stored != 1 {
            transaction.rollback().await?;
            return Err(CoreError::SmsResendTooSoon { retry_after_secs: self.sms_wait(account.id, now).await? });
        }
        let text = format!(
            "{code} is your {} verification code. It expires in {} minutes. Never share it: we will not ask for it.",
            self.issuer,
            CODE_VALID_SECS / 60
        );
        Outbox::enqueue_sms(&transaction, &self.key, phone, &text, now + CODE_VALID_SECS).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, purpose = purpose.stored(), to = ?phone, "SMS code stored for sending");
        Ok(SmsSent { masked_phone: phone.masked(), resend_in_secs: RESEND_COOLDOWN_SECS })
    }

    /// Takes the live code for `purpose` if `code` is it: the one call that clears
    /// its digest wins, so a code works once. Returns the number it was sent to. A
    /// wrong, used or expired code counts toward the account's failure throttle;
    /// callers check that throttle first.
    pub(super) async fn take_sms_code(
        &self,
        account: &Account,
        purpose: Purpose,
        code: &str,
    ) -> Result<PhoneNumber, CoreError> {
        let now = clock::now();
        let live = Entity::find_by_id(account.id)
            .one(&self.db)
            .await?
            .filter(|row| row.purpose == purpose.stored() && row.code_hash.is_some() && row.expires_at > now);
        let (Some(live), Some(code)) = (live, normalize_code(code)) else {
            return Err(self.throttle.record_failure(account, CoreError::InvalidCode).await?);
        };
        let taken = Entity::update_many()
            .col_expr(Column::CodeHash, Expr::value(None::<String>))
            .filter(Column::UserId.eq(account.id))
            .filter(Column::CodeHash.eq(self.code_digest(account.id, purpose, &live.phone, &code)))
            .filter(Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await?;
        let phone = PhoneNumber::from_stored(&live.phone);
        match (taken.rows_affected, phone) {
            (1, Some(phone)) => Ok(phone),
            _ => Err(self.throttle.record_failure(account, CoreError::InvalidCode).await?),
        }
    }

    /// Seconds until the account may be sent another code (0: now).
    pub(super) async fn sms_wait(&self, account_id: i32, now: UnixTime) -> Result<i64, CoreError> {
        let Some(row) = Entity::find_by_id(account_id).one(&self.db).await? else {
            return Ok(0);
        };
        let cooldown = row.sent_at + RESEND_COOLDOWN_SECS - now;
        let window_ends = row.window_started_at + HOUR - now;
        let capped = if row.sends_in_window >= SENDS_PER_HOUR { window_ends } else { 0 };
        Ok(cooldown.max(capped).max(0))
    }

    /// Forgets the account's SMS code, if any (2FA turned off, or the number set up).
    pub(super) async fn forget_sms_code(
        connection: &impl sea_orm::ConnectionTrait,
        account_id: i32,
    ) -> Result<(), CoreError> {
        Entity::delete_many().filter(Column::UserId.eq(account_id)).exec(connection).await?;
        Ok(())
    }

    /// The digest a code is stored as: bound to its account, purpose and number.
    fn code_digest(&self, account_id: i32, purpose: Purpose, e164: &str, code: &str) -> String {
        keyed_digest(&self.key, &format!("sms:user:{account_id}:{}:{e164}", purpose.stored()), code)
    }
}

/// The upsert's update: the new code replaces the old only when the cooldown has
/// passed and the hour's sends are not used up; a new hour starts the count afresh.
fn replace_if_allowed(now: UnixTime) -> OnConflict {
    // Imported here only: its `max` and `min` would shadow the integers' elsewhere.
    use sea_orm::sea_query::ExprTrait as Sql;

    let column = |column: Column| Expr::col((Entity, column));
    let new_hour = || Sql::lte(column(Column::WindowStartedAt), now - HOUR);
    OnConflict::column(Column::UserId)
        .update_columns([Column::Purpose, Column::Phone, Column::CodeHash, Column::ExpiresAt, Column::SentAt])
        .value(
            Column::WindowStartedAt,
            CaseStatement::new().case(new_hour(), now).finally(column(Column::WindowStartedAt)),
        )
        .value(
            Column::SendsInWindow,
            CaseStatement::new().case(new_hour(), 1).finally(Sql::add(column(Column::SendsInWindow), 1)),
        )
        .action_and_where(Sql::and(
            Sql::lte(column(Column::SentAt), now - RESEND_COOLDOWN_SECS),
            Sql::or(new_hour(), Sql::lt(column(Column::SendsInWindow), SENDS_PER_HOUR)),
        ))
        .to_owned()
}

/// Six digits, uniform: rejection sampling keeps `% 1_000_000` unbiased.
fn random_code() -> String {
    const CODES: u32 = 1_000_000;
    const LIMIT: u32 = u32::MAX - u32::MAX % CODES;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        let value = u32::from_le_bytes(bytes);
        if value < LIMIT {
            return format!("{:06}", value % CODES);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::random_code;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| random_code()).collect();
        assert!(codes.iter().all(|code| code.len() == 6 && code.bytes().all(|byte| byte.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 45, "random codes rarely repeat");
    }
}
