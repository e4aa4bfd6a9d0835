use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::components::{FormError, focus_after_render};
use crate::functions::waiting_reset::CancelWaitingReset;
use crate::routes;

/// `/cancel-reset?token=…`, from the email (or text) that told the customer a reset
/// of two-factor authentication waits: one button cancels it. Opening the page
/// changes nothing, since mail scanners open links too.
#[component]
pub fn CancelResetPage() -> impl IntoView {
    let token = use_query_map().get_untracked().get("token").unwrap_or_default();
    let cancel = ServerAction::<CancelWaitingReset>::new();
    let cancelled = move || matches!(cancel.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if cancelled() {
            focus_after_render("#reset-cancelled");
        }
    });

    view! {
        <Title text="Cancel the reset of two-factor authentication"/>
        <section class="card narrow">
            <h1>"Cancel the reset of two-factor authentication"</h1>
            <Show
                when=cancelled
                fallback=move || {
                    let token = token.clone();
                    view! {
                        <p>
                            "A reset of two-factor authentication was asked for on your account. Unless you cancel "
                            "it, two-factor authentication will be turned off when the wait is over."
                        </p>
                        <ActionForm action=cancel>
                            <input type="hidden" name="token" value=token/>
                            <FormError action=cancel/>
                            <button type="submit" class="primary" disabled=cancel.pending()>"Cancel this reset"</button>
                        </ActionForm>
                    }
                }
            >
                <p id="reset-cancelled" class="notice" role="status" tabindex="-1">
                    "The reset is cancelled. Two-factor authentication stays on as it was."
                </p>
                <p>
                    "If you did not ask for it, someone may know your password: sign in and change it, and contact "
                    "our support team."
                </p>
            </Show>
            <p class="aside"><A href=routes::SIGN_IN>"Sign in"</A></p>
        </section>
    }
}

lazy_route! {
    /// The `/cancel-reset` route.
    CancelResetRoute shows CancelResetPage
}
