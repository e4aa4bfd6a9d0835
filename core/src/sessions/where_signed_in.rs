//! "Where you're signed in": the account's signed-in sessions as its customer sees
//! them, and signing one of the others, or all of them, out. A page names a session
//! by a handle derived from its stored key, so neither the cookie's token nor the
//! key the table holds it under ever leaves the server.

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _, TransactionTrait as _};

use super::{Sessions, SignedIn};
use crate::CoreError;
use crate::accounts::Account;
use crate::clock::{self, UnixTime};
use crate::db::entities::session;
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};

/// A session as its own customer sees it in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInSession {
    /// Names the session to "Sign out"; means nothing anywhere else.
    pub handle: String,
    /// Like "Firefox on Windows".
    pub browser: String,
    /// The client's address at sign-in, when known.
    pub ip: Option<String>,
    pub signed_in_at: UnixTime,
    /// Updated at most once a minute.
    pub last_active_at: UnixTime,
    /// The session asking.
    pub this_device: bool,
}

impl Sessions {
    /// The account's signed-in sessions: the one asking first, then the most
    /// recently active. Half-way sessions (the code still to come), and ones that
    /// expired or that a change to the account's security voided, are not listed.
    pub async fn where_signed_in(&self, signed_in: &SignedIn) -> Result<Vec<SignedInSession>, CoreError> {
        let now = clock::now();
        let this = signed_in.token.digest();
        let mut listed: Vec<SignedInSession> = session::Entity::find()
            .filter(session::Column::UserId.eq(signed_in.account.id))
            .filter(session::Column::AwaitingCodeSince.is_null())
            .filter(session::Column::SecurityStamp.eq(signed_in.account.security_stamp.clone()))
            .all(&self.db)
            .await?
            .into_iter()
            .filter(|found| self.is_alive(found, now))
            .map(|found| SignedInSession {
                handle: handle_of(&found.id),
                browser: if found.browser.is_empty() { "An unknown browser".to_owned() } else { found.browser },
                ip: found.ip,
                signed_in_at: found.created_at,
                last_active_at: found.last_seen_at,
                this_device: found.id == this,
            })
            .collect();
        listed.sort_by_key(|listed| (!listed.this_device, std::cmp::Reverse(listed.last_active_at)));
        Ok(listed)
    }

