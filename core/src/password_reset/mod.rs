//! "Forgot your password?": a link by email, then the account's second factor when
//! 2FA is on, then a new password.
//!
//! - Asking always gets the same answer after the same work, one statement that
//!   counts the request, whether or not an account has the address: the account
//!   is looked up, and its link stored and emailed, after the answer has gone.
//!   Nobody learns who is a customer.
//! - A link is 256 random bits, stored as a SHA-256, valid 30 minutes, replaced by
//!   the next one asked for (unless the customer is half-way through it), and
//!   voided by any security change of the account. Its email is stored sealed
//!   until sent. An address gets at most three an hour.
//! - With 2FA on, the code (or a recovery code) is asked before a new password is
//!   accepted, in the code step's throttle (its own count for browsers the account
//!   does not know): a reset never gets round 2FA, and never turns it off. A right
//!   one gives the link a new token, for the browser that gave it only: whoever
//!   else reads the email cannot finish the reset the customer started.
//! - A new password is one transaction: the link is spent, the password stored,
//!   every session ended (a new security stamp), the reset recorded and emailed.

mod requests;
#[cfg(test)]
mod scenarios;
mod token;

pub use requests::REQUESTS_PER_HOUR;
pub use token::ResetToken;

use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::accounts::Accounts;
use crate::db::entities::{password_reset, user};
use crate::network_budgets::NetworkBudgets;
use crate::notices::Notice;
use crate::password::Password;
use crate::requester::Requester;
use crate::secrets::MasterKey;
use crate::security_events::SecurityEvent;
use crate::store::{SecurityChange, Store};
use crate::throttle::Verdict;
use crate::two_factor::{Answer, Challenge, SmsStatus, TwoFactor};
use crate::vocabulary::{Account, Asked, Budget, normalize_email};

/// How long a link works.
pub const LINK_VALID_SECS: i64 = 30 * 60;
/// Where a link points on the site: the app's `open_password_reset` server function.
pub const LINK_PATH: &str = "/password/reset-link";

/// What a live link asks for next, for the account with `email` (shown, so that
/// nobody resets an account other than their own with a link planted on them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResetStep {
    /// The account's second factor, before anything else.
    SecondFactor { email: String, challenge: Challenge },
    /// "Choose a new password".
    NewPassword { email: String },
}

#[derive(Clone)]
pub struct PasswordResets {
    store: Store,
    accounts: Accounts,
    budgets: NetworkBudgets,
    two_factor: TwoFactor,
    /// Keys the digests of addresses.
    key: MasterKey,
    /// The address customers use, without a trailing slash: links never come
    /// from a request's `Host`, which whoever asks can write.
    site_url: String,
}

impl PasswordResets {
    pub fn new(
        store: Store,
        (accounts, budgets, two_factor): (Accounts, NetworkBudgets, TwoFactor),
        key: MasterKey,
        site_url: &str,
    ) -> Self {
        let site_url = site_url.trim_end_matches('/').to_owned();
        Self { store, accounts, budgets, two_factor, key, site_url }
    }

    fn db(&self) -> &DatabaseConnection {
        self.store.db()
    }

    /// "Forgot your password?" for `email`, by `requester`. Whatever the address,
    /// the answer is the same after the same work: the request spends one of the
    /// network's password checks (so one network cannot mail every customer),
    /// unless it comes from a browser the account knows, as a sign-in would; and
    /// it is counted for the address (a malformed address is refused, which says
    /// nothing about accounts). Then,
    /// once the caller has answered, if an account has the address and the hour
    /// had room, a new link replaces its last and is emailed.
    pub async fn request(&self, email: &str, requester: &Requester) -> Result<(), CoreError> {
        let email = normalize_email(email)?;
        if !self.accounts.knows_browser(&email, requester).await? {
            self.budgets.spend(Budget::PasswordChecks, requester).await?;
        }
        if requests::count(self.db(), &self.key, &email, self.store.now()).await? {
            let (resets, requester) = (self.clone(), requester.clone());
            tokio::spawn(async move {
                if let Err(error) = resets.send_link(&email, &requester).await {
                    tracing::error!(%error, "a password-reset link could not be stored");
                }
            });
        }
        Ok(())
    }

