use leptos::prelude::*;

use crate::error::AppError;

/// The error of a form's last submission, announced to screen readers.
#[component]
pub fn FormError<T>(
    /// The action the form submits.
    action: ServerAction<T>,
) -> impl IntoView
where
    T: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    T::Output: Send + Sync + 'static,
{
    let message = move || {
        action.value().with(|last| last.as_ref().and_then(|result| result.as_ref().err()).map(ToString::to_string))
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert">{message}</p>
        </Show>
    }
}
