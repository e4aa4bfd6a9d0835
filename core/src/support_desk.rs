//! What the support desk may do to an account, on the phone with a customer who
//! lost their device or locked themselves out: look at it, clear its locks, turn
//! its two-factor authentication off, sign it out everywhere. Every action needs a
//! reason, is recorded as a security event by "support" and emails the customer.
//! The server's `admin` subcommands call this; nothing on the web does.

use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, TransactionTrait as _};

use crate::CoreError;
use crate::accounts::{Account, lock_for_change};
use crate::clock;
use crate::db::entities::user;
use crate::outbox::Outbox;
use crate::outbox::notices::{self, SupportAction};
use crate::requester::Requester;
use crate::security_events::{Actor, RecordedEvent, SecurityEvent, SecurityEvents};
use crate::sessions::{SessionSummary, Sessions};
use crate::throttle::{FailureCount, Throttle};
use crate::two_factor::{Method, TwoFactor};

/// The longest reason kept; a reason is a sentence or a ticket number.
const MAX_REASON_CHARS: usize = 500;

/// Why support may not act as asked.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("no account has the email {0}")]
    UnknownAccount(String),
    #[error("give a reason: it is recorded and quoted in the customer's email")]
    ReasonRequired,
    #[error("the reason is longer than {MAX_REASON_CHARS} characters")]
    ReasonTooLong,
    #[error("two-factor authentication is already off for {0}: nothing to reset")]
    TwoFactorAlreadyOff(String),
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<sea_orm::DbErr> for SupportError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Core(error.into())
    }
}

/// The second factor as support sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactorState {
    Off,
    On {
        method: Method,
        masked_phone: Option<String>,
    },
    /// Stored, but this server cannot read it: reset it.
    Unreadable,
}

/// Everything `admin show` prints.
#[derive(Debug)]
pub struct AccountReport {
    pub account: Account,
    pub created_at: clock::UnixTime,
    pub factor: FactorState,
    pub recovery_codes_left: u64,
    /// Counts and locks, of every rule.
    pub failure_counts: Vec<FailureCount>,
    pub sessions: Vec<SessionSummary>,
    pub events: Vec<RecordedEvent>,
}

#[derive(Clone)]
pub struct SupportDesk {
    db: DatabaseConnection,
    sessions: Sessions,
    two_factor: TwoFactor,
    events: SecurityEvents,
    /// One throttle per rule: sign-in, codes, step-up.
    throttles: Vec<Throttle>,
    outbox: Outbox,
    support: String,
}

impl SupportDesk {
    pub fn new(
        db: DatabaseConnection,
        sessions: Sessions,
        two_factor: TwoFactor,
        events: SecurityEvents,
        throttles: Vec<Throttle>,
        outbox: Outbox,
        support: String,
    ) -> Self {
        Self { db, sessions, two_factor, events, throttles, outbox, support }
    }

    /// `admin show`: the account, its second factor, locks and counts, live
    /// sessions and last security events.
    pub async fn show(&self, email: &str) -> Result<AccountReport, SupportError> {
        let (account, created_at) = self.find(email).await?;
        let factor = match self.two_factor.second_factor(account.id).await {
            Ok(None) => FactorState::Off,
            Ok(Some(factor)) => {
                FactorState::On { method: factor.method(), masked_phone: factor.phone().map(|phone| phone.masked()) }
            }
            Err(CoreError::TwoFactorUnreadable { .. }) => FactorState::Unreadable,
            Err(error) => return Err(error.into()),
        };
        let mut failure_counts = Vec::new();
        for throttle in &self.throttles {
            failure_counts.extend(throttle.counts_of(&account).await?);
        }
        Ok(AccountReport {
            recovery_codes_left: self.two_factor.recovery_codes_left(account.id).await?,
            sessions: self.sessions.of_account(account.id).await?,
            events: self.events.recent(account.id).await?,
            account,
            created_at,
            factor,
            failure_counts,
        })
    }

