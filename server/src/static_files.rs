//! The files a browser downloads to run the portal: `/pkg/…` (WASM, JS, CSS) and the
//! icon. Each is served from the brotli or gzip copy cargo-leptos wrote beside it
//! (`--precompress`), as the browser accepts, so no request spends CPU compressing.
//!
//! With hashed file names (`hash-files`), a name is a version: browsers keep the file
//! a year without asking again, and a new build is new names. Without them (a plain
//! `cargo build`), browsers must ask each time, or they would run an old client.

use axum::Router;
use axum::http::{HeaderValue, Response, StatusCode, header};
use leptos::config::LeptosOptions;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

const FOREVER: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// The icon keeps its name across builds; a day old is fine.
const A_DAY: &str = "public, max-age=86400";

pub fn routes(options: &LeptosOptions) -> Router {
    let root = std::path::Path::new(&*options.site_root);
    let pkg = ServeDir::new(root.join(&*options.site_pkg_dir)).precompressed_br().precompressed_gzip();
    let pkg_caching = if options.hash_files { FOREVER } else { REVALIDATE };
    let icon = ServeFile::new(root.join("favicon.svg"));
    // Which copy was sent depends on Accept-Encoding: a shared cache must know.
    let vary = SetResponseHeaderLayer::appending(header::VARY, HeaderValue::from_static("accept-encoding"));
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .layer(cache_control(pkg_caching))
        .layer(vary)
        .merge(Router::new().route_service("/favicon.svg", icon).layer(cache_control(A_DAY)))
}

/// `value` on the file (and on "not modified", which renews it); a miss is never
/// kept: during a rolling deploy, a server still on the old build may not have the
/// new build's names yet.
fn cache_control<B>(
    value: &'static str,
) -> SetResponseHeaderLayer<impl Fn(&Response<B>) -> Option<HeaderValue> + Clone> {
    let value = HeaderValue::from_static(value);
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, move |response: &Response<B>| {
        let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
        Some(if found { value.clone() } else { HeaderValue::from_static("no-store") })
    })
}
