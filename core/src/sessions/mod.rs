//! Server-side sessions. The browser holds a 256-bit random token in a cookie; the
//! database holds its SHA-256 with the account, its [`Stage`], the last activity,
//! an absolute expiry and the account's security stamp when it started. Any server
//! behind the load balancer can resolve any session; none resolves a session whose
//! stamp the account has since renewed (a change to its security), even one
//! started by a sign-in that raced with the change.
//!
//! This module keeps sessions; what signing in and out means for the account (its
//! events, its emails) is [`crate::sign_ins`]'.

mod stage;
mod where_signed_in;

pub use stage::Stage;
pub use where_signed_in::SignedInSession;

use std::fmt;
use std::time::Duration;

use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, Set,
    sea_query::{Condition, Expr},
};

use crate::CoreError;
use crate::clock::{self, Clock, UnixTime};
use crate::db::entities::{session, user};
use crate::requester::Requester;
use crate::vocabulary::{Account, SecurityStamp};

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

#[derive(Clone)]
pub struct Sessions {
    db: DatabaseConnection,
    clock: Clock,
    policy: SessionPolicy,
}

impl Sessions {
    pub fn new(db: DatabaseConnection, clock: Clock, policy: SessionPolicy) -> Self {
        Self { db, clock, policy }
    }

    /// A new signed-in session for `account`, unrecorded: for tests and benchmarks
    /// that need one. Customers sign in through [`crate::sign_ins`].
    pub async fn start(&self, account: &Account) -> Result<SessionToken, CoreError> {
        self.insert(&self.db, account, &Requester::default()).await
    }

    /// On `connection`: a new signed-in session for `account`, from `requester`.
    pub(crate) async fn insert(
        &self,
        connection: &impl ConnectionTrait,
        account: &Account,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let now = self.clock.now();
        let stage = Stage::SignedIn { password_confirmed_at: None };
        Self::insert_at(connection, account, (stage, now, self.signed_in_until(now)), requester).await
    }

    /// A session for an account whose password was right but whose second factor is
    /// still to come. It signs nobody in, and ends after five minutes.
    pub async fn start_awaiting_code(
        &self,
        account: &Account,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let now = self.clock.now();
        let stage = Stage::AwaitingSecondFactor { since: now };
        Self::insert_at(&self.db, account, (stage, now, now + AWAITING_CODE_SECS), requester).await
    }

    async fn insert_at(
        connection: &impl ConnectionTrait,
        account: &Account,
        (stage, now, expires_at): (Stage, UnixTime, UnixTime),
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let token = SessionToken::generate()?;
        let (awaiting_code_since, password_confirmed_at) = stage.into_columns();
        session::ActiveModel {
            id: Set(token.digest()),
            user_id: Set(account.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires_at),
            awaiting_code_since: Set(awaiting_code_since),
            password_confirmed_at: Set(password_confirmed_at),
            security_stamp: Set(account.security_stamp.as_str().to_owned()),
            browser: Set(requester.browser.clone()),
            ip: Set(requester.ip.map(|ip| ip.to_string())),
        }
        .insert(connection)
        .await?;
        Ok(token)
    }

