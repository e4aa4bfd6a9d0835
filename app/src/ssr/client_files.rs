//! Where the browser finds the client: the JS, WASM and CSS that `cargo leptos`
//! built, under their content-hashed names in release builds, and the chunks the
//! split build (`--split`) loads for lazy routes. Read once when the router is
//! built, not on every page as Leptos' own tags do.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use leptos::config::LeptosOptions;

use super::chunks::SplitChunks;

#[derive(Clone, Debug)]
pub struct ClientFiles {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Which chunks each lazy route needs, for a split build.
    pub chunks: Option<Arc<SplitChunks>>,
}

impl ClientFiles {
    /// The files `options` describe. With hashed names on, the hashes come from the
    /// list the build left beside the server binary; without that list the plain
    /// names are used, and a warning says why the browser may not find them.
    pub fn new(options: &LeptosOptions) -> Self {
        let hashes = if options.hash_files { Self::hash_list(&options.hash_file) } else { None };
        let name = |kind: &str, extension: &str| {
            let base = format!("/{}/{}", options.site_pkg_dir, options.output_name);
            match hashes.as_deref().and_then(|list| hash_of(list, kind)) {
                Some(hash) => format!("{base}.{hash}.{extension}"),
                None => format!("{base}{}.{extension}", plain_suffix(kind)),
            }
        };
        let pkg = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
        let manifest_hash = hashes.as_deref().and_then(|list| hash_of(list, "manifest"));
        let chunks = SplitChunks::read(&pkg, &format!("/{}", options.site_pkg_dir), manifest_hash).map(Arc::new);
        Self { js: name("js", "js"), wasm: name("wasm", "wasm"), css: name("css", "css"), chunks }
    }

    /// Where a release build leaves the list of hashed names: beside the server
    /// binary, as `file_name`.
    pub fn hash_list_path(file_name: &str) -> Option<PathBuf> {
        Some(std::env::current_exe().ok()?.parent()?.join(file_name))
    }

    fn hash_list(file_name: &str) -> Option<String> {
        let path = Self::hash_list_path(file_name)?;
        match std::fs::read_to_string(&path) {
            Ok(list) => Some(list),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "hashed file names are on but their list is missing");
                None
            }
        }
    }

    /// The script that makes the server-rendered page interactive. It starts once the
    /// browser reports the page's first contentful paint, so the main WASM never competes
    /// with the page's own HTML and CSS for a slow network, and fetches the JS glue
    /// and the WASM side by side. A browser without paint timing starts a frame later.
    pub fn hydration_script(&self) -> String {
        // The names are string literals in a script: quoted, and with `<` escaped
        // so that no name could ever close the script element.
        let literal = |name: &str| format!("{name:?}").replace('<', "\\u003c");
        format!(
            "const start = () => {{\
               const wasm = fetch({wasm});\
               import({js}).then((client) => client.default({{ module_or_path: wasm }})\
                 .then(() => client.hydrate()));\
             }};\
             if (window.PerformanceObserver?.supportedEntryTypes?.includes(\"paint\")) {{\
               new PerformanceObserver((_, observer) => {{ observer.disconnect(); setTimeout(start); }})\
                 .observe({{ type: \"paint\", buffered: true }});\
             }} else {{\
               requestAnimationFrame(() => setTimeout(start));\
             }}",
            js = literal(&self.js),
            wasm = literal(&self.wasm),
        )
    }
}

/// `kind`'s hash in a `kind: hash` list such as cargo-leptos' `hash.txt`.
fn hash_of<'a>(list: &'a str, kind: &str) -> Option<&'a str> {
    list.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == kind)
        .map(|(_, hash)| hash.trim())
}

/// wasm-bindgen names the WASM `<name>_bg.wasm` unless cargo-leptos renamed it.
fn plain_suffix(kind: &str) -> &'static str {
    if kind == "wasm" && option_env!("LEPTOS_OUTPUT_NAME").is_none() { "_bg" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_read_from_the_list() {
        let list = "js: abc\nwasm: def\ncss: ghi\n";
        assert_eq!(hash_of(list, "wasm"), Some("def"));
        assert_eq!(hash_of(list, "css"), Some("ghi"));
        assert_eq!(hash_of(list, "split"), None);
    }

    #[test]
    fn plain_names_without_hashing() {
        let options = LeptosOptions::builder().output_name("portal").build();
        let files = ClientFiles::new(&options);
        assert_eq!(files.js, "/pkg/portal.js");
        assert_eq!(files.css, "/pkg/portal.css");
        assert!(files.hydration_script().contains("import(\"/pkg/portal.js\")"));
        assert!(files.chunks.is_none(), "no split build here");
    }

    #[test]
    fn no_name_can_close_the_script() {
        let files = ClientFiles {
            js: "/pkg/a</script><b>.js".into(),
            wasm: "/pkg/\"x.wasm".into(),
            css: String::new(),
            chunks: None,
        };
        let script = files.hydration_script();
        assert!(!script.contains('<'), "{script}");
        assert!(script.contains(r#"fetch("/pkg/\"x.wasm")"#), "{script}");
    }
}
