use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;

use crate::error::AppError;

/// The error of a form's last submission, announced to screen readers.
///
/// Before the action has run in this page, that is the failure the URL carries: a
/// page sent without the client has its form posted by the browser itself, and the
/// server sends the browser back with the failure in the URL (Leptos' `__path` and
/// `__err`). Only failures worded by the portal are shown
/// ([`AppError::is_worded_by_portal`]; the server refuses page loads with others,
/// `server/src/layers/url_errors.rs`).
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
    let from_url = failure_in_url(T::PATH);
    let message = Signal::derive(move || {
        // Until the action runs in this page, its value is what Leptos read from the
        // URL too: shown only through the check below.
        if action.version().get() == 0 {
            return from_url.clone();
        }
        action.value().with(|last| last.as_ref().and_then(|result| result.as_ref().err()).map(ToString::to_string))
    });
    view! { <ErrorMessage message/> }
}

/// The failure of a plain form post to the server function at `path`, from the
/// URL, if it is worded by the portal.
fn failure_in_url(path: &str) -> Option<String> {
    let failure = use_context::<ServerActionError>().filter(|failure| failure.path() == path)?;
    let error = ServerFnUrlError::<AppError>::decode_err(failure.err());
    error.is_worded_by_portal().then(|| error.to_string())
}

#[component]
fn ErrorMessage(message: Signal<Option<String>>) -> impl IntoView {
    move || message.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })
}
