use std::time::Duration;

use leptos::prelude::*;

use crate::error::in_words;

/// "Resend code": disabled, with the seconds left, until the server's wait is over.
/// The server enforces the wait; this only saves the customer a refused click.
#[component]
pub fn ResendCode(
    /// Seconds to wait, as the server last said.
    #[prop(into)]
    wait_secs: Signal<i64>,
    #[prop(into)] pending: Signal<bool>,
    on_resend: Callback<()>,
) -> impl IntoView {
    let remaining = RwSignal::new(0_i64);
    Effect::new(move |_| remaining.set(wait_secs.get()));
    // Effects run in the browser only, so the server never starts a timer.
    Effect::new(move |_| {
        let tick = move || remaining.update(|seconds| *seconds = (*seconds - 1).max(0));
        if let Ok(timer) = set_interval_with_handle(tick, Duration::from_secs(1)) {
            on_cleanup(move || timer.clear());
        }
    });
    let label = move || match remaining.get() {
        0 => "Resend code".to_owned(),
        seconds => format!("Resend code in {}", in_words(seconds)),
    };
    let waiting = move || pending.get() || remaining.get() > 0;
    view! {
        <button
            type="button"
            class="link"
            disabled=waiting
            on:click=move |_| on_resend.run(())
        >
            {label}
        </button>
    }
}
