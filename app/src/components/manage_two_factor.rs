use leptos::prelude::*;

use crate::components::FormError;
use crate::functions::two_factor::DisableTwoFactor;
use crate::method::TwoFactorMethod;

/// "Manage two-factor authentication": the password, then "Disable 2FA" (seed 003);
/// or "Switch to …" another method, which keeps this one on until the new one
/// is verified.
#[component]
pub fn ManageTwoFactor(
    /// The method that is on now.
    current: TwoFactorMethod,
    on_disabled: Callback<()>,
    /// "Switch to …" was chosen: set up this method in its place.
    on_switch: Callback<TwoFactorMethod>,
    on_close: Callback<()>,
) -> impl IntoView {
    let disable = ServerAction::<DisableTwoFactor>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            on_disabled.run(());
        }
    });
    let others = current.others();
    view! {
        <section class="manage" aria-labelledby="manage-title">
            <h3 id="manage-title">"Manage two-factor authentication"</h3>
            <p>"Enter your account password to turn off two-factor authentication."</p>
            <ActionForm action=disable>
                <label for="manage-password">"Password"</label>
                <input id="manage-password" type="password" name="password" autocomplete="current-password" required/>
                <FormError action=disable/>
                <p class="actions">
                    <button type="submit" class="danger" disabled=disable.pending()>"Disable 2FA"</button>
                    <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                </p>
            </ActionForm>
            <h4>"Use another method"</h4>
            <p>
                {format!(
                    "Set up {} or {} instead. {} stays on until the new method is verified.",
                    others[0].in_a_sentence(),
                    others[1].in_a_sentence(),
                    current.label(),
                )}
            </p>
            <p class="actions">
                {others
                    .map(|other| view! {
                        <button type="button" on:click=move |_| on_switch.run(other)>
                            {format!("Switch to {}", other.label())}
                        </button>
                    })
                    .collect_view()}
            </p>
        </section>
    }
}
