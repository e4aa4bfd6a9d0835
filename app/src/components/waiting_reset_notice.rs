//! The notice at the top of Account Security while a reset of two-factor
//! authentication waits: when it happens, who asked, and "Cancel this reset".

use leptos::prelude::*;

use crate::components::{FormError, focus_after_render};
use crate::functions::waiting_reset::{CancelMyWaitingReset, waiting_reset};

/// Shown only while a reset waits; `changes` moves once it is cancelled, so the
/// rest of the tab (the activity) reads again.
#[component]
pub fn WaitingResetNotice(changes: RwSignal<usize>) -> impl IntoView {
    let waiting = Resource::new(move || changes.get(), |_| waiting_reset());
    let cancel = ServerAction::<CancelMyWaitingReset>::new();
    let cancelled = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = cancel.value().get() {
            cancel.value().set(None);
            cancelled.set(true);
            changes.update(|n| *n += 1);
            focus_after_render("#reset-cancelled");
        }
    });

    view! {
        <Transition fallback=|| ()>
            {move || {
                if cancelled.get() {
                    return view! {
                        <p id="reset-cancelled" class="notice" role="status" tabindex="-1">
                            "The reset is cancelled. Two-factor authentication stays on as it was."
                        </p>
                    }
                    .into_any();
                }
                match waiting.get() {
                    Some(Ok(Some(reset))) => view! {
                        <section class="waiting-reset" aria-labelledby="waiting-reset-title">
                            <h2 id="waiting-reset-title">"A reset of two-factor authentication waits"</h2>
                            <p>{format!(
                                "As {} asked, two-factor authentication will be turned off on {}, your recovery codes \
                                 will stop working and every device will be signed out. If you did not ask for this, \
                                 key in your password to cancel it, then change your password.",
                                reset.asked_by, reset.due
                            )}</p>
                            <ActionForm action=cancel>
                                <label for="waiting-reset-password">"Password"</label>
                                <input
                                    id="waiting-reset-password"
                                    type="password"
                                    name="password"
                                    autocomplete="current-password"
                                    required
                                />
                                <FormError action=cancel/>
                                <button type="submit" class="primary" disabled=cancel.pending()>"Cancel this reset"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    _ => ().into_any(),
                }
            }}
        </Transition>
    }
}
