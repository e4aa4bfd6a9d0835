//! Where the database's schema stands against this server's migrations, and
//! bringing it up to date. Servers of a fleet start together: on PostgreSQL the
//! migrations run under a transaction-scoped advisory lock, so the first server
//! migrates and the others wait, then find nothing left to do. A schema with
//! migrations this server does not know (a newer server migrated it) is never
//! served: its tables may mean what this server cannot read.

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, IntoDatabaseExecutor, IsolationLevel, Statement,
    TransactionTrait as _,
};
use sea_orm_migration::MigratorTrait as _;

use super::migrations::Migrator;

/// The advisory lock the migrations run under, with the schema's: "port" in ASCII.
const MIGRATION_LOCK: i32 = 0x706f_7274;
/// The table sea-orm records applied migrations in.
const MIGRATION_TABLE: &str = "seaql_migrations";
/// How long a migration may wait for a table lock (a long transaction of a
/// running server, a report): a schema change queued behind one would make every
/// query of the fleet wait behind it. It fails instead, and the server with it.
const MIGRATION_LOCK_TIMEOUT: &str = "10s";

/// How the schema differs from this server's migrations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaState {
    /// This server's migrations not applied yet.
    pub pending: Vec<String>,
    /// Migrations applied that this server does not know.
    pub unknown: Vec<String>,
}

impl SchemaState {
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty()
    }
}

/// Where the schema of `db` stands. Reads only.
pub async fn state(db: &impl ConnectionTrait) -> Result<SchemaState, DbErr> {
    let known: Vec<String> = Migrator::migrations().iter().map(|migration| migration.name().to_owned()).collect();
    let applied = applied(db).await?;
    Ok(SchemaState {
        pending: known.iter().filter(|name| !applied.contains(name)).cloned().collect(),
        unknown: applied.into_iter().filter(|name| !known.contains(name)).collect(),
    })
}

/// Applies every migration not yet applied, unless the schema has migrations
/// this server does not know; returns where the schema then stands. On
/// PostgreSQL, under the advisory lock: servers started together migrate one
/// after another, and all but the first find nothing to do.
pub async fn migrate(db: &DatabaseConnection) -> Result<SchemaState, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return migrate_on(db).await;
    }
    // Read committed (whatever the server's default): a server that waited for
    // the lock then sees the migrations the first one committed.
    let transaction = db.begin_with_config(Some(IsolationLevel::ReadCommitted), None).await?;
    // One lock per schema, so fleets on other schemas of the database do not wait.
    let lock = |function: &str| {
        let sql = format!("SELECT {function}($1, hashtext(current_schema()))");
        Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [MIGRATION_LOCK.into()])
    };
    let taken = transaction.query_one_raw(lock("pg_try_advisory_xact_lock")).await?;
    if !taken.map(|row| row.try_get_by_index::<bool>(0)).transpose()?.unwrap_or(false) {
        tracing::info!("another server is migrating the schema: waiting for it");
        transaction.execute_raw(lock("pg_advisory_xact_lock")).await?;
    }
    let timeout = format!("SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT}'");
    transaction.execute_raw(Statement::from_string(DatabaseBackend::Postgres, timeout)).await?;
    let state = migrate_on(&transaction).await?;
    transaction.commit().await?;
    Ok(state)
}

async fn migrate_on<'c>(connection: impl IntoDatabaseExecutor<'c> + Copy) -> Result<SchemaState, DbErr> {
    let before = state(&connection.into_database_executor()).await?;
    if !before.unknown.is_empty() {
        return Ok(before);
    }
    Migrator::up(connection, None).await?;
    state(&connection.into_database_executor()).await
}

/// The names of the migrations applied to `db`; none before the first.
async fn applied(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DatabaseBackend::Postgres => format!("SELECT to_regclass('{MIGRATION_TABLE}') IS NOT NULL"),
        _ => format!("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{MIGRATION_TABLE}'"),
    };
    let exists = db.query_one_raw(Statement::from_string(backend, exists)).await?;
    if !exists.map(|row| row.try_get_by_index::<bool>(0)).transpose()?.unwrap_or(false) {
        return Ok(Vec::new());
    }
    let rows =
        db.query_all_raw(Statement::from_string(backend, format!("SELECT version FROM {MIGRATION_TABLE}"))).await?;
    rows.iter().map(|row| row.try_get_by_index::<String>(0)).collect()
}
