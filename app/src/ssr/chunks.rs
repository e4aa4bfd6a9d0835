//! The chunks of a split build (`cargo leptos build --split`). Each lazy route's
//! code is cut out of the main WASM into chunks the browser loads when it first
//! shows the route. A page rendered with a lazy route on it asks for that route's
//! chunks in its head, so they download beside the main WASM, not after it.
//!
//! Leptos can add these links itself from the same manifest, but it writes the
//! page's CSP nonce into each link's `crossorigin` attribute, where the browser
//! does not hide it as it hides a `nonce` attribute from the page's markup.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use leptos::prelude::*;
use leptos_meta::Link;

/// The chunks of every lazy route, from the manifest cargo-leptos wrote to `pkg`.
#[derive(Debug)]
pub struct SplitChunks {
    /// Where the browser finds them: `/pkg`.
    url_prefix: String,
    /// Each split function's chunks, by the name the build gave the function.
    by_function: HashMap<String, Vec<String>>,
}

impl SplitChunks {
    /// `None` for a build that was not split. A hashed build names the manifest by
    /// its `manifest` hash.
    pub fn read<'a>(pkg: &Path, url_prefix: &str, hash: impl Fn(&str) -> Option<&'a str>) -> Option<Self> {
        let path = pkg.join(match hash("manifest") {
            Some(hash) => format!("__wasm_split_manifest.{hash}.json"),
            None => "__wasm_split_manifest.json".to_owned(),
        });
        let text = std::fs::read_to_string(&path).ok()?;
        match serde_json::from_str(&text) {
            Ok(by_function) => Some(Self { url_prefix: url_prefix.to_owned(), by_function }),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "the split build's manifest is unreadable: lazy routes load without preloads");
                None
            }
        }
    }

    /// The URLs of lazy route `route`'s chunks. `#[lazy_route]` splits out the
    /// route's view as `__<route in snake case>_view_<number>`.
    fn of_route(&self, route: &str) -> impl Iterator<Item = String> + '_ {
        let prefix = format!("__{}_view_", snake_case(route));
        self.by_function
            .iter()
            .filter(move |(name, _)| name.strip_prefix(&prefix).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
            .flat_map(|(_, chunks)| chunks)
            .map(|chunk| format!("{}/{chunk}.wasm", self.url_prefix))
    }
}

/// The chunks one page has asked for: routes nest, and share chunks.
#[derive(Clone, Debug)]
pub struct PageChunks {
    chunks: Arc<SplitChunks>,
    asked: Arc<Mutex<HashSet<String>>>,
}

impl PageChunks {
    pub fn new(chunks: Arc<SplitChunks>) -> Self {
        Self { chunks, asked: Arc::default() }
    }
}

/// Adds a `<link rel="preload">` to the page's head for each chunk of lazy route
/// `R` that the page has not asked for yet. Nothing without a split build.
pub fn preload_route<R>() {
    let Some(page) = use_context::<PageChunks>() else { return };
    let route = std::any::type_name::<R>().rsplit("::").next().unwrap_or_default();
    let mut asked = page.asked.lock().unwrap_or_else(PoisonError::into_inner);
    for url in page.chunks.of_route(route) {
        if asked.insert(url.clone()) {
            // Rendered to the page's head, not here. `crossorigin`: the loader
            // fetches chunks in CORS mode, and a preload serves only a request
            // made in the same mode.
            let _ =
                view! { <Link rel="preload" href=url as_="fetch" type_="application/wasm" crossorigin="anonymous"/> }
                    .to_html();
        }
    }
}

/// `AccountSecurityRoute` → `account_security_route`.
fn snake_case(name: &str) -> String {
    let mut snake = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    snake
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks() -> SplitChunks {
        let manifest = r#"{
            "__account_route_view_124": ["chunk_5.a", "chunk_6.b", "split___account_route_view_124.c"],
            "__account_security_route_view_147": ["chunk_5.a", "split___account_security_route_view_147.d"]
        }"#;
        SplitChunks { url_prefix: "/pkg".into(), by_function: serde_json::from_str(manifest).unwrap() }
    }

    #[test]
    fn a_route_gets_its_own_chunks_only() {
        let mut urls: Vec<_> = chunks().of_route("AccountRoute").collect();
        urls.sort();
        assert_eq!(urls, ["/pkg/chunk_5.a.wasm", "/pkg/chunk_6.b.wasm", "/pkg/split___account_route_view_124.c.wasm"]);
        assert_eq!(chunks().of_route("AccountSecurityRoute").count(), 2);
        assert_eq!(chunks().of_route("Account").count(), 0, "a prefix of another route's name is not that route");
    }

    #[test]
    fn the_manifest_is_read_by_its_hash() {
        let pkg = std::env::temp_dir().join(format!("portal-split-{}", std::process::id()));
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__wasm_split_manifest.m1.json"), r#"{"__login_route_view_1":["chunk_1.a"]}"#).unwrap();
        let read = SplitChunks::read(&pkg, "/pkg", |kind| (kind == "manifest").then_some("m1")).unwrap();
        assert_eq!(read.of_route("LoginRoute").collect::<Vec<_>>(), ["/pkg/chunk_1.a.wasm"]);
        assert!(SplitChunks::read(&pkg, "/pkg", |_| None).is_none(), "no unhashed manifest there");
        std::fs::write(pkg.join("__wasm_split_manifest.json"), "not json").unwrap();
        assert!(SplitChunks::read(&pkg, "/pkg", |_| None).is_none(), "an unreadable manifest means no preloads");
        std::fs::remove_dir_all(&pkg).unwrap();
    }

    #[test]
    fn names_in_snake_case() {
        assert_eq!(snake_case("AccountSecurityRoute"), "account_security_route");
        assert_eq!(snake_case("LoginCodeRoute"), "login_code_route");
    }
}
