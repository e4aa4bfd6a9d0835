//! Figures for operators, as Prometheus text at `/metrics` on a listener of its
//! own (`METRICS_ADDR`, e.g. `127.0.0.1:9100`), apart from the customers' port:
//! requests by route and status with their latency, and what the core reports
//! (`portal_core`'s sign-ins, code checks, throttles, the Argon2 pool, the
//! outbox). Routes are the portal's own paths only, so a scan of random paths
//! cannot blow up the series; no label names a customer.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds: from a static file to a slow Argon2 queue.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The process's recorder, installed on first use (once a process: tests start
/// many servers).
fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder)
                .expect("the metrics recorder is installed once")
        })
        .clone()
}

/// The router of the metrics listener: `/metrics` only.
fn router(handle: PrometheusHandle) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                handle.run_upkeep();
                handle.render()
            }
        }),
    )
}

/// Serves `/metrics` on `listener` until the process ends.
pub fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
    let handle = recorder();
    portal_core::telemetry::exported();
    let app = router(handle.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    // Histograms keep their samples until upkeep, which must not wait for a scrape.
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            ticks.tick().await;
            handle.run_upkeep();
        }
    });
    Ok(())
}

/// Counts each request by route and status, and times it.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("other", |matched| label(matched.as_str())).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("portal_http_requests_total", "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("portal_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A matched route as a label; one with a catch-all (the static files) by its prefix.
fn label(route: &str) -> &str {
    route.split("/{").next().unwrap_or(route)
}
