//! SMS as a second factor: the number an account receives codes at, the one live
//! code of each account with the counts that limit how often codes are sent, the
//! time after which a waiting text is not worth sending, and an index to count the
//! texts each number received.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(TwoFactor::Table).add_column(string_null(TwoFactor::Phone)).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SmsCodes::Table)
                    .if_not_exists()
                    .col(integer(SmsCodes::UserId).primary_key())
                    .col(string(SmsCodes::Purpose))
                    .col(string(SmsCodes::Phone))
                    .col(string_null(SmsCodes::CodeHash))
                    .col(big_integer(SmsCodes::ExpiresAt))
                    .col(big_integer(SmsCodes::SentAt))
                    .col(big_integer(SmsCodes::WindowStartedAt))
                    .col(integer(SmsCodes::SendsInWindow))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SmsCodes::Table, SmsCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Outbox::Table).add_column(big_integer_null(Outbox::DeliverBy)).to_owned())
            .await?;
        // Counting the texts a number received in the last hour (the per-number cap).
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("outbox_recipient_created")
                    .table(Outbox::Table)
                    .col(Outbox::Recipient)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Recipient,
    CreatedAt,
    DeliverBy,
}

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    Phone,
}

#[derive(DeriveIden)]
enum SmsCodes {
    Table,
    UserId,
    Purpose,
    Phone,
    CodeHash,
    ExpiresAt,
    SentAt,
    WindowStartedAt,
    SendsInWindow,
}