    /// Signs out the account's other session named `handle`: its next request, on
    /// any server, finds no session. Returns whether there was one to end (a
    /// handle of the session asking, of another account's, or of one already
    /// ended names none).
    pub async fn sign_out_one(
        &self,
        signed_in: &SignedIn,
        handle: &str,
        requester: &Requester,
    ) -> Result<bool, CoreError> {
        let account_id = signed_in.account.id;
        let this = signed_in.token.digest();
        let ids: Vec<String> = session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::UserId.eq(account_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let Some(id) = ids.into_iter().find(|id| *id != this && handle_of(id) == handle) else {
            return Ok(false);
        };
        let transaction = self.db.begin().await?;
        let ended = session::Entity::delete_many()
            .filter(session::Column::Id.eq(id))
            .filter(session::Column::UserId.eq(account_id))
            .exec(&transaction)
            .await?;
        if ended.rows_affected == 0 {
            return Ok(false);
        }
        SecurityEvents::record(&transaction, account_id, SecurityEvent::SessionSignedOut, &Actor::Client, requester)
            .await?;
        transaction.commit().await?;
        Ok(true)
    }

    /// Signs out every other session of the account, and voids the device notes of
    /// every other browser (see [`crate::devices`]): the account's security stamp
    /// is renewed, so a sign-in racing with this one starts a void session too.
    /// Returns the account as it now is (the browser asking needs a new device
    /// note), and how many sessions ended.
    pub async fn sign_out_others(
        &self,
        signed_in: &SignedIn,
        requester: &Requester,
    ) -> Result<(Account, u64), CoreError> {
        let transaction = self.db.begin().await?;
        let (account, ended) = Self::renew_after_change(&transaction, signed_in).await?;
        let event = SecurityEvent::OtherSessionsSignedOut;
        SecurityEvents::record(&transaction, account.id, event, &Actor::Client, requester).await?;
        transaction.commit().await?;
        Ok((account, ended))
    }
}

/// What the page knows a session by: a digest of its stored key, under a label of
/// its own so it is never the digest of anything else.
fn handle_of(id: &str) -> String {
    crate::digest::sha256_hex(&format!("session-handle:{id}"))
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use sea_orm::DatabaseConnection;

    use super::*;
    use crate::sessions::{Arrival, SessionToken};

    const POLICY: super::super::SessionPolicy = super::super::SessionPolicy {
        idle: std::time::Duration::from_secs(30 * 60),
        absolute: std::time::Duration::from_secs(12 * 60 * 60),
    };

    use crate::accounts::insert_for_tests as account;

    fn firefox() -> Requester {
        Requester::new(
            Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7))),
            Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
            Vec::new(),
        )
    }

    async fn setup() -> (Sessions, SignedIn, SessionToken, DatabaseConnection) {
        let db = crate::db::for_tests().await;
        let ana = account(&db, "ana@example.com").await;
        let key = crate::secrets::MasterKey::generate();
        let notice = crate::new_sign_in::NewSignInNotice::new(
            crate::devices::Devices::new(key.clone()),
            crate::outbox::Outbox::for_tests(&db, key),
            "support".into(),
        );
        let sessions = Sessions::new(db.clone(), POLICY, notice);
        let this = sessions.start(&ana).await.unwrap();
        let other = sessions.sign_in(None, &ana, &firefox(), Arrival::SignIn).await.unwrap();
        (sessions, SignedIn { token: this, account: ana }, other, db)
    }

    #[tokio::test]
    async fn lists_the_accounts_signed_in_sessions_with_this_one_first() {
        let (sessions, this, _other, db) = setup().await;
        sessions.start_awaiting_code(&this.account, &firefox()).await.unwrap();
        let bo = account(&db, "bo@example.com").await;
        sessions.start(&bo).await.unwrap();

        let listed = sessions.where_signed_in(&this).await.unwrap();
        assert_eq!(listed.len(), 2, "not the half-way one, nor another account's: {listed:?}");
        assert!(listed[0].this_device);
        assert_eq!(listed[0].browser, "An unknown browser");
        assert!(!listed[1].this_device);
        assert_eq!(listed[1].browser, "Firefox on Windows");
        assert_eq!(listed[1].ip.as_deref(), Some("203.0.113.7"));
        assert_ne!(listed[0].handle, listed[1].handle);
        assert!(!listed.iter().any(|listed| listed.handle == this.token.digest()), "not the stored key");
    }

    #[tokio::test]
    async fn signs_out_another_session_once_and_never_this_one() {
        let (sessions, this, other, db) = setup().await;
        let listed = sessions.where_signed_in(&this).await.unwrap();
        let (mine, theirs) = (listed[0].handle.clone(), listed[1].handle.clone());

        assert!(!sessions.sign_out_one(&this, &mine, &firefox()).await.unwrap(), "not the session asking");
        assert!(!sessions.sign_out_one(&this, "not-a-handle", &firefox()).await.unwrap());
        let bo =
            SignedIn { token: sessions.start(&account(&db, "bo@example.com").await).await.unwrap(), ..this.clone() };
        let bo = SignedIn { account: sessions.resolve(&bo.token).await.unwrap().unwrap(), ..bo };
        assert!(!sessions.sign_out_one(&bo, &theirs, &firefox()).await.unwrap(), "not another account's");

        assert!(sessions.sign_out_one(&this, &theirs, &firefox()).await.unwrap());
        assert!(sessions.resolve(&other).await.unwrap().is_none());
        assert!(sessions.resolve(&this.token).await.unwrap().is_some());
        assert!(!sessions.sign_out_one(&this, &theirs, &firefox()).await.unwrap(), "once");
    }

    #[tokio::test]
    async fn signing_out_the_others_keeps_this_session_under_a_new_stamp() {
        let (sessions, this, other, _db) = setup().await;
        let (renewed, ended) = sessions.sign_out_others(&this, &firefox()).await.unwrap();
        assert_eq!(ended, 1);
        assert_ne!(renewed.security_stamp, this.account.security_stamp);
        assert!(sessions.resolve(&other).await.unwrap().is_none());
        assert_eq!(sessions.resolve(&this.token).await.unwrap(), Some(renewed));
    }
}
