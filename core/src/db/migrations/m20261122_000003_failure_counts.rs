//! Consecutive failures (wrong codes, wrong passwords), counted per scope and subject.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FailureCounts::Table)
                    .if_not_exists()
                    .col(string(FailureCounts::Scope))
                    .col(string(FailureCounts::Subject))
                    .col(integer(FailureCounts::Consecutive))
                    .col(big_integer(FailureCounts::LastFailedAt))
                    .col(big_integer_null(FailureCounts::LockedAt))
                    .primary_key(Index::create().col(FailureCounts::Scope).col(FailureCounts::Subject))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum FailureCounts {
    Table,
    Scope,
    Subject,
    Consecutive,
    LastFailedAt,
    LockedAt,
}
