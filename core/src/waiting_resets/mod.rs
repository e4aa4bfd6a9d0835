//! Resets of two-factor authentication that wait: the way back for a customer who
//! lost the device, which someone with only the password cannot use. Asking (the
//! customer with the mailbox, support for a caller, an operator) changes nothing
//! at first: the customer is told at once, by email and, with SMS on, by text,
//! each with a link that cancels it, and signing in with the second factor cancels
//! it too. Only once the wait is over does two-factor authentication go: the
//! two-factor service claims each due reset in the change that turns it off, so
//! racing servers perform it once.

mod cancel_token;

use std::time::Duration;

use sea_orm::{ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, Set};

pub use self::cancel_token::CancelToken;
use crate::CoreError;
use crate::clock::{UnixTime, format_utc};
use crate::db::entities::{outbox_message, two_factor, user, waiting_reset};
use crate::notices::{Notice, RESET_SCHEDULED_SUBJECT, Text};
use crate::outbox::Priority;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::SignedIn;
use crate::store::{SecurityChange, Store};
use crate::vocabulary::{Account, RequestedBy};

/// Where a cancel link points on the site: a page that needs no sign-in, and
/// acts only on its button (mail scanners open links too).
pub const CANCEL_PATH: &str = "/cancel-reset";

/// A reset that waits, as the customer and support are shown it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingReset {
    pub requested_by: RequestedBy,
    pub requested_at: UnixTime,
    pub due_at: UnixTime,
}

/// What asking for a reset did.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    /// It waits from now on.
    Scheduled(WaitingReset),
    /// One already waited: it stays as it was, with its own time and link.
    AlreadyWaiting(WaitingReset),
}

/// The waiting resets; cheap to clone.
#[derive(Clone)]
pub struct WaitingResets {
    store: Store,
    wait_secs: i64,
    /// The address customers use, without a trailing slash.
    site_url: String,
}

impl WaitingResets {
    pub fn new(store: Store, wait: Duration, site_url: &str) -> Self {
        let wait_secs = i64::try_from(wait.as_secs()).unwrap_or(i64::MAX);
        Self { store, wait_secs, site_url: site_url.trim_end_matches('/').to_owned() }
    }

    /// Asks for a reset of `account`'s two-factor authentication, by
    /// `requested_by` for `requester` (support and operators give a `reason`,
    /// recorded with their name): it is due once the wait is over. The customer
    /// is told at once, by email and (with SMS on) by text, with the link that
    /// cancels it. Refused while two-factor authentication is off.
    pub async fn schedule(
        &self,
        account: &Account,
        (requested_by, reason): (RequestedBy, &str),
        requester: &Requester,
    ) -> Result<Asked, CoreError> {
        let change = self.store.change(account, requester).await?;
        let mut change = match &requested_by {
            RequestedBy::Customer => change,
            RequestedBy::Support { agent } | RequestedBy::Operator { name: agent } => {
                change.by_support(&format!("{reason} ({agent})"))
            }
        };
        let connection = change.connection();
        let Some(factor) = two_factor::Entity::find_by_id(account.id).one(connection).await? else {
            return Err(CoreError::TwoFactorOff);
        };
        if let Some(waiting) = waiting_of(connection, account.id).await? {
            return Ok(Asked::AlreadyWaiting(waiting));
        }
        let (token, now) = (CancelToken::generate()?, change.now());
        let due_at = now.saturating_add(self.wait_secs);
        let (kind, agent) = requested_by.stored();
        waiting_reset::ActiveModel {
            user_id: Set(account.id),
            cancel_digest: Set(token.digest()),
            requested_at: Set(now),
            due_at: Set(due_at),
            requested_by: Set(kind.to_owned()),
            agent: Set(agent.map(str::to_owned)),
        }
        .insert(connection)
        .await?;
        change.record(SecurityEvent::TwoFactorResetScheduled).await?;
        let link = format!("{}{CANCEL_PATH}?token={}", self.site_url, token.as_str());
        let phone = factor.phone.as_deref().and_then(PhoneNumber::from_stored);
        let notice = Notice::ResetScheduled { requested_by: requested_by.clone(), due_at, link };
        change.notify(notice).await?;
        if let Some(phone) = phone {
            let text = Text::ResetScheduled { due: format_utc(due_at) };
            change.text((&phone, text, Priority::SignInCode), due_at).await?;
        }
        change.commit().await?;
        tracing::info!(account = account.id, due_at, by = kind, "a reset of two-factor authentication waits");
        Ok(Asked::Scheduled(WaitingReset { requested_by, requested_at: now, due_at }))
    }

    /// The reset waiting for the account, if one does.
    pub async fn waiting(&self, account_id: i32) -> Result<Option<WaitingReset>, CoreError> {
        waiting_of(self.store.db(), account_id).await
    }

