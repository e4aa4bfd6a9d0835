use leptos::prelude::*;

use crate::error::AppError;

/// The error of a form's last submission, announced to screen readers.
///
/// Generic over the action only to read its error: the markup lives in the one
/// non-generic [`ErrorMessage`], so each form adds a closure to the WASM, not a copy
/// of the view.
#[component]
pub fn FormError<T>(
    /// The action the form submits.
    action: ServerAction<T>,
) -> impl IntoView
where
    T: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    T::Output: Send + Sync + 'static,
{
    let message = Signal::derive(move || {
        action.value().with(|last| last.as_ref().and_then(|result| result.as_ref().err()).map(ToString::to_string))
    });
    view! { <ErrorMessage message/> }
}

#[component]
fn ErrorMessage(message: Signal<Option<String>>) -> impl IntoView {
    move || message.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })
}
