//! Server-side sessions. The browser holds a 256-bit random token in a cookie; the
//! database holds its SHA-256 with the account, the last activity, an absolute
//! expiry and the account's security stamp when it started. Any server behind the
//! load balancer can resolve any session; none resolves a session whose stamp the
//! account has since renewed (a change to its security), even one started by a
//! sign-in that raced with the change.

use std::fmt;
use std::time::Duration;

use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, Set, TransactionTrait as _,
    sea_query::{Condition, Expr},
};

use crate::CoreError;
use crate::accounts::{Account, new_security_stamp};
use crate::clock::{self, UnixTime};
use crate::db::entities::{session, user};
use crate::new_sign_in::NewSignInNotice;
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};

mod where_signed_in;

pub use where_signed_in::SignedInSession;

/// How long the half-way state between password and code may last.
const AWAITING_CODE_SECS: i64 = 5 * 60;
/// How long a re-typed password authorises security changes.
const PASSWORD_CONFIRMATION_SECS: i64 = 10 * 60;
/// Last activity is written at most this often, so reading pages costs no writes.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// How long a session lives.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Ended after this long without a request.
    pub idle: Duration,
    /// Ended this long after sign-in, however active.
    pub absolute: Duration,
}

/// The secret a browser presents. It is never printed and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    fn generate() -> Result<Self, CoreError> {
        crate::random_token::generate().map(Self)
    }

    /// A token from a cookie, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        crate::random_token::has_shape(value).then(|| Self(value.to_owned()))
    }

    /// The value to put in the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the session is stored under.
    pub(crate) fn digest(&self) -> String {
        crate::digest::sha256_hex(&self.0)
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// A signed-in account and the token of the session it is signed in with: who asks
/// for a security change, and which of the account's sessions the change keeps.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub token: SessionToken,
    pub account: Account,
}

/// A session as support sees it: no token, no id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub started_at: UnixTime,
    pub last_seen_at: UnixTime,
    /// Half-way: the password was right, the code is still to come.
    pub awaiting_code: bool,
}

/// How a browser came to be signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// With the account's password (and its second factor, when on).
    SignIn,
    /// By registering the account just now: the account's first browser, which it
    /// is not news to the customer that they used.
    Registration,
    /// With a passkey alone ("Sign in with a passkey"), which counts as both factors.
    Passkey,
}

#[derive(Clone)]
pub struct Sessions {
    db: DatabaseConnection,
    policy: SessionPolicy,
    /// Emails a sign-in from a browser the account does not know.
    new_sign_in: NewSignInNotice,
}

impl Sessions {
    pub fn new(db: DatabaseConnection, policy: SessionPolicy, new_sign_in: NewSignInNotice) -> Self {
        Self { db, policy, new_sign_in }
    }

    /// A new signed-in session for `account`, unrecorded: for tests and benchmarks
    /// that need one. Customers sign in through [`sign_in`](Self::sign_in).
    pub async fn start(&self, account: &Account) -> Result<SessionToken, CoreError> {
        Self::insert(&self.db, account, self.signed_in_until(), None, &Requester::default()).await
    }

    /// Signs `account` in for `requester`, in one transaction: the session the
    /// browser had (`replacing`) ends, so an id planted before sign-in is worthless
    /// after it (session fixation); a new one starts, and the sign-in is recorded,
    /// with an email if it is a sign-in from a browser the account does not know.
    pub async fn sign_in(
        &self,
        replacing: Option<&SessionToken>,
        account: &Account,
        requester: &Requester,
        arrival: Arrival,
    ) -> Result<SessionToken, CoreError> {
        let transaction = self.db.begin().await?;
        if let Some(replaced) = replacing {
            session::Entity::delete_by_id(replaced.digest()).exec(&transaction).await?;
        }
        let token = Self::insert(&transaction, account, self.signed_in_until(), None, requester).await?;
        let event = match arrival {
            Arrival::Passkey => SecurityEvent::SignedInWithPasskey,
            Arrival::SignIn | Arrival::Registration => SecurityEvent::SignedIn,
        };
        SecurityEvents::record(&transaction, account.id, event, &Actor::Client, requester).await?;
        let emailed = match arrival {
            Arrival::SignIn | Arrival::Passkey => {
                self.new_sign_in.store_unless_known(&transaction, account, requester).await?
            }
            Arrival::Registration => false,
        };
        transaction.commit().await?;
        if emailed {
            self.new_sign_in.send();
        }
        Ok(token)
    }

