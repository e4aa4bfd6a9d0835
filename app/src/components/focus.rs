//! Moving keyboard focus to what just changed, so a screen reader announces it and
//! a keyboard user carries on from there.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast as _;

use crate::error::AppError;

/// Focuses the first element matching `selector` once the browser has drawn the
/// change that put it there. The element needs `tabindex="-1"` unless it is a
/// control.
pub fn focus_after_render(selector: impl Into<String>) {
    let selector = selector.into();
    request_animation_frame(move || {
        let found = document().query_selector(&selector).ok().flatten();
        if let Some(element) = found.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}

/// After each failed submission of `action`, empties `field` and puts focus back in
/// it, ready for the next try; the form's error (a live region) says what failed.
pub fn refocus_after_error<T>(action: ServerAction<T>, field: NodeRef<Input>)
where
    T: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    T::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        let failed = action.value().with(|last| matches!(last, Some(Err(_))));
        if let (true, Some(input)) = (failed, field.get_untracked()) {
            input.set_value("");
            let _ = input.focus();
        }
    });
}
