//! Abuse-proof sign-in: failure counts keyed by who tries (a known browser, or
//! everyone else), the texts each number received this hour per purpose, and
//! messages set aside after failing for a day.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Counts (and locks) already held keep holding under the new keys.
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE failure_counts SET subject = 'account:' || subject WHERE scope = 'code'").await?;
        db.execute_unprepared("UPDATE failure_counts SET subject = 'email:' || subject WHERE scope = 'sign_in'")
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SmsNumberWindows::Table)
                    .if_not_exists()
                    .col(string(SmsNumberWindows::Phone))
                    .col(string(SmsNumberWindows::Purpose))
                    .col(big_integer(SmsNumberWindows::WindowStartedAt))
                    .col(integer(SmsNumberWindows::SendsInWindow))
                    .primary_key(Index::create().col(SmsNumberWindows::Phone).col(SmsNumberWindows::Purpose))
                    .to_owned(),
            )
            .await?;
        // The per-number cap no longer counts the outbox.
        manager.drop_index(Index::drop().if_exists().name("outbox_recipient_created").to_owned()).await?;
        manager
            .alter_table(Table::alter().table(Outbox::Table).add_column(big_integer_null(Outbox::FailedAt)).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SmsNumberWindows {
    Table,
    Phone,
    Purpose,
    WindowStartedAt,
    SendsInWindow,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    FailedAt,
}
