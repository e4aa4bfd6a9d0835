//! Where every service reads and writes: the database, the clock, and the outbox
//! the changes wake. A change to an account's security begins here, as a
//! [`SecurityChange`]: the one way to write one.

mod security_change;

pub(crate) use security_change::SecurityChange;

use std::sync::Arc;

use sea_orm::{DatabaseConnection, TransactionTrait as _};

use crate::CoreError;
use crate::clock::{Clock, UnixTime};
use crate::outbox::Outbox;
use crate::requester::Requester;
use crate::secrets::MasterKey;
use crate::security_events::{self, Actor, SecurityEvent};
use crate::vocabulary::Account;

/// What the messages to customers name, besides what happened.
#[derive(Clone, Debug)]
pub struct Words {
    /// Who to contact when a change was not the customer's doing.
    pub support: String,
    /// The site's name in text messages and authenticator apps.
    pub issuer: String,
}

/// The database, the clock and the outbox, shared by every service; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    clock: Clock,
    outbox: Outbox,
    /// Seals the messages that carry a secret.
    key: MasterKey,
    words: Arc<Words>,
}

impl Store {
    pub fn new(db: DatabaseConnection, clock: Clock, outbox: Outbox, key: MasterKey, words: Words) -> Self {
        Self { db, clock, outbox, key, words: Arc::new(words) }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// The master key, for keyed digests of what must not be stored in the clear.
    pub(crate) fn key(&self) -> &MasterKey {
        &self.key
    }

    pub(crate) fn words(&self) -> &Words {
        &self.words
    }

    /// A change to `account`'s security, asked by `requester`: a transaction that
    /// takes the account's row first, so changes to one account run one after
    /// another and none reads what another is about to make stale.
    pub(crate) async fn change<'a>(
        &'a self,
        account: &Account,
        requester: &'a Requester,
    ) -> Result<SecurityChange<'a>, CoreError> {
        let mut change = self.begin(account, requester).await?;
        change.lock_account().await?;
        Ok(change)
    }

    /// A unit of work about `account` that changes nothing of its security
    /// unless it turns out to ([`SecurityChange::lock_account`]): a sign-in, a
    /// check of a guess, a code sent. It records, stores messages and wakes the
    /// outbox as a change does, without queueing behind the account's changes.
    pub(crate) async fn begin<'a>(
        &'a self,
        account: &Account,
        requester: &'a Requester,
    ) -> Result<SecurityChange<'a>, CoreError> {
        let transaction = self.db.begin().await?;
        Ok(SecurityChange::new(self, transaction, account.clone(), requester))
    }

    /// Records `event` of `account_id` by itself, outside any transaction: a
    /// wrong guess, written after its answer has gone.
    pub(crate) async fn record(
        &self,
        account_id: i32,
        event: SecurityEvent,
        requester: &Requester,
    ) -> Result<(), CoreError> {
        security_events::record(&self.db, account_id, event, &Actor::Client, requester, self.now()).await
    }
}
