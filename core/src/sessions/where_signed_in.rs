//! "Where you're signed in": the account's signed-in sessions as its customer sees
//! them ([`crate::sign_ins`] signs them out). A page names a session by a handle
//! derived from its stored key, so neither the cookie's token nor the key the table
//! holds it under ever leaves the server.

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};

use super::{Sessions, SignedIn, Stage};
use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::session;

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
        let now = self.clock.now();
        let this = signed_in.token.digest();
        let mut listed: Vec<SignedInSession> = session::Entity::find()
            .filter(session::Column::UserId.eq(signed_in.account.id))
            .filter(Stage::signed_in())
            .filter(session::Column::SecurityStamp.eq(signed_in.account.security_stamp.as_str()))
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

    /// The stored key of the account's session named `handle`, unless it is the
    /// session asking: what "Sign out" on another session ends.
    pub(crate) async fn named(&self, signed_in: &SignedIn, handle: &str) -> Result<Option<String>, CoreError> {
        let this = signed_in.token.digest();
        let ids: Vec<String> = session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::UserId.eq(signed_in.account.id))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().find(|id| *id != this && handle_of(id) == handle))
    }
}

/// What the page knows a session by: a digest of its stored key, under a label of
/// its own so it is never the digest of anything else.
pub(crate) fn handle_of(id: &str) -> String {
    crate::digest::sha256_hex(&format!("session-handle:{id}"))
}
