//! The core's figures for operators, through the `metrics` facade (the server
//! exports them as Prometheus text when `METRICS_ADDR` is set; otherwise they
//! cost next to nothing). One place names them all. No label ever names a
//! customer: outcomes, throttle scopes and channels only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Whether anyone reads the figures: those that cost a query are measured only then.
static EXPORTED: AtomicBool = AtomicBool::new(false);

/// The server exports the figures (`METRICS_ADDR`): the outbox's depth is measured
/// from now on.
pub fn exported() {
    EXPORTED.store(true, Ordering::Relaxed);
}

pub(crate) fn is_exported() -> bool {
    EXPORTED.load(Ordering::Relaxed)
}

/// A sign-in's password step: `right`, `wrong`, `throttled`, `locked` or `error`.
pub(crate) fn sign_in(outcome: &'static str) {
    metrics::counter!("portal_sign_ins_total", "outcome" => outcome).increment(1);
}

/// A sign-in with a passkey alone: `right`, `refused` or `error`.
pub(crate) fn passwordless_sign_in(outcome: &'static str) {
    metrics::counter!("portal_passwordless_sign_ins_total", "outcome" => outcome).increment(1);
}

/// A check of the second factor at sign-in: `right`, `wrong` or `not_a_guess`.
pub(crate) fn code_check(outcome: &'static str) {
    metrics::counter!("portal_code_checks_total", "outcome" => outcome).increment(1);
}

/// A try refused before it was checked, in the throttle `scope`: `wait` or `locked`.
pub(crate) fn throttle_refusal(scope: &'static str, reason: &'static str) {
    metrics::counter!("portal_throttle_refusals_total", "scope" => scope, "reason" => reason).increment(1);
}

/// A network refused past its hourly `budget`.
pub(crate) fn network_budget_refusal(budget: &'static str) {
    metrics::counter!("portal_network_budget_refusals_total", "budget" => budget).increment(1);
}

/// A text refused for what it would cost: `ceiling` (the portal's hourly) or
/// `country` (not in `SMS_COUNTRIES`).
pub(crate) fn sms_refusal(reason: &'static str) {
    metrics::counter!("portal_sms_refusals_total", "reason" => reason).increment(1);
}

/// A count that just locked, in the throttle `scope`.
pub(crate) fn throttle_lock(scope: &'static str) {
    metrics::counter!("portal_throttle_locks_total", "scope" => scope).increment(1);
}

/// A password hash waiting for a slot of the Argon2 pool in its lane (`known` or
/// `untrusted`): counted in the queue until dropped (its slot came, or its caller
/// gave up), then its wait recorded.
pub(crate) struct HashQueued {
    lane: &'static str,
    since: Instant,
}

impl HashQueued {
    pub(crate) fn start(lane: &'static str) -> Self {
        metrics::gauge!("portal_password_hash_queue", "lane" => lane).increment(1.0);
        Self { lane, since: Instant::now() }
    }
}

impl Drop for HashQueued {
    fn drop(&mut self) {
        metrics::gauge!("portal_password_hash_queue", "lane" => self.lane).decrement(1.0);
        metrics::histogram!("portal_password_hash_wait_seconds", "lane" => self.lane)
            .record(self.since.elapsed().as_secs_f64());
    }
}

/// An untrusted password check refused at once: its lane had as many waiting as it may.
pub(crate) fn hash_refused() {
    metrics::counter!("portal_password_hash_refusals_total").increment(1);
}

/// A message delivered (`sent`) or not (`failed`: to be retried, or set aside).
pub(crate) fn outbox_delivery(channel: &'static str, outcome: &'static str) {
    metrics::counter!("portal_outbox_deliveries_total", "channel" => channel, "outcome" => outcome).increment(1);
}

/// What waits in the outbox on `channel`: how many, and the oldest's age.
pub(crate) fn outbox_depth(channel: &'static str, waiting: u64, oldest_age_secs: i64) {
    metrics::gauge!("portal_outbox_waiting", "channel" => channel).set(waiting as f64);
    metrics::gauge!("portal_outbox_oldest_age_seconds", "channel" => channel).set(oldest_age_secs.max(0) as f64);
}
