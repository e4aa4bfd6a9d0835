//! Hourly budgets, each one holder's spending in the current hour: each network's
//! (an IPv4 address, an IPv6 /64, as a keyed digest) registrations, password checks
//! for browsers the account does not know and passwordless sign-ins started, and
//! the whole portal's text messages. Replaces `passwordless_starts`, which stays
//! for the servers of the version before during a rolling deploy, and goes in a
//! later release. And the outbox's priority: sign-in codes go out first.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HourlyBudgets::Table)
                    .if_not_exists()
                    .col(string(HourlyBudgets::Budget))
                    .col(string(HourlyBudgets::Holder))
                    .col(big_integer(HourlyBudgets::WindowStartedAt))
                    .col(integer(HourlyBudgets::SpentInWindow))
                    .primary_key(Index::create().col(HourlyBudgets::Budget).col(HourlyBudgets::Holder))
                    .to_owned(),
            )
            .await?;
        // Messages stored by the version before go with the ordinary ones.
        manager
            .alter_table(
                Table::alter().table(Outbox::Table).add_column(integer(Outbox::Priority).default(1)).to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum HourlyBudgets {
    Table,
    Budget,
    Holder,
    WindowStartedAt,
    SpentInWindow,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Priority,
}
