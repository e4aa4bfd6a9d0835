//! WebAuthn ceremonies under way. The challenge and what webauthn-rs needs to
//! check the answer are stored sealed, under the session that started them (one
//! per purpose: starting again replaces the last), for five minutes, and taken
//! once: the one `DELETE` that spends one decides between racing answers, on any
//! number of servers.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::CoreError;
use crate::clock;
use crate::db::entities::webauthn_ceremony::{ActiveModel, Column, Entity};
use crate::secrets::{MasterKey, SealedSecret};
use crate::sessions::SessionToken;

/// How long the browser's dialog may take.
const VALID_SECS: i64 = 5 * 60;

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    Register,
    SignIn,
}

impl Purpose {
    fn stored(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
        }
    }
}

/// Stores `state` for the ceremony `purpose` of `account_id` in the browser
/// holding `session`, replacing the one it had.
pub(super) async fn start<T: Serialize>(
    db: &DatabaseConnection,
    key: &MasterKey,
    session: &SessionToken,
    purpose: Purpose,
    account_id: i32,
    state: &T,
) -> Result<(), CoreError> {
    let session_digest = session.digest();
    let json = serde_json::to_vec(state).map_err(|error| CoreError::Worker(error.to_string()))?;
    let sealed = SealedSecret::seal(key, &context(&session_digest, purpose, account_id), &json).into_stored();
    Entity::insert(ActiveModel {
        owner_digest: Set(session_digest),
        purpose: Set(purpose.stored().into()),
        user_id: Set(Some(account_id)),
        sealed_state: Set(sealed),
        expires_at: Set(clock::now() + VALID_SECS),
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

/// Takes the ceremony `purpose` of `account_id` that the browser holding `session`
/// started: once, within five minutes. Anything else refuses as a passkey would
/// that does not check out.
pub(super) async fn take<T: DeserializeOwned>(
    db: &DatabaseConnection,
    key: &MasterKey,
    session: &SessionToken,
    purpose: Purpose,
    account_id: i32,
) -> Result<T, CoreError> {
    let session_digest = session.digest();
    let found = Entity::find_by_id((session_digest.clone(), purpose.stored().to_owned())).one(db).await?;
    let Some(found) = found.filter(|found| found.user_id == Some(account_id)) else {
        return Err(CoreError::PasskeyRefused);
    };
    let spent = Entity::delete_many()
        .filter(Column::OwnerDigest.eq(&session_digest))
        .filter(Column::Purpose.eq(purpose.stored()))
        .filter(Column::SealedState.eq(&found.sealed_state))
        .exec(db)
        .await?;
    if spent.rows_affected != 1 || found.expires_at <= clock::now() {
        return Err(CoreError::PasskeyRefused);
    }
    let sealed = SealedSecret::from_stored(found.sealed_state);
    let json = sealed.open(key, &context(&session_digest, purpose, account_id))?;
    serde_json::from_slice(&json).map_err(|_| CoreError::PasskeyRefused)
}

/// Deletes ceremonies past their five minutes; returns how many.
pub(super) async fn purge_expired(db: &DatabaseConnection) -> Result<u64, CoreError> {
    Ok(Entity::delete_many().filter(Column::ExpiresAt.lte(clock::now())).exec(db).await?.rows_affected)
}

/// What a sealed state is bound to: its session, purpose and account.
fn context(session_digest: &str, purpose: Purpose, account_id: i32) -> String {
    format!("webauthn:{}:{account_id}:{session_digest}", purpose.stored())
}
