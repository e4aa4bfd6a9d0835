//! The HTTP router: the Leptos pages (compressed) and server functions, the health
//! and readiness checks, the static files, and the security layers around them all.

use std::sync::{Arc, OnceLock};

use app::ssr::{AppState, ClientFiles, Cookies};
use app::{App, shell};
use axum::Router;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes as _, generate_route_list};
use portal_core::Portal;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate as _, SizeAbove};
use tower_http::trace::TraceLayer;

use crate::layers::{account_guard, client_ip, cross_origin, form_fields, request_id, security_headers, url_errors};
use crate::readiness::{self, Readiness};
use crate::{Config, static_files};

/// The whole portal as one axum router, ready until the process ends.
pub fn router(config: &Config, portal: Portal) -> Router {
    router_with(config, portal, Readiness::default())
}

/// The whole portal as one axum router, whose `/readyz` says "not ready" once
/// `readiness` drains.
pub fn router_with(config: &Config, portal: Portal, readiness: Readiness) -> Router {
    let options = config.leptos.clone();
    let portal = Arc::new(portal);
    let state = AppState { portal: portal.clone(), cookies: Cookies::new(config.is_https()) };
    let headers = security_headers::Policy::new(config);
    let origin = cross_origin::SiteOrigin::new(&config.site_url);

    let context = {
        let state = state.clone();
        // Under `cargo leptos watch` the client is rebuilt under new names while the
        // server runs, so the shell looks them up for each page instead.
        let files = (!config.watching).then(|| ClientFiles::new(&options));
        move || {
            provide_context(state.clone());
            if let Some(files) = &files {
                provide_context(files.clone());
            }
            security_headers::provide_nonce();
        }
    };
    // The fallback renders "Page not found" with the same context as every page:
    // its header asks who is signed in.
    let pages = Router::new()
        .leptos_routes_with_context(&options, app_routes(), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(options.clone())
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(MIN_COMPRESSED).and(is_page)));

    let site = Router::new()
        .merge(static_files::routes(&options))
        .merge(pages)
        .layer(middleware::from_fn_with_state(state, account_guard::guard))
        .layer(middleware::from_fn(url_errors::refuse_foreign_words))
        .layer(middleware::from_fn_with_state(config.trusted_proxies.clone(), client_ip::resolve))
        .layer(middleware::from_fn_with_state(
            form_fields::BodyDeadline(config.connections.body_read),
            form_fields::refuse_malformed,
        ))
        .layer(middleware::from_fn_with_state(origin, cross_origin::refuse_cross_site))
        .layer(middleware::from_fn_with_state(headers, security_headers::add))
        // Outside the other layers, so their answers (a 403, a 503) are counted too.
        .layer(middleware::from_fn(crate::metrics::record))
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(log_response))
        .layer(middleware::from_fn_with_state(config.trusted_proxies.clone(), request_id::assign));

    // The probes are outside the layers: a load balancer's and an orchestrator's
    // checks, every few seconds, would be most of the log and of the request counts.
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(readiness::ready).with_state((portal, readiness)))
        .merge(site)
}

/// The span each request is traced in: its id, method and route (the path), and
/// the account once a server function knows it (`app::ssr`); never its query,
/// which can hold a password-reset link's token. At the error level, so that
/// with `RUST_LOG=warn` the warnings and errors still carry the request's id.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request.headers().get(request_id::HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    tracing::error_span!(
        "request",
        request_id = id,
        method = %request.method(),
        route = %request.uri().path(),
        account = tracing::field::Empty,
    )
}

/// One line per answered request: its status and how long it took (in its span,
/// so with its id, route and account).
fn log_response<B>(response: &axum::http::Response<B>, latency: std::time::Duration, _: &tracing::Span) {
    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "answered");
}

/// The app's routes, worked out once per process. Leptos finds them by rendering
/// the app with resource loading switched off by a flag global to the process: a
/// page rendered meanwhile by another router in the process (the tests run many)
/// would have waited forever for data it never fetched.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Smaller than this, compressing saves less than it costs.
const MIN_COMPRESSED: u16 = 1024;

/// Pages are compressed on the fly (brotli at quality 4, or gzip). Server-function
/// answers are not: they are small, and some carry a secret (a new authenticator
/// key, recovery codes) next to what the request sent, which is what a BREACH
/// attacker needs. Pages carry no secret that stays the same between responses.
fn is_page(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    content_type.is_some_and(|value| value.starts_with("text/html"))
}

/// 200 while the process serves: a liveness probe, which must not depend on the
/// database (an outage would restart every server at once); `/readyz` asks it.
async fn health() -> &'static str {
    "alive\n"
}
