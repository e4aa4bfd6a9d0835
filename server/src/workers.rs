//! Background work that runs beside the requests, on every server: safe to run
//! on several at once, since each step is one idempotent statement.

use std::time::Duration;

use portal_core::Portal;

const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// Deletes expired sessions now and then, so the table holds live ones only.
pub async fn purge_expired_sessions(portal: Portal) {
    let mut ticks = tokio::time::interval(PURGE_EVERY);
    loop {
        ticks.tick().await;
        match portal.sessions.purge_expired().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "expired sessions purged"),
            Err(error) => tracing::warn!(%error, "cannot purge expired sessions"),
        }
    }
}
