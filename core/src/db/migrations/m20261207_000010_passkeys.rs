//! Passkeys (WebAuthn credentials): each account's, sealed, with the signature
//! counter beside them so that a counter going backwards (a cloned authenticator)
//! is refused by one conditional statement, and when one was suspended; and the
//! ceremonies under way, one per owner (a session, a reset link, a visitor) and
//! purpose, their state sealed, used once, for five minutes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Passkeys::Table)
                    .if_not_exists()
                    .col(pk_auto(Passkeys::Id))
                    .col(integer(Passkeys::UserId))
                    .col(string_uniq(Passkeys::CredentialId))
                    .col(string(Passkeys::Name))
                    .col(text(Passkeys::SealedPasskey))
                    .col(big_integer(Passkeys::SignCount))
                    .col(boolean(Passkeys::Passwordless))
                    .col(big_integer(Passkeys::CreatedAt))
                    .col(big_integer_null(Passkeys::LastUsedAt))
                    .col(big_integer_null(Passkeys::SuspendedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Passkeys::Table, Passkeys::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("passkeys_user")
                    .table(Passkeys::Table)
                    .col(Passkeys::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebauthnCeremonies::Table)
                    .if_not_exists()
                    .col(string(WebauthnCeremonies::OwnerDigest))
                    .col(string(WebauthnCeremonies::Purpose))
                    .col(integer_null(WebauthnCeremonies::UserId))
                    .col(text(WebauthnCeremonies::SealedState))
                    .col(big_integer(WebauthnCeremonies::ExpiresAt))
                    .primary_key(Index::create().col(WebauthnCeremonies::OwnerDigest).col(WebauthnCeremonies::Purpose))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Passkeys {
    Table,
    Id,
    UserId,
    CredentialId,
    Name,
    SealedPasskey,
    SignCount,
    Passwordless,
    CreatedAt,
    LastUsedAt,
    SuspendedAt,
}

#[derive(DeriveIden)]
enum WebauthnCeremonies {
    Table,
    OwnerDigest,
    Purpose,
    UserId,
    SealedState,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
