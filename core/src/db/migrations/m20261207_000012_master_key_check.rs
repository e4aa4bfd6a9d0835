//! One row: a keyed digest of a fixed text under the master key the database's
//! secrets are sealed with, so a server given another key refuses to start.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MasterKeyCheck::Table)
                    .if_not_exists()
                    .col(integer(MasterKeyCheck::Id).primary_key())
                    .col(string(MasterKeyCheck::Digest))
                    .col(big_integer(MasterKeyCheck::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MasterKeyCheck {
    Table,
    Id,
    Digest,
    CreatedAt,
}