    /// On `connection` (the transaction that accepted the second factor): the
    /// half-way session `pending` becomes a signed-in one under a new id, so the id
    /// the browser held before is worthless (session fixation). One conditional
    /// UPDATE: if the half-way session ended meanwhile (signed out by support, the
    /// account's sessions ended, expired), nobody is signed in.
    pub(crate) async fn promote(
        &self,
        connection: &impl ConnectionTrait,
        (pending, requester): (&SignedIn, &Requester),
        now: UnixTime,
    ) -> Result<SessionToken, CoreError> {
        let token = SessionToken::generate()?;
        // Nothing of the half-way session carries over, a step-up least of all.
        let (awaiting_code_since, password_confirmed_at) =
            Stage::SignedIn { password_confirmed_at: None }.into_columns();
        let promoted = session::Entity::update_many()
            .col_expr(session::Column::Id, Expr::value(token.digest()))
            .col_expr(session::Column::CreatedAt, Expr::value(now))
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(self.signed_in_until(now)))
            .col_expr(session::Column::AwaitingCodeSince, Expr::value(awaiting_code_since))
            .col_expr(session::Column::PasswordConfirmedAt, Expr::value(password_confirmed_at))
            .col_expr(session::Column::Browser, Expr::value(requester.browser.clone()))
            .col_expr(session::Column::Ip, Expr::value(requester.ip.map(|ip| ip.to_string())))
            .filter(session::Column::Id.eq(pending.token.digest()))
            .filter(session::Column::UserId.eq(pending.account.id))
            .filter(Stage::awaiting_second_factor())
            .filter(session::Column::ExpiresAt.gt(now))
            .exec(connection)
            .await?;
        if promoted.rows_affected != 1 {
            return Err(CoreError::SessionEnded);
        }
        Ok(token)
    }

    /// When a session signed in at `now` ends at the latest.
    fn signed_in_until(&self, now: UnixTime) -> UnixTime {
        now.saturating_add(clock::seconds(self.policy.absolute))
    }

    /// The account signed in with `token`, if its session is alive and complete.
    pub async fn resolve(&self, token: &SessionToken) -> Result<Option<Account>, CoreError> {
        let alive = self.find_alive(token).await?;
        Ok(alive.filter(|(stage, _)| matches!(stage, Stage::SignedIn { .. })).map(|(_, account)| account))
    }

    /// The account whose second factor `token`'s session is waiting for.
    pub async fn resolve_awaiting_code(&self, token: &SessionToken) -> Result<Option<Account>, CoreError> {
        let alive = self.find_alive(token).await?;
        Ok(alive.filter(|(stage, _)| matches!(stage, Stage::AwaitingSecondFactor { .. })).map(|(_, account)| account))
    }

    /// Notes that the customer re-typed their password in this signed-in session
    /// just now.
    pub async fn mark_password_confirmed(&self, token: &SessionToken) -> Result<(), CoreError> {
        session::Entity::update_many()
            .col_expr(session::Column::PasswordConfirmedAt, Expr::value(self.clock.now()))
            .filter(session::Column::Id.eq(token.digest()))
            .filter(Stage::signed_in())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Whether the password was re-typed in this session within the last ten minutes.
    pub async fn password_recently_confirmed(&self, token: &SessionToken) -> Result<bool, CoreError> {
        let found = session::Entity::find_by_id(token.digest()).one(&self.db).await?;
        let since = self.clock.now() - PASSWORD_CONFIRMATION_SECS;
        Ok(match found.as_ref().and_then(Stage::of) {
            Some(Stage::SignedIn { password_confirmed_at: Some(confirmed) }) => confirmed > since,
            _ => false,
        })
    }

    /// The session's stage and account, if it is alive: not expired, not idle too
    /// long, under the account's current stamp, and in a stage this server can
    /// read. A dead one is deleted; an unreadable one refuses.
    async fn find_alive(&self, token: &SessionToken) -> Result<Option<(Stage, Account)>, CoreError> {
        let id = token.digest();
        let Some((found, Some(account))) =
            session::Entity::find_by_id(id.clone()).find_also_related(user::Entity).one(&self.db).await?
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        if !self.is_alive(&found, now) || found.security_stamp != account.security_stamp {
            session::Entity::delete_by_id(id).exec(&self.db).await?;
            return Ok(None);
        }
        let Some(stage) = Stage::of(&found) else {
            tracing::error!(account = found.user_id, "a session in a stage this server cannot read: refused");
            return Ok(None);
        };
        if now - found.last_seen_at >= TOUCH_INTERVAL_SECS {
            let mut touched: session::ActiveModel = found.into();
            touched.last_seen_at = Set(now);
            touched.update(&self.db).await?;
        }
        Ok(Some((stage, account.into())))
    }

    /// Signs the browser holding `token` out. Ending a session that is gone is fine.
    pub async fn end(&self, token: &SessionToken) -> Result<(), CoreError> {
        end_token(&self.db, token).await
    }

    /// The account's sessions that are still alive, oldest first: for the support tool.
    pub async fn of_account(&self, account_id: i32) -> Result<Vec<SessionSummary>, CoreError> {
        let now = self.clock.now();
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
                awaiting_code: !matches!(Stage::of(&found), Some(Stage::SignedIn { .. })),
            })
            .collect())
    }

    /// Deletes every expired session; returns how many. Run now and then by a worker.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        let now = self.clock.now();
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

