//! The one SQLite setting sqlx has no option for.

use std::ffi::c_int;

use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
use sea_orm::sqlx::{self, SqliteConnection};

/// SQLite compiles a statement again whenever a value its plan looked at is bound
/// anew, and since 3.47 a bound `LIMIT` is such a value. Every sea-orm `.one()` is
/// `LIMIT ?`, so each lookup was parsed and planned again on every use. The query
/// planner stability guarantee plans without looking at bound values, so prepared
/// statements are reused as they are.
pub async fn plan_without_bound_values(connection: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    // SAFETY: the lock keeps the connection's own thread off the handle meanwhile,
    // and this option takes an int (1: on) and an int pointer for the outcome (NULL:
    // not wanted), as https://sqlite.org/c3ref/c_dbconfig_defensive.html documents.
    let code = unsafe {
        sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        )
    };
    if code == SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(format!("SQLite refused the query planner stability guarantee ({code})").into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pooled_connections_plan_without_bound_values() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let mut connection = db.get_sqlite_connection_pool().acquire().await.unwrap();
        let mut handle = connection.lock_handle().await.unwrap();
        let mut on: c_int = 0;
        // SAFETY: as above; -1 reads the setting without changing it.
        let code = unsafe {
            sqlite3_db_config(handle.as_raw_handle().as_ptr(), SQLITE_DBCONFIG_ENABLE_QPSG, -1 as c_int, &mut on)
        };
        assert_eq!((code, on), (SQLITE_OK, 1));
    }
}
