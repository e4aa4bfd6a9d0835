//! "Forgot your password?": a link by email, then the account's second factor when
//! 2FA is on, then a new password.
//!
//! - Asking always gets the same answer, after the same kind of work (one
//!   transaction that counts the request), whether or not an account has the
//!   address: nobody learns who is a customer.
//! - A link is 256 random bits, stored as a SHA-256, valid 30 minutes, replaced by
//!   the next one asked for, and voided by any security change of the account. Its
//!   email is stored sealed until sent. An address gets at most three an hour.
//! - With 2FA on, the code (or a recovery code) is asked before a new password is
//!   accepted, in the sign-in code step's throttle: a reset never gets round 2FA,
//!   and never turns it off.
//! - A new password is one transaction: the link is spent, the password stored,
//!   every session ended (a new security stamp), the reset recorded and emailed.

mod requests;
mod token;

pub use requests::REQUESTS_PER_HOUR;
pub use token::ResetToken;

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, DatabaseTransaction, EntityTrait as _, QueryFilter as _, Set,
    TransactionTrait as _,
};

use crate::CoreError;
use crate::accounts::{Account, Accounts, lock_for_change, normalize_email};
use crate::clock::{self, UnixTime};
use crate::db::entities::{password_reset, user};
use crate::outbox::{Outbox, notices};
use crate::password::Password;
use crate::requester::Requester;
use crate::secrets::MasterKey;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::Sessions;
use crate::throttle::Verdict;
use crate::two_factor::{Answer, Challenge, SmsStatus, TwoFactor};

/// How long a link works.
pub const LINK_VALID_SECS: i64 = 30 * 60;
/// Where a link points on the site: the app's `open_password_reset` server function.
pub const LINK_PATH: &str = "/password/reset-link";

/// What a live link asks for next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResetStep {
    /// The account's second factor, before anything else.
    SecondFactor(Challenge),
    /// "Choose a new password" for the account with this email.
    NewPassword { email: String },
}

#[derive(Clone)]
pub struct PasswordResets {
    db: DatabaseConnection,
    accounts: Accounts,
    two_factor: TwoFactor,
    outbox: Outbox,
    /// Keys the digests of addresses, and seals the link's email.
    key: MasterKey,
    /// The address customers use, without a trailing slash: links never come
    /// from a request's `Host`, which whoever asks can write.
    site_url: String,
    support: String,
}

impl PasswordResets {
    pub fn new(
        db: DatabaseConnection,
        accounts: Accounts,
        two_factor: TwoFactor,
        outbox: Outbox,
        key: MasterKey,
        site_url: &str,
        support: String,
    ) -> Self {
        let site_url = site_url.trim_end_matches('/').to_owned();
        Self { db, accounts, two_factor, outbox, key, site_url, support }
    }

