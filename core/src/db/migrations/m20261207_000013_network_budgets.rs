//! What each network (an IPv4 address, an IPv6 /64, as a keyed digest) spent of
//! each hourly budget: registrations, password checks from browsers the account
//! does not know, and passwordless sign-ins started. Replaces `passwordless_starts`,
//! which stays for the servers of the version before during a rolling deploy, and
//! goes in a later release.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NetworkBudgets::Table)
                    .if_not_exists()
                    .col(string(NetworkBudgets::Budget))
                    .col(string(NetworkBudgets::NetworkDigest))
                    .col(big_integer(NetworkBudgets::WindowStartedAt))
                    .col(integer(NetworkBudgets::SpentInWindow))
                    .primary_key(Index::create().col(NetworkBudgets::Budget).col(NetworkBudgets::NetworkDigest))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum NetworkBudgets {
    Table,
    Budget,
    NetworkDigest,
    WindowStartedAt,
    SpentInWindow,
}
