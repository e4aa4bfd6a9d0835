//! The browser's entry point: takes over the page the server rendered.

use std::panic::PanicHookInfo;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(reload_after_panic));
    leptos::mount::hydrate_lazy(app::App);
}

/// A panic stops the client for good (`panic = "abort"`). The likeliest is a chunk
/// of a lazy route or of the wizard that could not be fetched: a network error, or
/// a tab left open across a deploy that removed the old chunks. Loading the page
/// again gets a client that matches the server, with the page as it was (what the
/// customer typed aside). Not twice within a minute, so that a panic of another
/// kind cannot reload the page forever.
fn reload_after_panic(info: &PanicHookInfo) {
    const LAST_RELOAD: &str = "portal-reloaded-after-panic";
    console_error_panic_hook::hook(info);
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(storage)) = window.session_storage() else { return };
    let now = js_sys::Date::now();
    let last = storage.get_item(LAST_RELOAD).ok().flatten().and_then(|at| at.parse::<f64>().ok());
    if last.is_none_or(|at| now - at > 60_000.0) {
        let _ = storage.set_item(LAST_RELOAD, &now.to_string());
        let _ = window.location().reload();
    }
}