    /// Completes the sign-in `pending` started once its second factor is right, in
    /// the caller's transaction (the one that accepted the factor): the half-way
    /// session becomes a signed-in one under a new id, so the id the browser held
    /// before is worthless (session fixation), and the sign-in is recorded. One
    /// conditional UPDATE: if the half-way session ended meanwhile (signed out by
    /// support, the account's sessions ended, expired), nobody is signed in.
    pub async fn complete_sign_in_on(
        &self,
        connection: &impl ConnectionTrait,
        pending: &SignedIn,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let token = SessionToken::generate()?;
        let now = clock::now();
        let promoted = session::Entity::update_many()
            .col_expr(session::Column::Id, Expr::value(token.digest()))
            .col_expr(session::Column::CreatedAt, Expr::value(now))
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(self.signed_in_until()))
            .col_expr(session::Column::AwaitingCodeSince, Expr::value(None::<UnixTime>))
            // Nothing of the half-way session carries over, a step-up least of all.
            .col_expr(session::Column::PasswordConfirmedAt, Expr::value(None::<UnixTime>))
            .col_expr(session::Column::Browser, Expr::value(requester.browser.clone()))
            .col_expr(session::Column::Ip, Expr::value(requester.ip.map(|ip| ip.to_string())))
            .filter(session::Column::Id.eq(pending.token.digest()))
            .filter(session::Column::UserId.eq(pending.account.id))
            .filter(session::Column::AwaitingCodeSince.is_not_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .exec(connection)
            .await?;
        if promoted.rows_affected != 1 {
            return Err(CoreError::SessionEnded);
        }
        let account = &pending.account;
        SecurityEvents::record(connection, account.id, SecurityEvent::SignedIn, &Actor::Client, requester).await?;
        // The caller wakes the outbox once its transaction has committed.
        self.new_sign_in.store_unless_known(connection, account, requester).await?;
        Ok(token)
    }

    /// When a session signed in now ends at the latest.
    fn signed_in_until(&self) -> UnixTime {
        clock::now().saturating_add(clock::seconds(self.policy.absolute))
    }

    /// A session for an account whose password was right but whose second factor is
    /// still to come. It signs nobody in, and ends after five minutes.
    pub async fn start_awaiting_code(
        &self,
        account: &Account,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let now = clock::now();
        Self::insert(&self.db, account, now + AWAITING_CODE_SECS, Some(now), requester).await
    }

    async fn insert(
        connection: &impl ConnectionTrait,
        account: &Account,
        expires_at: UnixTime,
        awaiting_code_since: Option<UnixTime>,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let token = SessionToken::generate()?;
        let now = clock::now();
        session::ActiveModel {
            id: Set(token.digest()),
            user_id: Set(account.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires_at),
            awaiting_code_since: Set(awaiting_code_since),
            password_confirmed_at: Set(None),
            security_stamp: Set(account.security_stamp.clone()),
            browser: Set(requester.browser.clone()),
            ip: Set(requester.ip.map(|ip| ip.to_string())),
        }
        .insert(connection)
        .await?;
        Ok(token)
    }

    /// The account signed in with `token`, if its session is alive and complete.
    pub async fn resolve(&self, token: &SessionToken) -> Result<Option<Account>, CoreError> {
        let alive = self.find_alive(token).await?;
        Ok(alive.filter(|(found, _)| found.awaiting_code_since.is_none()).map(|(_, account)| account))
    }

    /// The account whose second factor `token`'s session is waiting for.
    pub async fn resolve_awaiting_code(&self, token: &SessionToken) -> Result<Option<Account>, CoreError> {
        let alive = self.find_alive(token).await?;
        Ok(alive.filter(|(found, _)| found.awaiting_code_since.is_some()).map(|(_, account)| account))
    }