    /// What [`request`](Self::request) does once it has answered: stores a new
    /// link for the account with `email` (normalised), if there is one, with its
    /// event and its email, in one transaction. Returns whether it did.
    pub async fn send_link(&self, email: &str, requester: &Requester) -> Result<bool, CoreError> {
        let Some(found) = user::Entity::find().filter(user::Column::Email.eq(email)).one(self.db()).await? else {
            return Ok(false);
        };
        let account = Account::from(found);
        let mut change = self.store.begin(&account, requester).await?;
        let stored = self.store_link(&mut change).await?;
        change.commit().await?;
        Ok(stored)
    }

    /// In `change`: stores a new link for its account, replacing its last unless
    /// the customer is half-way through that one (its second factor given; it
    /// still works for them), and records it and stores its email. Returns whether
    /// it did.
    async fn store_link(&self, change: &mut SecurityChange<'_>) -> Result<bool, CoreError> {
        use password_reset::{ActiveModel, Column, Entity};

        let (account, now) = (change.account().clone(), change.now());
        let token = ResetToken::generate()?;
        let expires_at = now + LINK_VALID_SECS;
        let stored = Entity::insert(ActiveModel {
            user_id: Set(account.id),
            token_digest: Set(token.digest()),
            requested_at: Set(now),
            expires_at: Set(expires_at),
            security_stamp: Set(account.security_stamp.as_str().to_owned()),
            second_factor_at: Set(None),
            texted_at: Set(None),
        })
        .on_conflict(
            OnConflict::column(Column::UserId)
                .update_columns([
                    Column::TokenDigest,
                    Column::RequestedAt,
                    Column::ExpiresAt,
                    Column::SecurityStamp,
                    Column::SecondFactorAt,
                    Column::TextedAt,
                ])
                // A link the customer is half-way through stays, unless it is dead.
                .action_and_where(
                    Expr::col((Entity, Column::SecondFactorAt))
                        .is_null()
                        .or(Expr::col((Entity, Column::ExpiresAt)).lte(now))
                        .or(Expr::col((Entity, Column::SecurityStamp)).ne(account.security_stamp.as_str())),
                )
                .to_owned(),
        )
        .exec_without_returning(change.connection())
        .await?;
        if stored != 1 {
            return Ok(false);
        }
        change.record(SecurityEvent::PasswordResetRequested).await?;
        let link = format!("{}{LINK_PATH}?token={}", self.site_url, token.as_str());
        change.notify(Notice::PasswordResetLink { link, valid_minutes: LINK_VALID_SECS / 60 }).await?;
        Ok(true)
    }

    /// Whether `token` names a live link: for the emailed link, which only checks
    /// (mail scanners open links too: opening one spends or sends nothing).
    pub async fn open(&self, token: &ResetToken) -> Result<(), CoreError> {
        self.live(token).await.map(drop)
    }

    /// What the live link `token` asks for next.
    pub async fn step(&self, token: &ResetToken) -> Result<ResetStep, CoreError> {
        let (link, account) = self.live(token).await?;
        let factor = self.two_factor.second_factor(account.id).await?;
        Ok(match (factor, link.second_factor_at) {
            (Some(_), None) => {
                let challenge = self.two_factor.sign_in_challenge(&account).await?;
                ResetStep::SecondFactor { email: account.email, challenge }
            }
            _ => ResetStep::NewPassword { email: account.email },
        })
    }

    /// "Text me a code", for a link whose account has SMS codes: only ever on the
    /// customer's request, never by opening the link, and once a link (noted
    /// before the text is sent, by one conditional statement), so that someone who
    /// reads the customer's email cannot use up the account's sign-in texts.
    pub async fn send_code(&self, token: &ResetToken) -> Result<SmsStatus, CoreError> {
        let (_, account) = self.live(token).await?;
        let noted = password_reset::Entity::update_many()
            .col_expr(password_reset::Column::TextedAt, Expr::value(self.store.now()))
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .filter(password_reset::Column::TextedAt.is_null())
            .exec(self.db())
            .await?;
        if noted.rows_affected != 1 {
            return Err(CoreError::ResetCodeAlreadySent);
        }
        self.two_factor.resend_sign_in_code(&account).await
    }

