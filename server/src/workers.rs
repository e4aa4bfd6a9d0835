//! Background work that runs beside the requests, on every server: safe to run
//! on several at once, since each step is one idempotent statement.

use std::time::Duration;

use portal_core::Portal;

const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);
/// How often a server looks for waiting resets that came due.
const RESETS_EVERY: Duration = Duration::from_secs(30);

/// Starts every worker of this server on the current runtime.
pub fn spawn_all(portal: &Portal) {
    tokio::spawn(purge_expired(portal.clone()));
    // Each reset is claimed in the change that performs it: once, on one server.
    tokio::spawn(perform_due_resets(portal.clone()));
    // Emails and text messages stored by any server; delivery is claimed per
    // message, so several servers never send the same one twice at once.
    tokio::spawn(portal.outbox.clone().run());
}

/// Deletes expired sessions, stale sign-in failure counts, finished 2FA setups and
/// SMS codes, expired password-reset links and passkey ceremonies, old sent messages and security events
/// past their retention now and then, so the tables hold what is live.
async fn purge_expired(portal: Portal) {
    let mut ticks = tokio::time::interval(PURGE_EVERY);
    loop {
        ticks.tick().await;
        match portal.sessions.purge_expired().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "expired sessions purged"),
            Err(error) => tracing::warn!(%error, "cannot purge expired sessions"),
        }
        if let Err(error) = portal.accounts.sign_in_throttle().purge_stale().await {
            tracing::warn!(%error, "cannot purge stale sign-in failures");
        }
        if let Err(error) = portal.two_factor.purge_stale().await {
            tracing::warn!(%error, "cannot purge stale 2FA setups and SMS codes");
        }
        if let Err(error) = portal.passkeys.purge_expired().await {
            tracing::warn!(%error, "cannot purge expired passkey ceremonies");
        }
        if let Err(error) = portal.password_resets.purge_expired().await {
            tracing::warn!(%error, "cannot purge expired password-reset links");
        }
        if let Err(error) = portal.budgets.purge().await {
            tracing::warn!(%error, "cannot purge the networks' past hours");
        }
        if let Err(error) = portal.outbox.purge_sent().await {
            tracing::warn!(%error, "cannot purge old sent messages");
        }
        match portal.events.purge_expired().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "security events past their retention purged"),
            Err(error) => tracing::warn!(%error, "cannot purge old security events"),
        }
    }
}

/// Turns two-factor authentication off for the accounts whose waiting reset came
/// due (the customer did not cancel it).
async fn perform_due_resets(portal: Portal) {
    let mut ticks = tokio::time::interval(RESETS_EVERY);
    loop {
        ticks.tick().await;
        match portal.two_factor.complete_waiting_resets(&portal.waiting_resets).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "waiting resets of two-factor authentication performed"),
            Err(error) => tracing::warn!(%error, "cannot perform the waiting resets that are due"),
        }
    }
}