    /// Notes that the customer re-typed their password in this session just now.
    pub async fn mark_password_confirmed(&self, token: &SessionToken) -> Result<(), CoreError> {
        session::Entity::update_many()
            .col_expr(session::Column::PasswordConfirmedAt, Expr::value(clock::now()))
            .filter(session::Column::Id.eq(token.digest()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Whether the password was re-typed in this session within the last ten minutes.
    pub async fn password_recently_confirmed(&self, token: &SessionToken) -> Result<bool, CoreError> {
        let found = session::Entity::find_by_id(token.digest()).one(&self.db).await?;
        let since = clock::now() - PASSWORD_CONFIRMATION_SECS;
        Ok(found.and_then(|found| found.password_confirmed_at).is_some_and(|confirmed| confirmed > since))
    }

    async fn find_alive(&self, token: &SessionToken) -> Result<Option<(session::Model, Account)>, CoreError> {
        let id = token.digest();
        let Some((found, Some(account))) =
            session::Entity::find_by_id(id.clone()).find_also_related(user::Entity).one(&self.db).await?
        else {
            return Ok(None);
        };
        let now = clock::now();
        if !self.is_alive(&found, now) || found.security_stamp != account.security_stamp {
            session::Entity::delete_by_id(id).exec(&self.db).await?;
            return Ok(None);
        }
        if now - found.last_seen_at >= TOUCH_INTERVAL_SECS {
            let mut touched: session::ActiveModel = found.clone().into();
            touched.last_seen_at = Set(now);
            touched.update(&self.db).await?;
        }
        Ok(Some((found, account.into())))
    }

    /// Signs the browser holding `token` out. Ending a session that is gone is fine.
    pub async fn end(&self, token: &SessionToken) -> Result<(), CoreError> {
        session::Entity::delete_by_id(token.digest()).exec(&self.db).await?;
        Ok(())
    }

    /// After a change to the account's security (its second factor, its password),
    /// on `connection`: pass the transaction of the change. The account gets a new
    /// security stamp, so every other session is void (even one a racing sign-in is
    /// about to start) and is deleted, half-way ones too; `keep`, the session that
    /// made the change, carries on under the new stamp. Returns the account as it
    /// now is, and how many sessions ended.
    ///
    /// Refuses with [`CoreError::SessionEnded`] (and the caller's transaction rolls
    /// back) when `keep` no longer counts: the account's stamp moved on since it
    /// was read (another change committed meanwhile), or the session was ended.
    pub async fn renew_after_change(
        connection: &impl ConnectionTrait,
        keep: &SignedIn,
    ) -> Result<(Account, u64), CoreError> {
        let stamp = new_security_stamp();
        let renewed = user::Entity::update_many()
            .col_expr(user::Column::SecurityStamp, Expr::value(stamp.clone()))
            .filter(user::Column::Id.eq(keep.account.id))
            .filter(user::Column::SecurityStamp.eq(keep.account.security_stamp.clone()))
            .exec(connection)
            .await?;
        if renewed.rows_affected != 1 {
            return Err(CoreError::SessionEnded);
        }
        let kept = session::Entity::update_many()
            .col_expr(session::Column::SecurityStamp, Expr::value(stamp.clone()))
            .filter(session::Column::Id.eq(keep.token.digest()))
            .filter(session::Column::UserId.eq(keep.account.id))
            .exec(connection)
            .await?;
        if kept.rows_affected != 1 {
            return Err(CoreError::SessionEnded);
        }
        let ended = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(keep.account.id))
            .filter(session::Column::Id.ne(keep.token.digest()))
            .exec(connection)
            .await?;
        Ok((Account { security_stamp: stamp, ..keep.account.clone() }, ended.rows_affected))
    }

    /// Gives the session `token` a new id, on `connection`, and returns its new
    /// token: after a password change, a copy of the old cookie (a shared computer,
    /// a cookie thief) no longer signs anyone in either.
    pub async fn renew_token_on(
        connection: &impl ConnectionTrait,
        token: &SessionToken,
    ) -> Result<SessionToken, CoreError> {
        let renewed = SessionToken::generate()?;
        let moved = session::Entity::update_many()
            .col_expr(session::Column::Id, Expr::value(renewed.digest()))
            .filter(session::Column::Id.eq(token.digest()))
            .exec(connection)
            .await?;
        if moved.rows_affected != 1 {
            return Err(CoreError::SessionEnded);
        }
        Ok(renewed)
    }

    /// Ends every session of the account, on `connection` (pass the transaction of
    /// the change): a new security stamp voids them all, even one a racing sign-in
    /// is about to start, and they are deleted. Returns how many there were.
    pub async fn end_all(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        user::Entity::update_many()
            .col_expr(user::Column::SecurityStamp, Expr::value(new_security_stamp()))
            .filter(user::Column::Id.eq(account_id))
            .exec(connection)
            .await?;
        let ended =
            session::Entity::delete_many().filter(session::Column::UserId.eq(account_id)).exec(connection).await?;
        Ok(ended.rows_affected)
    }

    /// The account's sessions that are still alive, oldest first: for the support tool.
    pub async fn of_account(&self, account_id: i32) -> Result<Vec<SessionSummary>, CoreError> {
        let now = clock::now();
        let found = session::Entity::find()
            .filter(session::Column::UserId.eq(account_id))
            .order_by_asc(session::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(found
            .into_iter()
            .filter(|found| self.is_alive(found, now))
            .map(|found| SessionSummary {
                started_at: found.created_at,
                last_seen_at: found.last_seen_at,
                awaiting_code: found.awaiting_code_since.is_some(),
            })
            .collect())
    }

    /// Deletes every expired session; returns how many. Run now and then by a worker.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        let now = clock::now();
        let result = session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::ExpiresAt.lte(now))
                    .add(session::Column::LastSeenAt.lte(now - clock::seconds(self.policy.idle))),
            )
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }

