//! The unit of work of a change to an account's security. It owns the sequence
//! every change follows, so no caller can forget a step: the transaction (and,
//! for a change, the account's row, taken first), the events it records, the
//! sessions it ends, the messages it stores, the commit, and the outbox woken once
//! what it stored is committed. Dropped without a commit, nothing of it happened.

use sea_orm::DatabaseTransaction;

use super::Store;
use crate::CoreError;
use crate::clock::UnixTime;
use crate::notices::{Notice, Text};
use crate::outbox::{Outbox, Priority};
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::security_events::{self, Actor, SecurityEvent};
use crate::sessions::{self, SessionToken, SignedIn};
use crate::vocabulary::{Account, lock_for_change};

#[must_use = "a security change happens only once committed"]
pub(crate) struct SecurityChange<'a> {
    store: &'a Store,
    transaction: DatabaseTransaction,
    /// The account as it is now: a new security stamp once sessions end.
    account: Account,
    requester: &'a Requester,
    actor: Actor,
    /// One moment for everything the change writes.
    now: UnixTime,
    /// A message waits to be sent once the change commits.
    stored_a_message: bool,
}

impl<'a> SecurityChange<'a> {
    pub(super) fn new(
        store: &'a Store,
        transaction: DatabaseTransaction,
        account: Account,
        requester: &'a Requester,
    ) -> Self {
        let now = store.now();
        Self { store, transaction, account, requester, actor: Actor::Client, now, stored_a_message: false }
    }

    /// The change is the support desk's, for `reason`: its events say so.
    pub(crate) fn by_support(mut self, reason: &str) -> Self {
        self.actor = Actor::Support { reason: reason.to_owned() };
        self
    }

    /// The transaction, for what the change writes itself.
    pub(crate) fn connection(&self) -> &DatabaseTransaction {
        &self.transaction
    }

    /// The moment of the change.
    pub(crate) fn now(&self) -> UnixTime {
        self.now
    }

    /// The account as it now is.
    pub(crate) fn account(&self) -> &Account {
        &self.account
    }

    /// Takes the account's row: what [`Store::change`] does first, and what a
    /// check does once it finds it must change the account (a copied passkey).
    /// The change's moment is read again once it holds the row: it may have
    /// waited for another change to commit.
    pub(crate) async fn lock_account(&mut self) -> Result<(), CoreError> {
        lock_for_change(&self.transaction, self.account.id).await?;
        self.now = self.store.now();
        Ok(())
    }

    /// Records `event` in the account's security activity.
    pub(crate) async fn record(&mut self, event: SecurityEvent) -> Result<(), CoreError> {
        let (account_id, actor, requester, now) = (self.account.id, &self.actor, self.requester, self.now);
        security_events::record(&self.transaction, account_id, event, actor, requester, now).await
    }

    /// Ends every other session of the account, keeping `keep` (the session that
    /// makes the change) under the account's new security stamp, and every setup
    /// under way, this session's too; how many sessions ended. Refuses ([`CoreError::SessionEnded`]) when another change committed since
    /// the account was read, or `keep` has ended.
    pub(crate) async fn end_other_sessions(&mut self, keep: &SessionToken) -> Result<u64, CoreError> {
        let keep = SignedIn { token: keep.clone(), account: self.account.clone() };
        let (renewed, ended) = sessions::end_others(&self.transaction, &keep).await?;
        crate::pending_setups::discard_all(&self.transaction, renewed.id).await?;
        self.account = renewed;
        Ok(ended)
    }

    /// Ends every session of the account (a new security stamp), and every setup
    /// under way; how many sessions ended.
    pub(crate) async fn end_all_sessions(&mut self) -> Result<u64, CoreError> {
        let (renewed, ended) = sessions::end_all(&self.transaction, &self.account).await?;
        crate::pending_setups::discard_all(&self.transaction, renewed.id).await?;
        self.account = renewed;
        Ok(ended)
    }

    /// Stores the email that tells the customer about `notice`; one that carries
    /// a secret is sealed, and dropped unsent once it would arrive too late.
    pub(crate) async fn notify(&mut self, notice: Notice) -> Result<(), CoreError> {
        let support = &self.store.words().support;
        let email = notice.email(&self.account, self.requester, self.now, support);
        match notice.secret_until(self.now) {
            Some(deliver_by) => {
                Outbox::enqueue_sealed(&self.transaction, &self.store.key, email, (self.now, deliver_by)).await?
            }
            None => Outbox::enqueue(&self.transaction, email, self.now).await?,
        }
        self.stored_a_message = true;
        Ok(())
    }

    /// Stores the text message `text` to `to`, sealed (it carries a code), to go
    /// out with `priority` and be dropped unsent at `deliver_by`.
    pub(crate) async fn text(
        &mut self,
        (to, text, priority): (&PhoneNumber, Text, Priority),
        deliver_by: UnixTime,
    ) -> Result<(), CoreError> {
        let body = text.body(&self.store.words().issuer);
        Outbox::enqueue_sms(&self.transaction, &self.store.key, (to, &body, priority), (self.now, deliver_by)).await?;
        self.stored_a_message = true;
        Ok(())
    }

    /// Undoes what the change wrote (a limit refused it after counting), at once
    /// rather than when it is dropped.
    pub(crate) async fn roll_back(self) -> Result<(), CoreError> {
        Ok(self.transaction.rollback().await?)
    }

    /// Commits the change, then wakes the outbox if it stored a message. Returns
    /// the account as it now is.
    pub(crate) async fn commit(self) -> Result<Account, CoreError> {
        self.transaction.commit().await?;
        if self.stored_a_message {
            self.store.outbox.wake();
        }
        Ok(self.account)
    }
}

#[cfg(test)]
mod tests {
    use crate::notices::Notice;
    use crate::requester::Requester;
    use crate::security_events::SecurityEvent;
    use crate::testing::Scene;

    #[tokio::test]
    async fn a_change_happens_whole_once_committed_and_not_at_all_when_dropped() {
        let scene = Scene::new().await;
        let ana = scene.signed_in("ana@example.com").await;
        let other = scene.portal.sessions.start(&ana.account).await.unwrap();
        let requester = Requester::default();
        let store = &scene.portal.store;

        let mut dropped = store.change(&ana.account, &requester).await.unwrap();
        dropped.end_other_sessions(&ana.token).await.unwrap();
        dropped.record(SecurityEvent::PasswordChanged).await.unwrap();
        dropped.notify(Notice::PasswordChanged).await.unwrap();
        drop(dropped);
        assert!(scene.portal.sessions.resolve(&other).await.unwrap().is_some(), "nothing ended");
        assert!(scene.activity(ana.account.id).await.iter().all(|line| line != "Password changed"));
        assert!(scene.emails("ana@example.com").await.is_empty(), "nothing stored");

        let mut change = store.change(&ana.account, &requester).await.unwrap();
        assert_eq!(change.end_other_sessions(&ana.token).await.unwrap(), 1);
        change.record(SecurityEvent::PasswordChanged).await.unwrap();
        change.notify(Notice::PasswordChanged).await.unwrap();
        let renewed = change.commit().await.unwrap();
        assert_ne!(renewed.security_stamp, ana.account.security_stamp, "a new stamp");
        assert!(scene.portal.sessions.resolve(&other).await.unwrap().is_none());
        assert!(scene.portal.sessions.resolve(&ana.token).await.unwrap().is_some(), "the one that made it stays");
        assert_eq!(scene.activity(ana.account.id).await[0], "Password changed");
        assert_eq!(scene.emails("ana@example.com").await, ["Customer Portal: Your password was changed"]);
    }
}
