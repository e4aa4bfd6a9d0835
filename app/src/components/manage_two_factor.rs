use leptos::prelude::*;

use crate::components::FormError;
use crate::functions::two_factor::DisableTwoFactor;

/// "Manage two-factor authentication": the password, then "Disable 2FA" (seed 003).
#[component]
pub fn ManageTwoFactor(on_disabled: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let disable = ServerAction::<DisableTwoFactor>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            on_disabled.run(());
        }
    });
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
        </section>
    }
}
