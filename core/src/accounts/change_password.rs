//! A signed-in customer changing their password (the Profile tab).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, TransactionTrait as _};

use super::{Account, Accounts, lock_for_change};
use crate::CoreError;
use crate::clock;
use crate::db::entities::user;
use crate::outbox::{Outbox, notices};
use crate::password::{Password, PasswordHash, check_new_password};
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::{SessionToken, Sessions, SignedIn};
use crate::throttle::{Bucket, Verdict};

/// What a password change did.
#[derive(Clone, Debug)]
pub struct PasswordChanged {
    /// The account as it now is (a new security stamp).
    pub account: Account,
    /// The session's new token: the one it had before no longer counts.
    pub token: SessionToken,
    /// How many other sessions it ended.
    pub sessions_ended: u64,
}

impl Accounts {
    /// Changes the password of the customer signed in as `signed_in`. The new one
    /// must meet the registration policy; the current one is a guess like a
    /// password at sign-in, counted before it is checked in sign-in's throttle (the
    /// same counts, so a stolen session cannot guess it faster than a sign-in
    /// could, and it never locks; a wrong one is recorded as such). Then one
    /// transaction stores the new hash, renews the account's security stamp (every
    /// other session ends, and device notes from before no longer count) and this
    /// session's token, records the change and stores the email. A change that
    /// committed meanwhile, or the session's end, refuses it
    /// ([`CoreError::SessionEnded`]): the password was checked outside the
    /// transaction, under the stamp read before.
    pub async fn change_password(
        &self,
        signed_in: &SignedIn,
        current: Password,
        new: Password,
        requester: &Requester,
    ) -> Result<PasswordChanged, CoreError> {
        let account = &signed_in.account;
        check_new_password(&new, &account.email)?;
        let client = self.devices.recognise(&requester.device_cookies, account);
        let bucket = Bucket::sign_in(client, &account.email);
        let attempt = self.password_change_throttle.reserve(&bucket, Some(account), requester).await?;
        let verdict = match self.check_password(account, current).await? {
            true => Verdict::Right(()),
            false => Verdict::Wrong(CoreError::WrongPassword),
        };
        attempt.settle(verdict).await?;

        let PasswordHash(hash) = self.hasher.hash(new).await?;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .filter(user::Column::Id.eq(account.id))
            .exec(&transaction)
            .await?;
        let (account, sessions_ended) = Sessions::renew_after_change(&transaction, signed_in).await?;
        let token = Sessions::renew_token_on(&transaction, &signed_in.token).await?;
        SecurityEvents::record(&transaction, account.id, SecurityEvent::PasswordChanged, &Actor::Client, requester)
            .await?;
        Outbox::enqueue(&transaction, notices::password_changed(&account, clock::now(), &self.support)).await?;
        transaction.commit().await?;
        self.outbox.wake();
        Ok(PasswordChanged { account, token, sessions_ended })
    }
}
