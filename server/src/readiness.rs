//! `/readyz`: whether this server should be sent requests now. The database
//! answers in time, its schema has every migration this server knows
//! (one it does not know is fine here: a newer version migrated it during a
//! rolling deploy, and this one keeps serving until replaced; only start-up
//! refuses it), and the outbox worker is delivering. A server told to stop says
//! "not ready" first, for a while, so the load balancer drains it before it closes
//! (`/healthz` stays 200: the process is alive).
//!
//! The answer is on the public port: it names what is wrong, not the details (the
//! log has them), and the database is asked at most once a second however many
//! ask, so probes, or a flood of them, cost the database next to nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use portal_core::Portal;
use tokio::sync::Mutex;

/// How long the database may take to answer a readiness check: less than the
/// probes' own timeout (1 s by default in Kubernetes), so its answer is given.
const DATABASE_WITHIN: Duration = Duration::from_millis(800);

/// How long the database's answer holds for the next checks.
pub const DATABASE_CHECK_HOLDS: Duration = Duration::from_secs(1);

/// Whether this server is draining before it stops, and the database's last
/// answer. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    draining: Arc<AtomicBool>,
    database: Arc<Mutex<Option<DatabaseCheck>>>,
}

/// What the database said, and when.
#[derive(Clone, Copy, Debug)]
struct DatabaseCheck {
    at: Instant,
    problem: Option<&'static str>,
}

impl Readiness {
    /// From now on `/readyz` answers 503: the server is about to stop.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// What is wrong with the database, if anything: asked again once the last
    /// answer is a second old, by one request while the others wait for it.
    async fn database_problem(&self, portal: &Portal) -> Option<&'static str> {
        let mut last = self.database.lock().await;
        if let Some(check) = *last
            && check.at.elapsed() < DATABASE_CHECK_HOLDS
        {
            return check.problem;
        }
        let problem = ask_the_database(portal).await;
        *last = Some(DatabaseCheck { at: Instant::now(), problem });
        problem
    }
}

/// 200 "ready", or 503 with what is not, a line each.
pub async fn ready(State((portal, readiness)): State<(Arc<Portal>, Readiness)>) -> (StatusCode, String) {
    let mut problems = Vec::new();
    if readiness.is_draining() {
        problems.push("draining: the server is stopping");
    }
    problems.extend(readiness.database_problem(&portal).await);
    if !portal.outbox.is_running() {
        problems.push("outbox: the delivery worker is not running");
    }
    match problems.is_empty() {
        true => (StatusCode::OK, "ready\n".to_owned()),
        false => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready\n{}\n", problems.join("\n"))),
    }
}

async fn ask_the_database(portal: &Portal) -> Option<&'static str> {
    match tokio::time::timeout(DATABASE_WITHIN, portal_core::db::schema::state(&portal.db)).await {
        Err(_) => {
            tracing::warn!(within_ms = DATABASE_WITHIN.as_millis(), "readiness: the database did not answer in time");
            Some("database: no answer in time")
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            Some("database: not answering")
        }
        Ok(Ok(schema)) if !schema.pending.is_empty() => {
            tracing::warn!(pending = schema.pending.join(", "), "readiness: the schema is behind this server");
            Some("schema: behind this server")
        }
        Ok(Ok(_)) => None,
    }
}