    /// `admin unlock`: forgets every lock and count of the account (code step,
    /// step-up and sign-in, in every browser). Returns how many there were.
    pub async fn unlock(&self, email: &str, reason: &str) -> Result<u64, SupportError> {
        let reason = checked_reason(reason)?;
        let (account, _) = self.find(email).await?;
        let transaction = self.db.begin().await?;
        let mut cleared = 0;
        for throttle in &self.throttles {
            cleared += throttle.clear_account(&transaction, &account).await?;
        }
        self.record(&transaction, &account, SecurityEvent::Unlocked, &reason, SupportAction::Unlocked).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, cleared, %reason, "support unlocked the account");
        Ok(cleared)
    }

    /// `admin reset-two-factor`: turns two-factor authentication off, spends the
    /// recovery codes and ends every session, in one transaction. The customer
    /// signs in with the password and sets it up again. Returns how many sessions
    /// ended.
    pub async fn reset_two_factor(&self, email: &str, reason: &str) -> Result<u64, SupportError> {
        let reason = checked_reason(reason)?;
        let (account, _) = self.find(email).await?;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        match TwoFactor::reset(&transaction, account.id).await {
            Err(CoreError::TwoFactorOff) => return Err(SupportError::TwoFactorAlreadyOff(account.email)),
            other => other?,
        };
        let ended = Sessions::end_all(&transaction, account.id).await?;
        let reset = SupportAction::TwoFactorReset;
        self.record(&transaction, &account, SecurityEvent::TwoFactorReset, &reason, reset).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, sessions_ended = ended, %reason, "support reset two-factor authentication");
        Ok(ended)
    }

    /// `admin sign-out`: ends every session of the account. Returns how many.
    pub async fn sign_out(&self, email: &str, reason: &str) -> Result<u64, SupportError> {
        let reason = checked_reason(reason)?;
        let (account, _) = self.find(email).await?;
        let transaction = self.db.begin().await?;
        let ended = Sessions::end_all(&transaction, account.id).await?;
        self.record(&transaction, &account, SecurityEvent::SessionsEnded, &reason, SupportAction::SignedOut).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, sessions_ended = ended, %reason, "support signed the account out");
        Ok(ended)
    }

    async fn find(&self, email: &str) -> Result<(Account, clock::UnixTime), SupportError> {
        let email = email.trim().to_lowercase();
        let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&self.db).await?;
        let model = found.ok_or(SupportError::UnknownAccount(email))?;
        let created_at = model.created_at;
        Ok((Account::from(model), created_at))
    }

    /// Records what support did, for `reason`, and stores the email that tells the customer.
    async fn record(
        &self,
        transaction: &sea_orm::DatabaseTransaction,
        account: &Account,
        event: SecurityEvent,
        reason: &str,
        action: SupportAction,
    ) -> Result<(), SupportError> {
        let actor = Actor::Support { reason: reason.to_owned() };
        SecurityEvents::record(transaction, account.id, event, &actor, &Requester::support_tool()).await?;
        Outbox::enqueue(transaction, notices::support_acted(account, action, reason, clock::now(), &self.support))
            .await?;
        Ok(())
    }
}

/// `reason` as recorded: trimmed, without control characters; refused when blank
/// or too long.
fn checked_reason(reason: &str) -> Result<String, SupportError> {
    let reason: String = reason.trim().chars().filter(|c| !c.is_control()).collect();
    match reason.chars().count() {
        0 => Err(SupportError::ReasonRequired),
        n if n > MAX_REASON_CHARS => Err(SupportError::ReasonTooLong),
        _ => Ok(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_kept_short() {
        assert!(matches!(checked_reason("  "), Err(SupportError::ReasonRequired)));
        assert!(matches!(checked_reason(&"x".repeat(501)), Err(SupportError::ReasonTooLong)));
        assert_eq!(checked_reason(" ticket 42\n").unwrap(), "ticket 42");
    }
}