    fn is_alive(&self, found: &session::Model, now: UnixTime) -> bool {
        now < found.expires_at && now < found.last_seen_at.saturating_add(clock::seconds(self.policy.idle))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait as _;

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn tokens_carry_256_random_bits() {
        let first = SessionToken::generate().unwrap();
        let second = SessionToken::generate().unwrap();
        assert_ne!(first, second);
        assert_eq!(URL_SAFE_NO_PAD.decode(first.as_str()).unwrap().len(), 32);
        assert_eq!(SessionToken::parse(first.as_str()), Some(first));
    }

    #[test]
    fn malformed_cookies_are_not_tokens() {
        assert_eq!(SessionToken::parse(""), None);
        assert_eq!(SessionToken::parse("not base64!"), None);
        assert_eq!(SessionToken::parse(&URL_SAFE_NO_PAD.encode([0u8; 16])), None);
    }

    async fn signed_in_session(policy: SessionPolicy) -> (Sessions, SessionToken, DatabaseConnection) {
        let db = crate::db::for_tests().await;
        let account = insert_account(&db, "ana@example.com").await;
        let sessions = Sessions::new(db.clone(), policy, test_notice(&db));
        let token = sessions.start(&account).await.unwrap();
        (sessions, token, db)
    }

    use crate::accounts::insert_for_tests as insert_account;

    /// An account whose password was right and whose second factor is to come.
    async fn half_way_session() -> (Sessions, SignedIn, DatabaseConnection) {
        let db = crate::db::for_tests().await;
        let account = insert_account(&db, "ana@example.com").await;
        let sessions = Sessions::new(db.clone(), POLICY, test_notice(&db));
        let token = sessions.start_awaiting_code(&account, &Requester::default()).await.unwrap();
        (sessions, SignedIn { token, account }, db)
    }

    /// Moves the session's clock back, as if `seconds` had passed.
    async fn age(db: &DatabaseConnection, token: &SessionToken, seconds: i64) {
        let found = session::Entity::find_by_id(token.digest()).one(db).await.unwrap().unwrap();
        let mut aged: session::ActiveModel = found.clone().into();
        aged.created_at = Set(found.created_at - seconds);
        aged.last_seen_at = Set(found.last_seen_at - seconds);
        aged.expires_at = Set(found.expires_at - seconds);
        aged.update(db).await.unwrap();
    }

    fn test_notice(db: &DatabaseConnection) -> NewSignInNotice {
        let key = crate::secrets::MasterKey::generate();
        let outbox = crate::outbox::Outbox::for_tests(db, key.clone());
        NewSignInNotice::new(crate::devices::Devices::new(key), outbox, "support".into())
    }

    const POLICY: SessionPolicy =
        SessionPolicy { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 60 * 60) };