/// On `connection`, the transaction of a change to the account's security (its
/// second factor, its password): the account gets a new security stamp, so every
/// other session is void (even one a racing sign-in is about to start) and is
/// deleted, half-way ones too; `keep`, the session that made the change, carries
/// on under the new stamp. Returns the account as it now is, and how many sessions
/// ended. [`crate::store::SecurityChange`] is its one caller.
///
/// Refuses with [`CoreError::SessionEnded`] (and the caller's transaction rolls
/// back) when `keep` no longer counts: the account's stamp moved on since it was
/// read (another change committed meanwhile), or the session was ended.
pub(crate) async fn end_others(
    connection: &impl ConnectionTrait,
    keep: &SignedIn,
) -> Result<(Account, u64), CoreError> {
    let stamp = SecurityStamp::generate();
    let renewed = user::Entity::update_many()
        .col_expr(user::Column::SecurityStamp, Expr::value(stamp.as_str()))
        .filter(user::Column::Id.eq(keep.account.id))
        .filter(user::Column::SecurityStamp.eq(keep.account.security_stamp.as_str()))
        .exec(connection)
        .await?;
    if renewed.rows_affected != 1 {
        return Err(CoreError::SessionEnded);
    }
    let kept = session::Entity::update_many()
        .col_expr(session::Column::SecurityStamp, Expr::value(stamp.as_str()))
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

/// On `connection`: ends every session of the account: a new security stamp voids
/// them all, even one a racing sign-in is about to start, and they are deleted.
/// Returns the account under its new stamp, and how many sessions there were.
pub(crate) async fn end_all(connection: &impl ConnectionTrait, account: &Account) -> Result<(Account, u64), CoreError> {
    let stamp = SecurityStamp::generate();
    user::Entity::update_many()
        .col_expr(user::Column::SecurityStamp, Expr::value(stamp.as_str()))
        .filter(user::Column::Id.eq(account.id))
        .exec(connection)
        .await?;
    let ended = session::Entity::delete_many().filter(session::Column::UserId.eq(account.id)).exec(connection).await?;
    Ok((Account { security_stamp: stamp, ..account.clone() }, ended.rows_affected))
}

/// Gives the session `token` a new id, on `connection`, and returns its new
/// token: after a password change, a copy of the old cookie (a shared computer,
/// a cookie thief) no longer signs anyone in either.
pub(crate) async fn renew_token(
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

/// On `connection`: ends the session `token` names, whoever's it is.
pub(crate) async fn end_token(connection: &impl ConnectionTrait, token: &SessionToken) -> Result<(), CoreError> {
    session::Entity::delete_by_id(token.digest()).exec(connection).await?;
    crate::pending_setups::discard_of_session(connection, &token.digest()).await
}

/// On `connection`: ends the account's session `id` (its stored key); whether it
/// had one such.
pub(crate) async fn end_one(connection: &impl ConnectionTrait, account_id: i32, id: &str) -> Result<bool, CoreError> {
    let ended = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(account_id))
        .exec(connection)
        .await?;
    crate::pending_setups::discard_of_session(connection, id).await?;
    Ok(ended.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sea_orm::TransactionTrait as _;

    use super::*;
    use crate::testing::{self, minutes};

    const POLICY: SessionPolicy =
        SessionPolicy { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 60 * 60) };

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

    #[test]
    fn the_stored_key_is_not_the_token() {
        let token = SessionToken::generate().unwrap();
        assert_eq!(token.digest().len(), 64);
        assert!(!token.digest().contains(token.as_str()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }

    /// Sessions on a clock standing at [`testing::NOW`], and Ana's account.
    async fn sessions() -> (Sessions, Clock, Account, DatabaseConnection) {
        let db = crate::db::for_tests().await;
        let clock = Clock::fixed(testing::NOW);
        let ana = testing::account(&db, "ana@example.com").await;
        (Sessions::new(db.clone(), clock.clone(), POLICY), clock, ana, db)
    }

    async fn half_way(sessions: &Sessions, account: &Account) -> SignedIn {
        let token = sessions.start_awaiting_code(account, &Requester::default()).await.unwrap();
        SignedIn { token, account: account.clone() }
    }

    #[tokio::test]
    async fn a_right_second_factor_turns_the_half_way_session_into_a_new_one_once() {
        let (sessions, _clock, ana, db) = sessions().await;
        let pending = half_way(&sessions, &ana).await;
        let requester = Requester::default();

        let signed_in = sessions.promote(&db, (&pending, &requester), testing::NOW).await.unwrap();
        assert_ne!(signed_in, pending.token, "a new id");
        assert_eq!(sessions.resolve(&signed_in).await.unwrap().map(|found| found.id), Some(ana.id));
        assert!(sessions.resolve_awaiting_code(&pending.token).await.unwrap().is_none(), "the old id is worthless");
        assert!(sessions.resolve(&pending.token).await.unwrap().is_none());

        // Once only: a racing second request finds nothing to complete.
        let again = sessions.promote(&db, (&pending, &requester), testing::NOW).await;
        assert!(matches!(again, Err(CoreError::SessionEnded)), "{again:?}");
        // Nor can a signed-in session be "completed" again under another id.
        let signed_in_pending = SignedIn { token: signed_in, account: ana };
        let promoted = sessions.promote(&db, (&signed_in_pending, &requester), testing::NOW).await;
        assert!(matches!(promoted, Err(CoreError::SessionEnded)), "{promoted:?}");
        assert_eq!(session::Entity::find().all(&db).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_half_way_session_ended_meanwhile_signs_nobody_in() {
        let (sessions, _clock, ana, db) = sessions().await;
        let pending = half_way(&sessions, &ana).await;
        end_all(&db, &ana).await.unwrap();

        let completed = sessions.promote(&db, (&pending, &Requester::default()), testing::NOW).await;
        assert!(matches!(completed, Err(CoreError::SessionEnded)), "{completed:?}");
        assert!(session::Entity::find().all(&db).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_idle_session_ends_and_is_deleted() {
        let (sessions, clock, ana, db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        clock.advance(minutes(29));
        assert!(sessions.resolve(&token).await.unwrap().is_some(), "29 idle minutes are fine");
        clock.advance(minutes(30));
        assert!(sessions.resolve(&token).await.unwrap().is_none());
        assert!(session::Entity::find_by_id(token.digest()).one(&db).await.unwrap().is_none(), "and is deleted");
    }

    #[tokio::test]
    async fn use_moves_the_idle_clock_forward_but_not_past_the_absolute_expiry() {
        let (sessions, clock, ana, _db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        for _ in 0..35 {
            clock.advance(minutes(20));
            assert!(sessions.resolve(&token).await.unwrap().is_some(), "idle 20 minutes since the last request");
        }
        clock.advance(minutes(20));
        assert!(sessions.resolve(&token).await.unwrap().is_none(), "12 hours after sign-in, however active");
    }

    #[tokio::test]
    async fn ended_and_purged_sessions_are_gone() {
        let (sessions, clock, ana, _db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        sessions.end(&token).await.unwrap();
        assert!(sessions.resolve(&token).await.unwrap().is_none());

        sessions.start(&ana).await.unwrap();
        clock.advance(minutes(31));
        assert_eq!(sessions.purge_expired().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_session_awaiting_its_code_signs_nobody_in_and_lasts_five_minutes() {
        let (sessions, clock, ana, _db) = sessions().await;
        let full = sessions.start(&ana).await.unwrap();
        let halfway = half_way(&sessions, &ana).await.token;
        assert!(sessions.resolve(&halfway).await.unwrap().is_none(), "not signed in");
        assert!(sessions.resolve_awaiting_code(&full).await.unwrap().is_none(), "a full session awaits nothing");
        clock.advance(minutes(4));
        assert_eq!(sessions.resolve_awaiting_code(&halfway).await.unwrap(), Some(ana));
        clock.advance(Duration::from_secs(61));
        assert!(sessions.resolve_awaiting_code(&halfway).await.unwrap().is_none(), "gone after five minutes");
    }

    #[tokio::test]
    async fn a_password_confirmation_lasts_ten_minutes_in_its_session_only() {
        let (sessions, clock, ana, _db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        assert!(!sessions.password_recently_confirmed(&token).await.unwrap());
        sessions.mark_password_confirmed(&token).await.unwrap();
        assert!(sessions.password_recently_confirmed(&token).await.unwrap());
        let other = sessions.start(&ana).await.unwrap();
        assert!(!sessions.password_recently_confirmed(&other).await.unwrap());
        let halfway = half_way(&sessions, &ana).await.token;
        sessions.mark_password_confirmed(&halfway).await.unwrap();
        assert!(!sessions.password_recently_confirmed(&halfway).await.unwrap(), "a half-way session confirms nothing");
        clock.advance(Duration::from_secs(600));
        assert!(!sessions.password_recently_confirmed(&token).await.unwrap());
    }

    #[tokio::test]
    async fn a_change_renews_the_stamp_and_voids_every_other_session() {
        let (sessions, _clock, ana, db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        let other = sessions.start(&ana).await.unwrap();
        let halfway = half_way(&sessions, &ana).await.token;
        let stranger = testing::account(&db, "bo@example.com").await;
        let strangers = sessions.start(&stranger).await.unwrap();

        let keep = SignedIn { token: token.clone(), account: ana.clone() };
        let (renewed, ended) = end_others(&db, &keep).await.unwrap();
        assert_eq!(ended, 2);
        assert_ne!(renewed.security_stamp, ana.security_stamp);
        assert_eq!(sessions.resolve(&token).await.unwrap(), Some(renewed.clone()), "this one carries on");
        assert!(sessions.resolve(&other).await.unwrap().is_none());
        assert!(sessions.resolve_awaiting_code(&halfway).await.unwrap().is_none());
        assert!(sessions.resolve(&strangers).await.unwrap().is_some(), "other accounts are untouched");

        // A sign-in that read the account before the change starts a void session.
        let raced = sessions.start(&ana).await.unwrap();
        assert!(sessions.resolve(&raced).await.unwrap().is_none());

        // A change made under the stamp read before the last one refuses, and so does
        // one from a session that ended; their transactions roll back.
        let transaction = db.begin().await.unwrap();
        assert!(matches!(end_others(&transaction, &keep).await, Err(CoreError::SessionEnded)));
        let gone = SignedIn { token: other, account: renewed.clone() };
        assert!(matches!(end_others(&transaction, &gone).await, Err(CoreError::SessionEnded)));
        drop(transaction);
        assert_eq!(sessions.resolve(&token).await.unwrap(), Some(renewed), "nothing changed");
    }

    #[tokio::test]
    async fn a_renewed_token_replaces_the_old_one() {
        let (sessions, _clock, ana, db) = sessions().await;
        let token = sessions.start(&ana).await.unwrap();
        let renewed = renew_token(&db, &token).await.unwrap();
        assert!(sessions.resolve(&token).await.unwrap().is_none());
        assert!(sessions.resolve(&renewed).await.unwrap().is_some());
        assert!(matches!(renew_token(&db, &token).await, Err(CoreError::SessionEnded)));
    }
}
