//! A database and the master key its secrets are sealed with belong together. A
//! server given another key (a replica that made a key file of its own, a typo in
//! the orchestrator's secret) would open none of the secrets the others sealed,
//! and seal new ones that they cannot open: customers locked out on every other
//! request. The first server records a keyed digest of a fixed text under its key;
//! a server whose key gives another digest refuses to start.

use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait as _, Set};

use super::entities::master_key_check::{ActiveModel, Column, Entity};
use crate::clock;
use crate::secrets::{MasterKey, keyed_digest, keyed_digest_matches};

const CONTEXT: &str = "master-key-check";
const TEXT: &str = "customer-portal";
const ROW: i32 = 1;

/// Whether `key` is the database's key. The first server to ask records its own,
/// once, however many ask at the same moment.
pub async fn is_the_databases(db: &DatabaseConnection, key: &MasterKey) -> Result<bool, DbErr> {
    let row =
        ActiveModel { id: Set(ROW), digest: Set(keyed_digest(key, CONTEXT, TEXT)), created_at: Set(clock::now()) };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let recorded = Entity::find_by_id(ROW).one(db).await?;
    Ok(recorded.is_some_and(|recorded| keyed_digest_matches(key, CONTEXT, TEXT, &recorded.digest)))
}
