//! What the support desk may do to an account, on the phone with a customer who
//! lost their device or locked themselves out: look at it, clear its locks, turn
//! its two-factor authentication off, sign it out everywhere. Every action needs a
//! reason, is recorded as a security event by "support" and emails the customer.
//! The server's `admin` subcommands call this; nothing on the web does.

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use crate::CoreError;
use crate::clock;
use crate::db::entities::user;
use crate::notices::{Notice, SupportAction};
use crate::requester::Requester;
use crate::security_events::{ActivityCursor, ActivityPage, SecurityEvent, SecurityEvents};
use crate::sessions::{SessionSummary, Sessions};
use crate::store::{SecurityChange, Store};
use crate::throttle::{FailureCount, Throttle};
use crate::two_factor::TwoFactor;
use crate::vocabulary::{Account, Method, RequestedBy};
use crate::waiting_resets::{Asked, WaitingReset, WaitingResets};

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
    #[error("a reset of two-factor authentication for {email} already waits until {due}: nothing changed")]
    ResetAlreadyWaiting { email: String, due: String },
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
    /// A reset of two-factor authentication that waits, if one does.
    pub waiting_reset: Option<WaitingReset>,
    /// A page of the activity, as the customer's "Show more" pages it.
    pub events: ActivityPage,
}

#[derive(Clone)]
pub struct SupportDesk {
    store: Store,
    sessions: Sessions,
    two_factor: TwoFactor,
    events: SecurityEvents,
    waiting_resets: WaitingResets,
    /// One throttle per rule: sign-in, codes, step-up.
    throttles: Vec<Throttle>,
}

impl SupportDesk {
    pub fn new(
        store: Store,
        sessions: Sessions,
        (two_factor, waiting_resets): (TwoFactor, WaitingResets),
        events: SecurityEvents,
        throttles: Vec<Throttle>,
    ) -> Self {
        Self { store, sessions, two_factor, events, waiting_resets, throttles }
    }

    /// `admin show`: the account, its second factor, locks and counts, live
    /// sessions and a page of its security events, older than `before` (the
    /// newest when `None`).
    pub async fn show(&self, email: &str, before: Option<ActivityCursor>) -> Result<AccountReport, SupportError> {
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
            waiting_reset: self.waiting_resets.waiting(account.id).await?,
            events: self.events.page(account.id, before).await?,
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
        let requester = Requester::support_tool();
        // Clears counts, changes no factor: the account's row is not taken, so a
        // sign-in step holding a count's row cannot wait on it the other way round.
        let mut change = self.store.begin(&account, &requester).await?.by_support(&reason);
        let mut cleared = 0;
        for throttle in &self.throttles {
            cleared += throttle.clear_account(change.connection(), &account).await?;
        }
        Self::tell(&mut change, SecurityEvent::Unlocked, SupportAction::Unlocked, &reason).await?;
        change.commit().await?;
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
        let requester = Requester::support_tool();
        let mut change = self.store.change(&account, &requester).await?.by_support(&reason);
        match TwoFactor::reset(&change).await {
            Err(CoreError::TwoFactorOff) => return Err(SupportError::TwoFactorAlreadyOff(account.email)),
            other => other?,
        };
        let ended = change.end_all_sessions().await?;
        Self::tell(&mut change, SecurityEvent::TwoFactorReset, SupportAction::TwoFactorReset, &reason).await?;
        change.commit().await?;
        tracing::info!(account = account.id, sessions_ended = ended, %reason, "support reset two-factor authentication");
        Ok(ended)
    }

    /// `admin reset-two-factor` without `--now`: a reset that waits, asked for by
    /// the operator `operator` for `reason`. The customer is told at once, with a
    /// link that cancels it.
    pub async fn schedule_reset(
        &self,
        email: &str,
        reason: &str,
        operator: &str,
    ) -> Result<WaitingReset, SupportError> {
        let (reason, operator) = (checked_reason(reason)?, checked_reason(operator)?);
        let (account, _) = self.find(email).await?;
        let asked = RequestedBy::Operator { name: operator };
        match self.waiting_resets.schedule(&account, (asked, &reason), &Requester::support_tool()).await {
            Ok(Asked::Scheduled(waiting)) => Ok(waiting),
            Ok(Asked::AlreadyWaiting(waiting)) => {
                Err(SupportError::ResetAlreadyWaiting { email: account.email, due: clock::format_utc(waiting.due_at) })
            }
            Err(CoreError::TwoFactorOff) => Err(SupportError::TwoFactorAlreadyOff(account.email)),
            Err(error) => Err(error.into()),
        }
    }

    /// `admin sign-out`: ends every session of the account. Returns how many.
    pub async fn sign_out(&self, email: &str, reason: &str) -> Result<u64, SupportError> {
        let reason = checked_reason(reason)?;
        let (account, _) = self.find(email).await?;
        let requester = Requester::support_tool();
        let mut change = self.store.change(&account, &requester).await?.by_support(&reason);
        let ended = change.end_all_sessions().await?;
        Self::tell(&mut change, SecurityEvent::SessionsEnded, SupportAction::SignedOut, &reason).await?;
        change.commit().await?;
        tracing::info!(account = account.id, sessions_ended = ended, %reason, "support signed the account out");
        Ok(ended)
    }

    async fn find(&self, email: &str) -> Result<(Account, clock::UnixTime), SupportError> {
        let email = email.trim().to_lowercase();
        let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(self.store.db()).await?;
        let model = found.ok_or(SupportError::UnknownAccount(email))?;
        let created_at = model.created_at;
        Ok((Account::from(model), created_at))
    }

    /// Records what support did in `change`, and stores the email that tells the
    /// customer, quoting `reason`.
    async fn tell(
        change: &mut SecurityChange<'_>,
        event: SecurityEvent,
        action: SupportAction,
        reason: &str,
    ) -> Result<(), SupportError> {
        change.record(event).await?;
        change.notify(Notice::SupportActed { action, reason: reason.to_owned() }).await?;
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
