//! Background work that runs beside the requests, on every server: safe to run
//! on several at once, since each step is one idempotent statement.

use std::time::Duration;

use portal_core::Portal;

const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// Starts every worker of this server on the current runtime.
pub fn spawn_all(portal: &Portal) {
    tokio::spawn(purge_expired_sessions(portal.clone()));
    // Emails stored by any server; delivery is claimed per message, so several
    // servers never send the same one twice at once.
    tokio::spawn(portal.outbox.clone().run());
}

/// Deletes expired sessions now and then, so the table holds live ones only.
async fn purge_expired_sessions(portal: Portal) {
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
