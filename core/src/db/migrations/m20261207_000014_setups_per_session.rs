//! A setup under way belongs to the session that started it: the pending
//! authenticator secret and the code texted to a number being set up record that
//! session (its stored key). Setups from before have none and are seen by no
//! session: they expire unused within ten minutes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TotpEnrollments::Table)
                    .add_column(string_null(TotpEnrollments::SessionId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(SmsCodes::Table).add_column(string_null(SmsCodes::SessionId)).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TotpEnrollments {
    Table,
    SessionId,
}

#[derive(DeriveIden)]
enum SmsCodes {
    Table,
    SessionId,
}