    #[tokio::test]
    async fn a_right_second_factor_turns_the_half_way_session_into_a_new_one_once() {
        let (sessions, pending, db) = half_way_session().await;
        let (half_way, account) = (pending.token.clone(), pending.account.clone());
        let requester = Requester::default();

        let signed_in = sessions.complete_sign_in_on(&db, &pending, &requester).await.unwrap();
        assert_ne!(signed_in, half_way, "a new id");
        assert_eq!(sessions.resolve(&signed_in).await.unwrap().map(|found| found.id), Some(account.id));
        assert!(sessions.resolve_awaiting_code(&half_way).await.unwrap().is_none(), "the old id is worthless");
        assert!(sessions.resolve(&half_way).await.unwrap().is_none());

        // Once only: a racing second request finds nothing to complete.
        let again = sessions.complete_sign_in_on(&db, &pending, &requester).await;
        assert!(matches!(again, Err(CoreError::SessionEnded)), "{again:?}");
        // Nor can a signed-in session be "completed" again under another id.
        let signed_in_pending = SignedIn { token: signed_in, account };
        let promoted = sessions.complete_sign_in_on(&db, &signed_in_pending, &requester).await;
        assert!(matches!(promoted, Err(CoreError::SessionEnded)), "{promoted:?}");
        assert_eq!(session::Entity::find().all(&db).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_half_way_session_ended_meanwhile_signs_nobody_in() {
        let (sessions, pending, db) = half_way_session().await;
        Sessions::end_all(&db, pending.account.id).await.unwrap();

        let completed = sessions.complete_sign_in_on(&db, &pending, &Requester::default()).await;
        assert!(matches!(completed, Err(CoreError::SessionEnded)), "{completed:?}");
        assert!(session::Entity::find().all(&db).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_fresh_session_resolves_to_its_account() {
        let (sessions, token, _db) = signed_in_session(POLICY).await;
        let account = sessions.resolve(&token).await.unwrap().unwrap();
        assert_eq!(account.email, "ana@example.com");
    }

    #[tokio::test]
    async fn an_idle_session_ends() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        age(&db, &token, 29 * 60).await;
        assert!(sessions.resolve(&token).await.unwrap().is_some(), "29 idle minutes are fine");
        age(&db, &token, 31 * 60).await;
        assert!(sessions.resolve(&token).await.unwrap().is_none());
        assert!(session::Entity::find_by_id(token.digest()).one(&db).await.unwrap().is_none(), "and is deleted");
    }

    #[tokio::test]
    async fn activity_does_not_extend_a_session_past_its_absolute_expiry() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        // Active a minute ago, but signed in 12 hours ago.
        let found = session::Entity::find_by_id(token.digest()).one(&db).await.unwrap().unwrap();
        let mut old: session::ActiveModel = found.clone().into();
        old.expires_at = Set(clock::now() - 1);
        old.last_seen_at = Set(clock::now() - 60);
        old.update(&db).await.unwrap();
        assert!(sessions.resolve(&token).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn use_moves_the_idle_clock_forward() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        age(&db, &token, 20 * 60).await;
        sessions.resolve(&token).await.unwrap().unwrap();
        age(&db, &token, 20 * 60).await;
        assert!(sessions.resolve(&token).await.unwrap().is_some(), "idle 20 minutes since the last request");
    }

    #[tokio::test]
    async fn ended_and_purged_sessions_are_gone() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        sessions.end(&token).await.unwrap();
        assert!(sessions.resolve(&token).await.unwrap().is_none());

        let account: Account = user::Entity::find().one(&db).await.unwrap().unwrap().into();
        let other = sessions.start(&account).await.unwrap();
        age(&db, &other, 31 * 60).await;
        assert_eq!(sessions.purge_expired().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_session_awaiting_its_code_signs_nobody_in_and_lasts_five_minutes() {
        let (sessions, full, db) = signed_in_session(POLICY).await;
        let account = sessions.resolve(&full).await.unwrap().unwrap();
        let halfway = sessions.start_awaiting_code(&account, &Requester::default()).await.unwrap();
        assert!(sessions.resolve(&halfway).await.unwrap().is_none(), "not signed in");
        assert!(sessions.resolve_awaiting_code(&full).await.unwrap().is_none(), "a full session awaits nothing");
        age(&db, &halfway, 4 * 60).await;
        assert_eq!(sessions.resolve_awaiting_code(&halfway).await.unwrap(), Some(account));
        age(&db, &halfway, 61).await;
        assert!(sessions.resolve_awaiting_code(&halfway).await.unwrap().is_none(), "gone after five minutes");
    }

    #[tokio::test]
    async fn a_password_confirmation_lasts_ten_minutes_in_its_session_only() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        assert!(!sessions.password_recently_confirmed(&token).await.unwrap());
        sessions.mark_password_confirmed(&token).await.unwrap();
        assert!(sessions.password_recently_confirmed(&token).await.unwrap());
        let account: Account = user::Entity::find().one(&db).await.unwrap().unwrap().into();
        let other = sessions.start(&account).await.unwrap();
        assert!(!sessions.password_recently_confirmed(&other).await.unwrap());
        db.execute_unprepared(&format!("UPDATE sessions SET password_confirmed_at = {}", clock::now() - 601))
            .await
            .unwrap();
        assert!(!sessions.password_recently_confirmed(&token).await.unwrap());
    }

    #[tokio::test]
    async fn a_change_renews_the_stamp_and_voids_every_other_session() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        let account = sessions.resolve(&token).await.unwrap().unwrap();
        let other = sessions.start(&account).await.unwrap();
        let halfway = sessions.start_awaiting_code(&account, &Requester::default()).await.unwrap();
        let stranger = insert_account(&db, "bo@example.com").await;
        let strangers = sessions.start(&stranger).await.unwrap();

        let keep = SignedIn { token: token.clone(), account: account.clone() };
        let (renewed, ended) = Sessions::renew_after_change(&db, &keep).await.unwrap();
        assert_eq!(ended, 2);
        assert_ne!(renewed.security_stamp, account.security_stamp);
        assert_eq!(sessions.resolve(&token).await.unwrap(), Some(renewed.clone()), "this one carries on");
        assert!(sessions.resolve(&other).await.unwrap().is_none());
        assert!(sessions.resolve_awaiting_code(&halfway).await.unwrap().is_none());
        assert!(sessions.resolve(&strangers).await.unwrap().is_some(), "other accounts are untouched");

        // A sign-in that read the account before the change starts a void session.
        let raced = sessions.start(&account).await.unwrap();
        assert!(sessions.resolve(&raced).await.unwrap().is_none());

        // A change made under the stamp read before the last one refuses, and so does
        // one from a session that ended; their transactions roll back.
        let transaction = db.begin().await.unwrap();
        assert!(matches!(Sessions::renew_after_change(&transaction, &keep).await, Err(CoreError::SessionEnded)));
        let gone = SignedIn { token: other, account: renewed.clone() };
        assert!(matches!(Sessions::renew_after_change(&transaction, &gone).await, Err(CoreError::SessionEnded)));
        drop(transaction);
        assert_eq!(sessions.resolve(&token).await.unwrap(), Some(renewed), "nothing changed");
    }

    #[tokio::test]
    async fn a_renewed_token_replaces_the_old_one() {
        let (sessions, token, db) = signed_in_session(POLICY).await;
        let renewed = Sessions::renew_token_on(&db, &token).await.unwrap();
        assert!(sessions.resolve(&token).await.unwrap().is_none());
        assert!(sessions.resolve(&renewed).await.unwrap().is_some());
        assert!(matches!(Sessions::renew_token_on(&db, &token).await, Err(CoreError::SessionEnded)));
    }

    #[test]
    fn the_stored_key_is_not_the_token() {
        let token = SessionToken::generate().unwrap();
        assert_eq!(token.digest().len(), 64);
        assert!(!token.digest().contains(token.as_str()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