    /// The account's second factor, typed by `requester` for the link `token`:
    /// checked as at sign-in (counted first; a code is accepted once, a recovery
    /// code spent). A right one is noted on the link, which gets a new token in the
    /// same statement: returned for this browser alone, while the emailed one no
    /// longer works.
    pub async fn give_second_factor(
        &self,
        token: &ResetToken,
        answer: Answer<'_>,
        requester: &Requester,
    ) -> Result<ResetToken, CoreError> {
        let (_, account) = self.live(token).await?;
        let factor = self.two_factor.second_factor(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let mut change = self.store.begin(&account, requester).await?;
        let asked = (Asked::PasswordReset, answer);
        let (attempt, verdict) = self.two_factor.check_answer(&mut change, &factor, asked, requester).await?;
        let Verdict::Right(()) = verdict else {
            change.commit().await?;
            return Err(attempt.settle(verdict).await.err().unwrap_or(CoreError::InvalidCode));
        };
        attempt.succeed_on(change.connection()).await?;
        let renewed = ResetToken::generate()?;
        let noted = password_reset::Entity::update_many()
            .col_expr(password_reset::Column::SecondFactorAt, Expr::value(change.now()))
            .col_expr(password_reset::Column::TokenDigest, Expr::value(renewed.digest()))
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .filter(password_reset::Column::ExpiresAt.gt(change.now()))
            .filter(password_reset::Column::SecondFactorAt.is_null())
            .exec(change.connection())
            .await?;
        if noted.rows_affected != 1 {
            // Replaced, spent or given meanwhile: a recovery code stays unspent.
            return Err(CoreError::ResetLinkInvalid);
        }
        change.commit().await?;
        Ok(renewed)
    }

    /// "Choose a new password" through the link `token`, by `requester`, for the
    /// account the page showed (`email`: a link someone else swapped in meanwhile
    /// resets nothing): with the registration's policy, and only once the second
    /// factor was given when 2FA is on. One transaction spends the link, stores
    /// the password, ends every session of the account, records the reset and
    /// stores the email.
    pub async fn choose_new_password(
        &self,
        token: &ResetToken,
        email: &str,
        password: Password,
        requester: &Requester,
    ) -> Result<(), CoreError> {
        let (link, account) = self.live(token).await?;
        if account.email != email.trim().to_lowercase() {
            return Err(CoreError::ResetLinkInvalid);
        }
        let factor = self.two_factor.second_factor(account.id).await?;
        if factor.is_some() && link.second_factor_at.is_none() {
            return Err(CoreError::SecondFactorRequired);
        }
        let hash = self.accounts.hash_new_password(&account, password, requester).await?;

        let mut change = self.store.change(&account, requester).await?;
        let stamp = account.security_stamp.as_str();
        let mut spend = password_reset::Entity::delete_many()
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .filter(password_reset::Column::ExpiresAt.gt(change.now()))
            .filter(password_reset::Column::SecurityStamp.eq(stamp));
        if factor.is_some() {
            spend = spend.filter(password_reset::Column::SecondFactorAt.is_not_null());
        }
        let spent = spend.exec(change.connection()).await?;
        let unchanged = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .filter(user::Column::Id.eq(account.id))
            .filter(user::Column::SecurityStamp.eq(stamp))
            .exec(change.connection())
            .await?;
        if spent.rows_affected != 1 || unchanged.rows_affected != 1 {
            // Spent by a racing request, replaced, or a security change meanwhile.
            return Err(CoreError::ResetLinkInvalid);
        }
        let ended = change.end_all_sessions().await?;
        change.record(SecurityEvent::PasswordReset).await?;
        change.notify(Notice::PasswordReset).await?;
        change.commit().await?;
        tracing::info!(account = account.id, sessions_ended = ended, "password reset through an emailed link");
        Ok(())
    }

    /// Deletes expired links and the counts of hours that are over; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        let now = self.store.now();
        let links = password_reset::Entity::delete_many()
            .filter(password_reset::Column::ExpiresAt.lte(now))
            .exec(self.db())
            .await?;
        Ok(links.rows_affected + requests::purge(self.db(), now).await?)
    }

    /// The link `token` names, with its account, if it is live: not expired, not
    /// replaced or spent, and no security change of the account since it was sent.
    async fn live(&self, token: &ResetToken) -> Result<(password_reset::Model, Account), CoreError> {
        let found = password_reset::Entity::find()
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .find_also_related(user::Entity)
            .one(self.db())
            .await?;
        match found {
            Some((link, Some(account)))
                if link.expires_at > self.store.now() && link.security_stamp == account.security_stamp =>
            {
                Ok((link, account.into()))
            }
            _ => Err(CoreError::ResetLinkInvalid),
        }
    }
}
