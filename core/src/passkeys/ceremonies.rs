//! WebAuthn ceremonies under way. The challenge and what webauthn-rs needs to
//! check the answer are stored sealed, under their owner (the digest of the
//! session, or of the visitor cookie, that started them; one per purpose:
//! starting again replaces the last), for five minutes, and taken once: the one
//! `DELETE` that spends one decides between racing answers, on any number of
//! servers.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::webauthn_ceremony::{self, ActiveModel, Column, Entity};
use crate::secrets::{MasterKey, SealedSecret, contexts};

/// How long the browser's dialog may take.
const VALID_SECS: i64 = 5 * 60;

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    Register,
    SignIn,
    /// Signing in with a passkey alone: no account is known until the answer.
    Passwordless,
}

impl Purpose {
    fn stored(self) -> &'static str {
        match self {
            Self::Register => webauthn_ceremony::PURPOSE_REGISTER,
            Self::SignIn => "sign_in",
            Self::Passwordless => "passwordless",
        }
    }
}

/// One ceremony: whose (`owner`), what for, and of which account (none yet for
/// a passwordless one).
pub(super) struct Ceremony<'a> {
    pub owner: &'a str,
    pub purpose: Purpose,
    pub account_id: Option<i32>,
}

impl Ceremony<'_> {
    /// Stores `state` for the ceremony at `now`, replacing the one its owner had
    /// for the same purpose.
    pub(super) async fn start<T: Serialize>(
        &self,
        db: &DatabaseConnection,
        key: &MasterKey,
        state: &T,
        now: UnixTime,
    ) -> Result<(), CoreError> {
        let json = serde_json::to_vec(state).map_err(|error| CoreError::Worker(error.to_string()))?;
        let sealed = SealedSecret::seal(key, &self.context(), &json).into_stored();
        Entity::insert(ActiveModel {
            owner_digest: Set(self.owner.to_owned()),
            purpose: Set(self.purpose.stored().into()),
            user_id: Set(self.account_id),
            sealed_state: Set(sealed),
            expires_at: Set(now + VALID_SECS),
        })
        .on_conflict(
            OnConflict::columns([Column::OwnerDigest, Column::Purpose])
                .update_columns([Column::UserId, Column::SealedState, Column::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Takes the ceremony on `connection` at `now`: once, within five minutes.
    /// Anything else refuses as a passkey would that does not check out.
    pub(super) async fn take<T: DeserializeOwned>(
        &self,
        connection: &impl ConnectionTrait,
        key: &MasterKey,
        now: UnixTime,
    ) -> Result<T, CoreError> {
        let (owner, purpose) = (self.owner, self.purpose.stored());
        let found = Entity::find_by_id((owner.to_owned(), purpose.to_owned())).one(connection).await?;
        let Some(found) = found.filter(|found| found.user_id == self.account_id) else {
            return Err(CoreError::PasskeyRefused);
        };
        let spent = Entity::delete_many()
            .filter(Column::OwnerDigest.eq(owner))
            .filter(Column::Purpose.eq(purpose))
            .filter(Column::SealedState.eq(&found.sealed_state))
            .exec(connection)
            .await?;
        if spent.rows_affected != 1 || found.expires_at <= now {
            return Err(CoreError::PasskeyRefused);
        }
        let json = SealedSecret::from_stored(found.sealed_state).open(key, &self.context())?;
        serde_json::from_slice(&json).map_err(|_| CoreError::PasskeyRefused)
    }

    fn context(&self) -> String {
        contexts::webauthn_ceremony(self.purpose.stored(), self.account_id, self.owner)
    }
}

/// Deletes ceremonies past their five minutes at `now`; returns how many.
pub(super) async fn purge_expired(db: &DatabaseConnection, now: UnixTime) -> Result<u64, CoreError> {
    Ok(Entity::delete_many().filter(Column::ExpiresAt.lte(now)).exec(db).await?.rows_affected)
}
