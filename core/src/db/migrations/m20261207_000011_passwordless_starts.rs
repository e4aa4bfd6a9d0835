//! How many passwordless passkey sign-ins each network started in the current
//! hour: the challenges are stored before anyone is known, so this bounds what
//! strangers can make the server store.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordlessStarts::Table)
                    .if_not_exists()
                    .col(string(PasswordlessStarts::NetworkDigest).primary_key())
                    .col(big_integer(PasswordlessStarts::WindowStartedAt))
                    .col(integer(PasswordlessStarts::StartsInWindow))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordlessStarts {
    Table,
    NetworkDigest,
    WindowStartedAt,
    StartsInWindow,
}
