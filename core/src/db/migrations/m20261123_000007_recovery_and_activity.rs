//! Recovery codes (keyed digests only, one row per unspent code) and the account's
//! security activity: an append-only record of sign-ins, changes and support
//! actions. The database itself refuses to rewrite an event.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .if_not_exists()
                    .col(integer(RecoveryCodes::UserId))
                    .col(string(RecoveryCodes::Digest))
                    .primary_key(Index::create().col(RecoveryCodes::UserId).col(RecoveryCodes::Digest))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecurityEvents::Table)
                    .if_not_exists()
                    .col(pk_auto(SecurityEvents::Id).big_integer())
                    .col(integer(SecurityEvents::UserId))
                    .col(big_integer(SecurityEvents::OccurredAt))
                    .col(string(SecurityEvents::Kind))
                    .col(string_null(SecurityEvents::Detail))
                    .col(string(SecurityEvents::Actor))
                    .col(string_null(SecurityEvents::Reason))
                    .col(string_null(SecurityEvents::Ip))
                    .col(string(SecurityEvents::Browser))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("security_events_user_occurred", &[SecurityEvents::UserId, SecurityEvents::OccurredAt][..]),
            ("security_events_occurred", &[SecurityEvents::OccurredAt][..]),
        ] {
            let mut index = Index::create();
            index.if_not_exists().name(name).table(SecurityEvents::Table);
            for column in columns {
                index.col(column.clone());
            }
            manager.create_index(index.to_owned()).await?;
        }
        let db = manager.get_connection();
        // Counts of known browsers are now keyed with their account too, so support
        // can clear them; the old keys name no account and would linger unseen.
        db.execute_unprepared(
            "DELETE FROM failure_counts WHERE subject LIKE 'device:%' AND subject NOT LIKE 'device:%:%'",
        )
        .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION security_events_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'security_events is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER security_events_append_only BEFORE UPDATE ON security_events FOR EACH ROW \
                     EXECUTE FUNCTION security_events_append_only()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS security_events_append_only BEFORE UPDATE ON security_events \
                     BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END",
                )
                .await?;
            }
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    UserId,
    Digest,
}

#[derive(DeriveIden, Clone)]
enum SecurityEvents {
    Table,
    Id,
    UserId,
    OccurredAt,
    Kind,
    Detail,
    Actor,
    Reason,
    Ip,
    Browser,
}
