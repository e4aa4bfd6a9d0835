//! Schema migrations, applied in order at start-up. A migration, once released, is
//! never edited: a change is a new file.

mod m20261122_000001_accounts;
mod m20261122_000002_two_factor;
mod m20261122_000003_failure_counts;
mod m20261122_000004_sms;
mod m20261123_000005_abuse;
mod m20261123_000006_security_stamps;
mod m20261123_000007_recovery_and_activity;
mod m20261207_000008_session_clients;
mod m20261207_000009_password_resets;
mod m20261207_000010_passkeys;
mod m20261207_000011_passwordless_starts;
mod m20261207_000012_master_key_check;
mod m20261207_000013_hourly_budgets;
mod m20261207_000014_setups_per_session;
mod m20261208_000015_waiting_resets;

use sea_orm_migration::{MigrationTrait, MigratorTrait};

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_two_factor::Migration),
            Box::new(m20261122_000003_failure_counts::Migration),
            Box::new(m20261122_000004_sms::Migration),
            Box::new(m20261123_000005_abuse::Migration),
            Box::new(m20261123_000006_security_stamps::Migration),
            Box::new(m20261123_000007_recovery_and_activity::Migration),
            Box::new(m20261207_000008_session_clients::Migration),
            Box::new(m20261207_000009_password_resets::Migration),
            Box::new(m20261207_000010_passkeys::Migration),
            Box::new(m20261207_000011_passwordless_starts::Migration),
            Box::new(m20261207_000012_master_key_check::Migration),
            Box::new(m20261207_000013_hourly_budgets::Migration),
            Box::new(m20261207_000014_setups_per_session::Migration),
            Box::new(m20261208_000015_waiting_resets::Migration),
        ]
    }
}
