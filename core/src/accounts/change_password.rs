//! A signed-in customer changing their password (the Profile tab).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use super::Accounts;
use crate::CoreError;
use crate::db::entities::user;
use crate::notices::Notice;
use crate::password::{Lane, Password, PasswordHash, check_new_password};
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::{self, SessionToken, SignedIn};
use crate::throttle::Subject;
use crate::vocabulary::Account;

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
    /// change stores the new hash, renews the account's security stamp (every
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
        let subject = Subject::sign_in(client, &account.email);
        let attempt = self.password_change_throttle.reserve(&subject, Some(account), requester).await?;
        let verdict = self.check_password(account, current).await?;
        attempt.settle(verdict).await?;

        let PasswordHash(hash) = self.hasher.hash(self.hasher.place(Lane::Known { account: account.id })?, new).await?;
        let mut change = self.store.change(account, requester).await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .filter(user::Column::Id.eq(account.id))
            .exec(change.connection())
            .await?;
        let sessions_ended = change.end_other_sessions(&signed_in.token).await?;
        let token = sessions::renew_token(change.connection(), &signed_in.token).await?;
        change.record(SecurityEvent::PasswordChanged).await?;
        change.notify(Notice::PasswordChanged).await?;
        let account = change.commit().await?;
        Ok(PasswordChanged { account, token, sessions_ended })
    }
}
