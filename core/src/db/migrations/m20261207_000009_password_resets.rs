//! Forgotten passwords: each account's one live reset link (its token stored only
//! as a SHA-256), and the hourly count of links asked for each email address, kept
//! under a keyed digest so the table names nobody, and counted for addresses with
//! no account too.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .if_not_exists()
                    .col(integer(PasswordResets::UserId).primary_key())
                    .col(string_uniq(PasswordResets::TokenDigest))
                    .col(big_integer(PasswordResets::RequestedAt))
                    .col(big_integer(PasswordResets::ExpiresAt))
                    .col(string(PasswordResets::SecurityStamp))
                    .col(big_integer_null(PasswordResets::SecondFactorAt))
                    .col(big_integer_null(PasswordResets::TextedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasswordResets::Table, PasswordResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasswordResetRequests::Table)
                    .if_not_exists()
                    .col(string(PasswordResetRequests::EmailDigest).primary_key())
                    .col(big_integer(PasswordResetRequests::WindowStartedAt))
                    .col(integer(PasswordResetRequests::RequestsInWindow))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    UserId,
    TokenDigest,
    RequestedAt,
    ExpiresAt,
    SecurityStamp,
    SecondFactorAt,
    TextedAt,
}

#[derive(DeriveIden)]
enum PasswordResetRequests {
    Table,
    EmailDigest,
    WindowStartedAt,
    RequestsInWindow,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
