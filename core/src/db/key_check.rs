//! A database and the master key its secrets are sealed with belong together. A
//! server given another key (a replica that made a key file of its own, a typo in
//! the orchestrator's secret) would open none of the secrets the others sealed,
//! and seal new ones that they cannot open: customers locked out on every other
//! request. The first server records a keyed digest of a fixed text under its key,
//! once the key is known to be right: the database is new (no accounts), or the
//! key opens what it holds sealed (a database from before this check). A server
//! whose key gives another digest refuses to start.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    Set,
};

use super::entities::master_key_check::{ActiveModel, Column, Entity};
use super::entities::{passkey, totp_enrollment, two_factor, user};
use crate::clock::UnixTime;
use crate::secrets::{MasterKey, SealedSecret, contexts, keyed_digest, keyed_digest_matches};

const CONTEXT: &str = "master-key-check";
const TEXT: &str = "customer-portal";
const ROW: i32 = 1;

/// Whether `key` is the database's key. The first server to ask records its own,
/// once, however many ask at the same moment.
pub async fn is_the_databases(db: &DatabaseConnection, key: &MasterKey, now: UnixTime) -> Result<bool, DbErr> {
    if let Some(recorded) = Entity::find_by_id(ROW).one(db).await? {
        return Ok(keyed_digest_matches(key, CONTEXT, TEXT, &recorded.digest));
    }
    match opens_what_is_sealed(db, key).await? {
        Some(false) => return Ok(false),
        Some(true) => {}
        // Accounts, but nothing sealed yet to try the key on: a key file a replica
        // just made for itself would pass, and recorded, it would lock every rightly
        // keyed server out. Taken, unrecorded, until something sealed shows it right.
        None if has_accounts(db).await? => {
            tracing::warn!(
                "the master key cannot be checked yet: nothing is sealed under it; it will be once something is"
            );
            return Ok(true);
        }
        None => {}
    }
    let row = ActiveModel { id: Set(ROW), digest: Set(keyed_digest(key, CONTEXT, TEXT)), created_at: Set(now) };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let recorded = Entity::find_by_id(ROW).one(db).await?;
    Ok(recorded.is_some_and(|recorded| keyed_digest_matches(key, CONTEXT, TEXT, &recorded.digest)))
}

/// Whether `key` opens a secret the database holds sealed (an authenticator
/// secret, one waiting to be confirmed, a passkey); `None` if there is none to
/// open. The first of each kind are tried, a few each, so one damaged row does not
/// refuse the right key (a wrong key opens none of them).
async fn opens_what_is_sealed(db: &DatabaseConnection, key: &MasterKey) -> Result<Option<bool>, DbErr> {
    let opens = |sealed: String, context: String| SealedSecret::from_stored(sealed).open(key, &context).is_ok();
    let mut sealed: Vec<(String, String)> = Vec::new();
    let totp = two_factor::Entity::find()
        .filter(two_factor::Column::SealedSecret.is_not_null())
        .order_by_asc(two_factor::Column::UserId)
        .limit(SAMPLE)
        .all(db)
        .await?;
    sealed.extend(
        totp.into_iter().filter_map(|row| Some((row.sealed_secret?, contexts::authenticator_secret(row.user_id)))),
    );
    let waiting = totp_enrollment::Entity::find().order_by_asc(totp_enrollment::Column::UserId).limit(SAMPLE);
    let waiting = waiting.all(db).await?;
    sealed.extend(waiting.into_iter().map(|row| (row.sealed_secret, contexts::authenticator_secret(row.user_id))));
    let passkeys = passkey::Entity::find().order_by_asc(passkey::Column::Id).limit(SAMPLE).all(db).await?;
    sealed.extend(
        passkeys.into_iter().map(|row| (row.sealed_passkey, contexts::passkey(row.user_id, &row.credential_id))),
    );
    Ok((!sealed.is_empty()).then(|| sealed.into_iter().any(|(sealed, context)| opens(sealed, context))))
}

async fn has_accounts(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .limit(1)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}

/// How many rows of each kind are tried.
const SAMPLE: u64 = 20;
