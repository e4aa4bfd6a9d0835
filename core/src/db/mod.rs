//! The database: connecting (SQLite by default, PostgreSQL in production), the
//! schema's migrations, and the entities the services read and write.

pub mod entities;
pub(crate) mod key_check;
mod migrations;
pub mod schema;
mod sqlite_tuning;

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// The embedded default: a SQLite file under `./data`, created on first run.
pub const DEFAULT_URL: &str = "sqlite://data/portal.db?mode=rwc";

/// A pooled PostgreSQL connection idle this long is pinged before use: the server,
/// a proxy or a firewall may have dropped it meanwhile.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// Opens a pool on `url`. For a SQLite file it creates the parent folder and turns
/// on write-ahead logging, so readers never wait for a writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // SQLite lets one connection write at a time, and one that finds the lock
        // taken sleeps in its busy handler (1, 2, 5, 10… ms) before it looks again:
        // with several connections, writers spent their time asleep while the CPU
        // idled. One connection queues them in the pool instead, woken the moment
        // it is free; reads take microseconds, so they lose little.
        options.max_connections(1).min_connections(1);
        // A connection is a file in this process: nothing can drop it, and the
        // default ping before each use is a round trip to its thread per query.
        options.test_before_acquire(false);
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|connection, _| Box::pin(sqlite_tuning::plan_without_bound_values(connection)))
        });
    } else {
        options.test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR);
    }
    if let Some(path) = sqlite_file(url) {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|error| DbErr::Custom(format!("cannot create {}: {error}", parent.display())))?;
        }
        // With one writer, a commit that waits for the disk (`synchronous = FULL`,
        // sqlx's default) holds up every request behind it: that wait, not the
        // CPU, capped sign-in's code step at about 900 a second. With NORMAL, the
        // log is flushed at each checkpoint instead, the database cannot be
        // corrupted, and a crash of the process loses nothing; a power cut or an
        // OS crash may undo the last commits before the flush (SQLite's own advice
        // for WAL, and Rails' default). PostgreSQL, for production, is unchanged.
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal)
        });
    }
    Database::connect(options).await
}

pub use schema::{SchemaState, migrate};

/// Whether `error` is a unique index refusing a second row: two requests raced,
/// and the index decided.
pub(crate) fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// The file path of a `sqlite:` URL, or `None` for other databases and in-memory ones.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// A migrated in-memory SQLite database of its own, for the core's unit tests
/// (sqlx gives each `sqlite::memory:` pool a private database its connections share).
#[cfg(test)]
pub(crate) async fn for_tests() -> DatabaseConnection {
    let db = connect("sqlite::memory:").await.unwrap();
    assert!(migrate(&db).await.unwrap().is_current());
    db
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait as _;

    use super::*;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_file(DEFAULT_URL), Some("data/portal.db"));
        assert_eq!(sqlite_file("sqlite:///var/lib/portal.db"), Some("/var/lib/portal.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/portal"), None);
    }

    #[tokio::test]
    async fn creates_the_database_and_its_folder_on_first_run() {
        let folder = std::env::temp_dir().join(format!("portal-db-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/portal.db?mode=rwc", folder.display());
        let db = connect(&url).await.unwrap();
        migrate(&db).await.unwrap();
        migrate(&db).await.unwrap();
        assert!(folder.join("nested/portal.db").exists());
        let pragma = |name: &str| {
            let db = db.clone();
            let statement = sea_orm::Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}"));
            async move { db.query_one_raw(statement).await.unwrap().unwrap() }
        };
        assert_eq!(pragma("journal_mode").await.try_get_by_index::<String>(0).unwrap(), "wal");
        assert_eq!(pragma("synchronous").await.try_get_by_index::<i32>(0).unwrap(), 1, "NORMAL");
        std::fs::remove_dir_all(folder).unwrap();
    }
}
