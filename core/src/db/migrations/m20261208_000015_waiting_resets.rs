//! Two-factor resets that wait: one an account at most, due at a time the
//! customer is told of, with the cancel link's token stored only as a SHA-256.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WaitingResets::Table)
                    .if_not_exists()
                    .col(integer(WaitingResets::UserId).primary_key())
                    .col(string_uniq(WaitingResets::CancelDigest))
                    .col(big_integer(WaitingResets::RequestedAt))
                    .col(big_integer(WaitingResets::DueAt))
                    .col(string(WaitingResets::RequestedBy))
                    .col(string_null(WaitingResets::Agent))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WaitingResets::Table, WaitingResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("waiting_resets_due_at")
                    .table(WaitingResets::Table)
                    .col(WaitingResets::DueAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum WaitingResets {
    Table,
    UserId,
    CancelDigest,
    RequestedAt,
    DueAt,
    RequestedBy,
    Agent,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