    /// "Forgot your password?" for `email`, by `requester`. Whatever the address,
    /// the answer is the same: the request is counted, and if an account has the
    /// address and the hour has room, a new link replaces its last and is emailed.
    /// A malformed address is refused, which says nothing about accounts.
    pub async fn request(&self, email: &str, requester: &Requester) -> Result<(), CoreError> {
        let email = normalize_email(email)?;
        let now = clock::now();
        let transaction = self.db.begin().await?;
        let counted = requests::count(&transaction, &self.key, &email, now).await?;
        let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&transaction).await?;
        let sent = match found {
            Some(found) if counted => {
                self.store_link(&transaction, &found.into(), requester, now).await?;
                true
            }
            _ => false,
        };
        transaction.commit().await?;
        if sent {
            self.outbox.wake();
        }
        Ok(())
    }

    async fn store_link(
        &self,
        transaction: &DatabaseTransaction,
        account: &Account,
        requester: &Requester,
        now: UnixTime,
    ) -> Result<(), CoreError> {
        use password_reset::{ActiveModel, Column, Entity};

        let token = ResetToken::generate()?;
        let expires_at = now + LINK_VALID_SECS;
        Entity::insert(ActiveModel {
            user_id: Set(account.id),
            token_digest: Set(token.digest()),
            requested_at: Set(now),
            expires_at: Set(expires_at),
            security_stamp: Set(account.security_stamp.clone()),
            second_factor_at: Set(None),
        })
        .on_conflict(
            OnConflict::column(Column::UserId)
                .update_columns([
                    Column::TokenDigest,
                    Column::RequestedAt,
                    Column::ExpiresAt,
                    Column::SecurityStamp,
                    Column::SecondFactorAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(transaction)
        .await?;
        let requested = SecurityEvent::PasswordResetRequested;
        SecurityEvents::record(transaction, account.id, requested, &Actor::Client, requester).await?;
        let link = format!("{}{LINK_PATH}?token={}", self.site_url, token.as_str());
        let email = notices::password_reset_link(account, &link, LINK_VALID_SECS / 60, now);
        Outbox::enqueue_sealed(transaction, &self.key, email, expires_at).await
    }

    /// A link followed from its email: what it asks for next. With SMS codes the
    /// code is sent now, unless a limit says to wait (the page then says so).
    pub async fn follow(&self, token: &ResetToken) -> Result<ResetStep, CoreError> {
        let (link, account) = self.live(token).await?;
        if link.second_factor_at.is_none() {
            self.two_factor.begin_sign_in(&account).await?;
        }
        self.step(token).await
    }

    /// What the live link `token` asks for next.
    pub async fn step(&self, token: &ResetToken) -> Result<ResetStep, CoreError> {
        let (link, account) = self.live(token).await?;
        let factor = self.two_factor.second_factor(account.id).await?;
        Ok(match (factor, link.second_factor_at) {
            (Some(_), None) => ResetStep::SecondFactor(self.two_factor.sign_in_challenge(&account).await?),
            _ => ResetStep::NewPassword { email: account.email },
        })
    }

    /// "Resend code", for a link whose account has SMS codes.
    pub async fn resend_code(&self, token: &ResetToken) -> Result<SmsStatus, CoreError> {
        let (_, account) = self.live(token).await?;
        self.two_factor.resend_sign_in_code(&account).await
    }

    /// The account's second factor, typed by `requester` for the link `token`:
    /// checked as at sign-in (counted first, in the same throttle; a code is
    /// accepted once, a recovery code spent). A right one is noted on the link, in
    /// the same transaction.
    pub async fn give_second_factor(
        &self,
        token: &ResetToken,
        answer: Answer<'_>,
        requester: &Requester,
    ) -> Result<(), CoreError> {
        let (_, account) = self.live(token).await?;
        let factor = self.two_factor.second_factor(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let transaction = self.db.begin().await?;
        let (attempt, verdict) =
            self.two_factor.check_answer_on(&transaction, &account, &factor, answer, requester).await?;
        let Verdict::Right(()) = verdict else {
            transaction.commit().await?;
            return Err(attempt.settle(verdict).await.err().unwrap_or(CoreError::InvalidCode));
        };
        attempt.succeed_on(&transaction).await?;
        let noted = password_reset::Entity::update_many()
            .col_expr(password_reset::Column::SecondFactorAt, Expr::value(clock::now()))
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .filter(password_reset::Column::ExpiresAt.gt(clock::now()))
            .exec(&transaction)
            .await?;
        if noted.rows_affected != 1 {
            // Replaced or spent meanwhile: a recovery code stays unspent.
            return Err(CoreError::ResetLinkInvalid);
        }
        transaction.commit().await?;
        self.outbox.wake();
        Ok(())
    }

    /// "Choose a new password" through the link `token`, by `requester`: with the
    /// registration's policy, and only once the second factor was given when 2FA
    /// is on. One transaction spends the link, stores the password, ends every
    /// session of the account, records the reset and stores the email. Returns
    /// the account as it now is.
    pub async fn choose_new_password(
        &self,
        token: &ResetToken,
        password: Password,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let (link, account) = self.live(token).await?;
        let factor = self.two_factor.second_factor(account.id).await?;
        if factor.is_some() && link.second_factor_at.is_none() {
            return Err(CoreError::SecondFactorRequired);
        }
        let hash = self.accounts.hash_new_password(&account, password).await?;

        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        let mut spend = password_reset::Entity::delete_many()
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .filter(password_reset::Column::ExpiresAt.gt(clock::now()))
            .filter(password_reset::Column::SecurityStamp.eq(account.security_stamp.clone()));
        if factor.is_some() {
            spend = spend.filter(password_reset::Column::SecondFactorAt.is_not_null());
        }
        let spent = spend.exec(&transaction).await?;
        let unchanged = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .filter(user::Column::Id.eq(account.id))
            .filter(user::Column::SecurityStamp.eq(account.security_stamp.clone()))
            .exec(&transaction)
            .await?;
        if spent.rows_affected != 1 || unchanged.rows_affected != 1 {
            // Spent by a racing request, replaced, or a security change meanwhile.
            return Err(CoreError::ResetLinkInvalid);
        }
        let ended = Sessions::end_all(&transaction, account.id).await?;
        SecurityEvents::record(&transaction, account.id, SecurityEvent::PasswordReset, &Actor::Client, requester)
            .await?;
        let notice = notices::password_reset(&account, requester, clock::now(), &self.support);
        Outbox::enqueue(&transaction, notice).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, sessions_ended = ended, "password reset through an emailed link");
        let renewed = user::Entity::find_by_id(account.id).one(&self.db).await?;
        Ok(renewed.map_or(account, Account::from))
    }

    /// Deletes expired links and the counts of hours that are over; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        let now = clock::now();
        let links = password_reset::Entity::delete_many()
            .filter(password_reset::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        Ok(links.rows_affected + requests::purge(&self.db, now).await?)
    }

    /// The link `token` names, with its account, if it is live: not expired, not
    /// replaced or spent, and no security change of the account since it was sent.
    async fn live(&self, token: &ResetToken) -> Result<(password_reset::Model, Account), CoreError> {
        let found = password_reset::Entity::find()
            .filter(password_reset::Column::TokenDigest.eq(token.digest()))
            .find_also_related(user::Entity)
            .one(&self.db)
            .await?;
        match found {
            Some((link, Some(account)))
                if link.expires_at > clock::now() && link.security_stamp == account.security_stamp =>
            {
                Ok((link, account.into()))
            }
            _ => Err(CoreError::ResetLinkInvalid),
        }
    }
}
