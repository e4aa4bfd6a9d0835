//! Two-factor authentication: the method an account has on, a setup in progress,
//! the outbox of messages to send, and the two session facts 2FA needs (awaiting a
//! code; when the password was last re-confirmed).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TwoFactor::Table)
                    .if_not_exists()
                    .col(integer(TwoFactor::UserId).primary_key())
                    .col(string(TwoFactor::Method))
                    .col(string_null(TwoFactor::SealedSecret))
                    .col(big_integer_null(TwoFactor::LastUsedStep))
                    .col(big_integer(TwoFactor::EnabledAt))
                    .foreign_key(&mut user_key(TwoFactor::Table, TwoFactor::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TotpEnrollments::Table)
                    .if_not_exists()
                    .col(integer(TotpEnrollments::UserId).primary_key())
                    .col(string(TotpEnrollments::SealedSecret))
                    .col(big_integer(TotpEnrollments::ExpiresAt))
                    .foreign_key(&mut user_key(TotpEnrollments::Table, TotpEnrollments::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(pk_auto(Outbox::Id))
                    .col(string(Outbox::Channel))
                    .col(string(Outbox::Recipient))
                    .col(string_null(Outbox::Subject))
                    .col(text(Outbox::BodyText))
                    .col(text_null(Outbox::BodyHtml))
                    .col(big_integer(Outbox::CreatedAt))
                    .col(integer(Outbox::Attempts))
                    .col(big_integer(Outbox::NextAttemptAt))
                    .col(big_integer_null(Outbox::SentAt))
                    .col(text_null(Outbox::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        for column in [big_integer_null(Sessions::AwaitingCodeSince), big_integer_null(Sessions::PasswordConfirmedAt)] {
            manager.alter_table(Table::alter().table(Sessions::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

fn user_key<T: IntoIden + Copy + 'static, C: IntoIden + 'static>(table: T, column: C) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    AwaitingCodeSince,
    PasswordConfirmedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TwoFactor {
    Table,
    UserId,
    Method,
    SealedSecret,
    LastUsedStep,
    EnabledAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TotpEnrollments {
    Table,
    UserId,
    SealedSecret,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Channel,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    SentAt,
    LastError,
}