    /// Cancels the waiting reset whose link carries `token`, for `requester`,
    /// who needs no sign-in: the link is the proof. A link works once; false
    /// when it cancels nothing (used, or its reset done or cancelled already).
    pub async fn cancel_with_link(&self, token: &CancelToken, requester: &Requester) -> Result<bool, CoreError> {
        let digest = token.digest();
        let found = waiting_reset::Entity::find()
            .filter(waiting_reset::Column::CancelDigest.eq(&digest))
            .one(self.store.db())
            .await?;
        let Some(found) = found else { return Ok(false) };
        let Some(owner) = user::Entity::find_by_id(found.user_id).one(self.store.db()).await? else {
            return Ok(false);
        };
        let mut change = self.store.change(&Account::from(owner), requester).await?;
        let deleted = waiting_reset::Entity::delete_many()
            .filter(waiting_reset::Column::UserId.eq(found.user_id))
            .filter(waiting_reset::Column::CancelDigest.eq(&digest))
            .exec(change.connection())
            .await?;
        if deleted.rows_affected == 0 {
            return Ok(false);
        }
        told_cancelled(&mut change).await?;
        change.commit().await?;
        Ok(true)
    }

    /// Cancels the waiting reset of the signed-in customer, from the Account
    /// Security tab (a session that passed the second factor, or an account
    /// without one). False when none waits.
    pub async fn cancel_signed_in(&self, signed_in: &SignedIn, requester: &Requester) -> Result<bool, CoreError> {
        let mut change = self.store.change(&signed_in.account, requester).await?;
        if !Self::cancel_in(&mut change).await? {
            return Ok(false);
        }
        change.commit().await?;
        Ok(true)
    }

    /// Cancels the account's waiting reset, if one waits, in `change`: a sign-in
    /// with the second factor (or a recovery code, or a passkey) shows the
    /// device was not lost after all. The sign-in calls this before it touches
    /// its session, so it takes the rows in the order the reset does.
    pub(crate) async fn cancel_in(change: &mut SecurityChange<'_>) -> Result<bool, CoreError> {
        let account_id = change.account().id;
        let deleted = waiting_reset::Entity::delete_by_id(account_id).exec(change.connection()).await?;
        if deleted.rows_affected == 0 {
            return Ok(false);
        }
        told_cancelled(change).await?;
        tracing::info!(account = account_id, "a waiting reset was cancelled by its customer");
        Ok(true)
    }

    /// The accounts whose reset is due.
    pub(crate) async fn due(&self) -> Result<Vec<i32>, CoreError> {
        let due = waiting_reset::Entity::find()
            .filter(waiting_reset::Column::DueAt.lte(self.store.now()))
            .all(self.store.db())
            .await?;
        Ok(due.into_iter().map(|row| row.user_id).collect())
    }

    /// Whether a reset waits for the account, on `connection`.
    pub(crate) async fn waits(connection: &impl ConnectionTrait, account_id: i32) -> Result<bool, CoreError> {
        Ok(waiting_reset::Entity::find_by_id(account_id).one(connection).await?.is_some())
    }

    /// Claims the account's reset in `change`, if it is due, still waiting, can
    /// be read, and its customer was told: the one change whose delete takes the
    /// row performs it. While the email that tells the customer waits unsent (a
    /// mail outage, a mailbox that refuses it), the reset waits too: it never
    /// happens unannounced.
    pub(crate) async fn claim_due(change: &SecurityChange<'_>) -> Result<bool, CoreError> {
        let (connection, account) = (change.connection(), change.account());
        let Some(row) = waiting_reset::Entity::find_by_id(account.id).one(connection).await? else {
            return Ok(false);
        };
        if RequestedBy::from_stored(&row.requested_by, row.agent.as_deref()).is_none() {
            tracing::error!(account = account.id, "a waiting reset this server cannot read is not performed");
            return Ok(false);
        }
        let untold = outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq(&account.email))
            .filter(outbox_message::Column::Subject.eq(RESET_SCHEDULED_SUBJECT))
            .filter(outbox_message::Column::CreatedAt.gte(row.requested_at))
            .filter(outbox_message::Column::SentAt.is_null())
            .one(connection)
            .await?;
        if untold.is_some() {
            tracing::warn!(account = account.id, "a due reset waits: the email that tells the customer is unsent");
            return Ok(false);
        }
        let claimed = waiting_reset::Entity::delete_many()
            .filter(waiting_reset::Column::UserId.eq(change.account().id))
            .filter(waiting_reset::Column::DueAt.lte(change.now()))
            .exec(change.connection())
            .await?;
        Ok(claimed.rows_affected == 1)
    }
}

/// Records the cancel and emails the customer about it.
async fn told_cancelled(change: &mut SecurityChange<'_>) -> Result<(), CoreError> {
    change.record(SecurityEvent::TwoFactorResetCancelled).await?;
    change.notify(Notice::ResetCancelled).await
}

/// The account's waiting reset on `connection`; one this server cannot read is an
/// error, never a reset nobody asked for nor one silently dropped.
async fn waiting_of(connection: &impl ConnectionTrait, account_id: i32) -> Result<Option<WaitingReset>, CoreError> {
    let Some(row) = waiting_reset::Entity::find_by_id(account_id).one(connection).await? else {
        return Ok(None);
    };
    let requested_by = RequestedBy::from_stored(&row.requested_by, row.agent.as_deref())
        .ok_or(CoreError::WaitingResetUnreadable { account_id })?;
    Ok(Some(WaitingReset { requested_by, requested_at: row.requested_at, due_at: row.due_at }))
}

#[cfg(test)]
mod tests;
