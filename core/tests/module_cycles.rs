//! Dependencies between the core's top-level modules run one way: services use the
//! vocabulary, which uses the database and the secrets, never the other way round.
//! This reads every `crate::…` path in `src/` (test code aside) and fails, naming
//! the loop, when one module comes back to itself through the others.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn no_module_of_the_core_depends_on_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = dependencies(&src);
    assert!(graph.len() > 20, "the modules were not found: {graph:?}");
    let cycles: Vec<Vec<String>> = graph.keys().filter_map(|module| cycle_through(&graph, module)).collect();
    assert!(cycles.is_empty(), "modules that depend on themselves:\n{}", describe(&cycles));
}

/// Each top-level module and the other top-level modules its code names.
fn dependencies(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = reexports(&lib);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let Some(module) = module_name(&path) else { continue };
        graph.entry(module.clone()).or_default();
        for file in rust_files(&path) {
            for used in named_modules(&without_tests(&fs::read_to_string(&file).unwrap())) {
                let used = reexports.get(&used).cloned().unwrap_or(used);
                if used != module {
                    graph.get_mut(&module).unwrap().insert(used);
                }
            }
        }
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for used in graph.values_mut() {
        used.retain(|name| known.contains(name));
    }
    graph
}

/// `foo.rs` and `foo/` are the module `foo`; `lib.rs` and the tests' helpers are none.
fn module_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let module = if path.is_dir() { name } else { name.strip_suffix(".rs")? };
    (!matches!(module, "lib" | "testing")).then(|| module.to_owned())
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        let is_tests = path.file_name().is_some_and(|name| name == "tests.rs");
        if path.is_dir() || (path.extension().is_some_and(|ext| ext == "rs") && !is_tests) {
            files.extend(rust_files(&path));
        }
    }
    files
}

/// The file without its unit tests (a `mod tests` at its end) and its comments.
fn without_tests(text: &str) -> String {
    let code = text.find("#[cfg(test)]\nmod tests").map_or(text, |start| &text[..start]);
    code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The first segment of every `crate::` path: `crate::a::b`, `crate::{a, b::c}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for (start, _) in code.match_indices("crate::") {
        let rest = &code[start + "crate::".len()..];
        let segments = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').collect(),
            None => vec![rest],
        };
        for segment in segments {
            let name: String =
                segment.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

/// What `lib.rs` re-exports at the root (`pub use error::CoreError;`), by name.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for line in lib.lines().filter_map(|line| line.trim().strip_prefix("pub use ")) {
        let Some((module, names)) = line.trim_end_matches(';').split_once("::") else { continue };
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            found.insert(name.trim().to_owned(), module.to_owned());
        }
    }
    found
}

/// A path from `start` back to itself, if there is one.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &String) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.clone()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        for next in &graph[path.last().unwrap()] {
            if next == start {
                return Some([path.clone(), vec![start.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

fn describe(cycles: &[Vec<String>]) -> String {
    cycles.iter().map(|cycle| format!("  {}", cycle.join(" → "))).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_loop_is_found_and_named() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ("d".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(cycle_through(&graph, &"a".to_owned()), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(cycle_through(&graph, &"d".to_owned()), None);
    assert_eq!(
        named_modules("use crate::{clock::Clock, db};\nuse crate::store::Store;"),
        BTreeSet::from(["clock".into(), "db".into(), "store".into()])
    );
    assert_eq!(reexports("pub use error::CoreError;")["CoreError"], "error");
}
