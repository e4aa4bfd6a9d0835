//! What a browser (or a CDN) is told about the files it downloads and the pages it
//! shows: precompressed assets under hashed names kept a year, misses and pages
//! never kept, pages compressed.

use crate::support;

use reqwest::StatusCode;

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use support::{Backend, TestApp};

/// A site folder as `cargo leptos build --release --precompress` leaves it.
fn built_site() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("portal-site-{}", std::process::id()));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("pkg/portal.Xy12.js"), "export default 1;").unwrap();
    std::fs::write(root.join("pkg/portal.Xy12.js.br"), "brotli bytes").unwrap();
    std::fs::write(root.join("pkg/portal.Xy12.js.gz"), "gzip bytes").unwrap();
    root
}

async fn portal_with_hashed_site() -> TestApp {
    let site = built_site();
    TestApp::start_with(Backend::Sqlite, |config| {
        config.leptos.site_root = site.display().to_string().into();
        config.leptos.hash_files = true;
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn hashed_assets_are_sent_precompressed_and_kept_for_a_year() {
    let app = portal_with_hashed_site().await;
    let client = reqwest::Client::new();
    let asset = app.url("/pkg/portal.Xy12.js");

    let brotli = client.get(&asset).header(ACCEPT_ENCODING, "gzip, br").send().await.unwrap();
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(brotli.headers()[VARY], "accept-encoding");
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli bytes", "the file cargo-leptos compressed");

    let gzip = client.get(&asset).header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    let plain = client.get(&asset).header(ACCEPT_ENCODING, "identity").send().await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.text().await.unwrap(), "export default 1;");
}

#[tokio::test]
async fn a_missing_asset_is_never_kept() {
    let app = portal_with_hashed_site().await;
    let missing = reqwest::get(app.url("/pkg/portal.Zz99.js")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()[CACHE_CONTROL], "no-store", "a newer build's name may exist soon");
}

#[tokio::test]
async fn pages_are_compressed_and_never_kept() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::new();
    let page = client.get(app.url("/login")).header(ACCEPT_ENCODING, "br").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[CONTENT_ENCODING], "br");
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
}
