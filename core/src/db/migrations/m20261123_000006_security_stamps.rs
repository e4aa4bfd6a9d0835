//! Security stamps: a random value of each account, renewed by every change to its
//! security, and the stamp each session was started under. A session or a device
//! cookie from before the last change no longer counts, whatever raced with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Accounts and sessions from before start with the same empty stamp, so the
        // sessions stay valid until the account's next change.
        manager
            .alter_table(
                Table::alter().table(Users::Table).add_column(string(Users::SecurityStamp).default("")).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string(Sessions::SecurityStamp).default(""))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    SecurityStamp,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SecurityStamp,
}
