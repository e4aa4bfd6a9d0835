//! The chunks of a split build (`cargo leptos build --split`). Each lazy route's
//! code is cut out of the main WASM into chunks the browser loads when it first
//! shows the route. A page rendered with a lazy route on it asks for that route's
//! chunks in its head, at low priority, so they download once the page's HTML and
//! CSS are in, alongside the main WASM rather than after it.
//!
//! Leptos adds such links itself when its `<HydrationScripts/>` is in the shell,
//! but it writes the page's CSP nonce into each link's `crossorigin` attribute,
//! where the browser does not hide it as it hides a `nonce` attribute. The shell
//! has its own hydration script (`client_files.rs`) and must keep it that way.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use convert_case::{Case, Casing as _};
use leptos::prelude::*;
use leptos_meta::Link;

/// The chunks of every lazy route, from the manifest cargo-leptos wrote to `pkg`.
#[derive(Debug)]
pub struct SplitChunks {
    /// Where the browser finds them: `/pkg`.
    url_prefix: String,
    /// Each split function's chunks, by the name the build gave the function.
    by_function: HashMap<String, Vec<String>>,
    /// Each lazy route's chunk URLs, worked out on its first page, not on every one.
    by_route: Mutex<HashMap<&'static str, Arc<[String]>>>,
}

impl SplitChunks {
    /// `None` for a build that was not split. A hashed build names the manifest by
    /// its hash (`manifest_hash`), from the list of hashed names.
    pub fn read(pkg: &Path, url_prefix: &str, manifest_hash: Option<&str>) -> Option<Self> {
        let path = pkg.join(match manifest_hash {
            Some(hash) => format!("__wasm_split_manifest.{hash}.json"),
            None => "__wasm_split_manifest.json".to_owned(),
        });
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                // Named in the list of hashed names, so the build was split: the
                // site folder is incomplete.
                if manifest_hash.is_some() {
                    tracing::warn!(path = %path.display(), %error, "the split build's manifest is missing: lazy routes load without preloads");
                }
                return None;
            }
        };
        match serde_json::from_str(&text) {
            Ok(by_function) => {
                Some(Self { url_prefix: url_prefix.to_owned(), by_function, by_route: Mutex::default() })
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "the split build's manifest is unreadable: lazy routes load without preloads");
                None
            }
        }
    }

    /// The URLs of lazy route `route`'s chunks. `#[lazy_route]` splits out the
    /// route's view as `__<route>_View`, which `#[lazy]` names in snake case with
    /// the crate Leptos uses, then a number. A route found in no name (a Leptos
    /// upgrade that names them otherwise) is logged, once: its page still works,
    /// only later.
    fn of_route(&self, route: &'static str) -> Arc<[String]> {
        let mut by_route = self.by_route.lock().unwrap_or_else(PoisonError::into_inner);
        by_route.entry(route).or_insert_with(|| self.find_route(route)).clone()
    }

    fn find_route(&self, route: &str) -> Arc<[String]> {
        let prefix = format!("__{route}_View").to_case(Case::Snake) + "_";
        let urls: Arc<[String]> = self
            .by_function
            .iter()
            .filter(|(name, _)| name.strip_prefix(&prefix).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
            .flat_map(|(_, chunks)| chunks)
            .map(|chunk| format!("{}/{chunk}.wasm", self.url_prefix))
            .collect();
        if urls.is_empty() {
            tracing::error!(route, expected = %prefix, "a lazy route has no chunks in the split build's manifest: its page loads them without preloads");
        }
        urls
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
/// `R` (a plain type name) that the page has not asked for yet. Nothing without a
/// split build. Called from the route's `data()`, which runs on the server as the
/// route is matched, inside the page's render, before the route's view.
///
/// The links are added to the head as routes render, after the shell's own meta
/// tags: a `<Meta>` or `<Link>` placed inside a lazy route would come after them.
pub fn preload_route<R>() {
    let Some(page) = use_context::<PageChunks>() else { return };
    let route = std::any::type_name::<R>().rsplit("::").next().unwrap_or_default();
    let mut asked = page.asked.lock().unwrap_or_else(PoisonError::into_inner);
    for url in page.chunks.of_route(route).iter() {
        if asked.insert(url.clone()) {
            // Rendered to the page's head, not here. `crossorigin`: the loader
            // fetches chunks in CORS mode, and a preload serves only a request
            // made in the same mode. Low priority: after the page's CSS.
            let _ = view! {
                <Link
                    rel="preload"
                    href=url.clone()
                    as_="fetch"
                    type_="application/wasm"
                    crossorigin="anonymous"
                    fetchpriority="low"
                />
            }
            .to_html();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks() -> SplitChunks {
        let manifest = r#"{
            "__account_route_view_124": ["chunk_5.a", "chunk_6.b", "split___account_route_view_124.c"],
            "__account_security_route_view_147": ["chunk_5.a", "split___account_security_route_view_147.d"]
        }"#;
        SplitChunks {
            url_prefix: "/pkg".into(),
            by_function: serde_json::from_str(manifest).unwrap(),
            by_route: Mutex::default(),
        }
    }

    #[test]
    fn a_route_gets_its_own_chunks_only() {
        let mut urls = chunks().of_route("AccountRoute").to_vec();
        urls.sort();
        assert_eq!(urls, ["/pkg/chunk_5.a.wasm", "/pkg/chunk_6.b.wasm", "/pkg/split___account_route_view_124.c.wasm"]);
        assert_eq!(chunks().of_route("AccountSecurityRoute").len(), 2);
        assert!(chunks().of_route("Account").is_empty(), "a prefix of another route's name is not that route");
    }

    #[test]
    fn the_manifest_is_read_by_its_hash() {
        let pkg = std::env::temp_dir().join(format!("portal-split-{}", std::process::id()));
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__wasm_split_manifest.m1.json"), r#"{"__login_route_view_1":["chunk_1.a"]}"#).unwrap();
        let read = SplitChunks::read(&pkg, "/pkg", Some("m1")).unwrap();
        assert_eq!(*read.of_route("LoginRoute"), ["/pkg/chunk_1.a.wasm"]);
        assert!(SplitChunks::read(&pkg, "/pkg", None).is_none(), "no unhashed manifest there");
        std::fs::write(pkg.join("__wasm_split_manifest.json"), "not json").unwrap();
        assert!(SplitChunks::read(&pkg, "/pkg", None).is_none(), "an unreadable manifest means no preloads");
        std::fs::remove_dir_all(&pkg).unwrap();
    }

    #[test]
    fn route_names_as_leptos_writes_them() {
        // From a real manifest: `#[lazy_route] impl LazyRoute for LoginCodeRoute`.
        let chunks = SplitChunks {
            url_prefix: "/pkg".into(),
            by_function: HashMap::from([("__login_code_route_view_6011964577388521382".into(), vec!["x".into()])]),
            by_route: Mutex::default(),
        };
        assert_eq!(*chunks.of_route("LoginCodeRoute"), ["/pkg/x.wasm"]);
    }
}
