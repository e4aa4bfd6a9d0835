//! `/readyz`: whether this server should be sent requests now. The database
//! answers within a second, its schema has every migration this server knows
//! (one it does not know is fine here: a newer version migrated it during a
//! rolling deploy, and this one keeps serving until replaced; only start-up
//! refuses it), and the outbox worker is delivering. A server told to stop says "not ready" first, for
//! a while, so the load balancer drains it before it closes (`/healthz` stays 200:
//! the process is alive).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use portal_core::Portal;

/// How long the database may take to answer a readiness check.
const DATABASE_WITHIN: Duration = Duration::from_secs(1);

/// Whether this server is draining before it stops. Cheap to clone: one flag.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    draining: Arc<AtomicBool>,
}

impl Readiness {
    /// From now on `/readyz` answers 503: the server is about to stop.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

/// 200 "ready", or 503 with what is not, a line each.
pub async fn ready(State((portal, readiness)): State<(Arc<Portal>, Readiness)>) -> (StatusCode, String) {
    let mut problems = Vec::new();
    if readiness.is_draining() {
        problems.push("draining: the server is stopping".to_owned());
    }
    match tokio::time::timeout(DATABASE_WITHIN, portal_core::db::schema::state(&portal.db)).await {
        Err(_) => problems.push("database: no answer within a second".to_owned()),
        Ok(Err(error)) => {
            // The error's words stay in the log: this answer is on the public port.
            tracing::warn!(%error, "readiness: the database does not answer");
            problems.push("database: not answering".to_owned());
        }
        Ok(Ok(schema)) if !schema.pending.is_empty() => {
            problems.push(format!("schema: behind this server (pending: {})", schema.pending.join(", ")));
        }
        Ok(Ok(_)) => {}
    }
    if !portal.outbox.is_running() {
        problems.push("outbox: the delivery worker is not running".to_owned());
    }
    match problems.is_empty() {
        true => (StatusCode::OK, "ready\n".to_owned()),
        false => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready\n{}\n", problems.join("\n"))),
    }
}
