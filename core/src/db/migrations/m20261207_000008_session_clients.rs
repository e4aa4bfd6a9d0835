//! What "Where you're signed in" shows of each session: the browser it was signed
//! in from, summarised ("Firefox on Windows"), and the client's address then.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Sessions from before show as "An unknown browser" from an unknown address.
        manager
            .alter_table(
                Table::alter().table(Sessions::Table).add_column(string(Sessions::Browser).default("")).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Sessions::Table).add_column(string_null(Sessions::Ip)).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Browser,
    Ip,
}
