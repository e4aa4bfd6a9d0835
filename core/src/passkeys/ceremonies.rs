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
use crate::clock;
use crate::db::entities::webauthn_ceremony::{ActiveModel, Column, Entity};
use crate::secrets::{MasterKey, SealedSecret};

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
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::Passwordless => "passwordless",
        }
    }
}

/// Stores `state` for the ceremony `purpose` of `account_id` (none yet for
/// passwordless) that `owner` started, replacing the one it had.
pub(super) async fn start<T: Serialize>(
    db: &DatabaseConnection,
    key: &MasterKey,
    owner: &str,
    purpose: Purpose,
    account_id: Option<i32>,
    state: &T,
) -> Result<(), CoreError> {
    let json = serde_json::to_vec(state).map_err(|error| CoreError::Worker(error.to_string()))?;
    let sealed = SealedSecret::seal(key, &context(owner, purpose, account_id), &json).into_stored();
    Entity::insert(ActiveModel {
        owner_digest: Set(owner.to_owned()),
        purpose: Set(purpose.stored().into()),
        user_id: Set(account_id),
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

/// Takes the ceremony `purpose` of `account_id` that `owner` started, on
/// `connection`: once, within five minutes. Anything else refuses as a passkey
/// would that does not check out.
pub(super) async fn take<T: DeserializeOwned>(
    connection: &impl ConnectionTrait,
    key: &MasterKey,
    owner: &str,
    purpose: Purpose,
    account_id: Option<i32>,
) -> Result<T, CoreError> {
    let found = Entity::find_by_id((owner.to_owned(), purpose.stored().to_owned())).one(connection).await?;
    let Some(found) = found.filter(|found| found.user_id == account_id) else {
        return Err(CoreError::PasskeyRefused);
    };
    let spent = Entity::delete_many()
        .filter(Column::OwnerDigest.eq(owner))
        .filter(Column::Purpose.eq(purpose.stored()))
        .filter(Column::SealedState.eq(&found.sealed_state))
        .exec(connection)
        .await?;
    if spent.rows_affected != 1 || found.expires_at <= clock::now() {
        return Err(CoreError::PasskeyRefused);
    }
    let sealed = SealedSecret::from_stored(found.sealed_state);
    let json = sealed.open(key, &context(owner, purpose, account_id))?;
    serde_json::from_slice(&json).map_err(|_| CoreError::PasskeyRefused)
}

/// Deletes ceremonies past their five minutes; returns how many.
pub(super) async fn purge_expired(db: &DatabaseConnection) -> Result<u64, CoreError> {
    Ok(Entity::delete_many().filter(Column::ExpiresAt.lte(clock::now())).exec(db).await?.rows_affected)
}

/// What a sealed state is bound to: its owner, purpose and account.
fn context(owner: &str, purpose: Purpose, account_id: Option<i32>) -> String {
    let account = account_id.map_or_else(String::new, |id| id.to_string());
    format!("webauthn:{}:{account}:{owner}", purpose.stored())
}
