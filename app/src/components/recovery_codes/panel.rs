use leptos::prelude::*;

use super::SaveRecoveryCodes;
use crate::components::FormError;
use crate::functions::two_factor::RegenerateRecoveryCodes;

/// How many recovery codes are left, a warning when few are, and "Regenerate
/// recovery codes" (the password, then the new set to save).
#[component]
pub fn RecoveryCodesPanel(
    left: u64,
    /// Few enough left that the customer should make new ones.
    running_low: bool,
    /// A new set was saved: the count changed.
    on_changed: Callback<()>,
) -> impl IntoView {
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let asking = RwSignal::new(false);
    let count = match left {
        1 => "You have 1 recovery code left.".to_owned(),
        n => format!("You have {n} recovery codes left."),
    };
    let body = move || match regenerate.value().get() {
        Some(Ok(codes)) => view! {
            <SaveRecoveryCodes codes on_done=Callback::new(move |()| {
                asking.set(false);
                regenerate.value().set(None);
                on_changed.run(());
            })/>
        }
        .into_any(),
        _ if asking.get() => view! {
            <p>"Key in your account password. The new codes replace all of your current ones."</p>
            <ActionForm action=regenerate>
                <label for="regenerate-password">"Password"</label>
                <input
                    id="regenerate-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                    autofocus
                />
                <FormError action=regenerate/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=regenerate.pending()>"Regenerate"</button>
                    <button type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                </p>
            </ActionForm>
        }
        .into_any(),
        _ => view! {
            <button type="button" on:click=move |_| asking.set(true)>"Regenerate recovery codes"</button>
        }
        .into_any(),
    };
    view! {
        <section class="recovery" aria-labelledby="recovery-title">
            <h3 id="recovery-title">"Recovery codes"</h3>
            <p>{count}" Each one signs you in once if you cannot get a code."</p>
            {running_low.then(|| view! {
                <p class="warning">
                    "You are running out of recovery codes. Regenerate them so that losing your phone "
                    "does not lock you out."
                </p>
            })}
            {body}
        </section>
    }
}
