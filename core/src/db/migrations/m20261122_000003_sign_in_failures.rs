//! Wrong passwords at sign-in, counted per typed email.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInFailures::Table)
                    .if_not_exists()
                    .col(string(SignInFailures::EmailDigest).primary_key())
                    .col(integer(SignInFailures::Consecutive))
                    .col(big_integer(SignInFailures::LastFailedAt))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SignInFailures {
    Table,
    EmailDigest,
    Consecutive,
    LastFailedAt,
}
