//! "Setup Two-Factor Authentication": the stepwise wizard of seed 000, with its
//! steps shown as a progress indicator. Each step's rule (password first, then the
//! secret, then a correct code) is enforced by the server functions it calls.

mod qr_modal;

use leptos::prelude::*;

use self::qr_modal::QrModal;
use crate::components::FormError;
use crate::functions::two_factor::{BeginTotpSetup, ConfirmPassword, ConfirmTotpSetup};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    SelectMethod,
    VerifyIdentity,
    SyncAuthenticator,
    ConfirmActivation,
}

const STEPS: [(Step, &str); 4] = [
    (Step::SelectMethod, "Select Method"),
    (Step::VerifyIdentity, "Verify Identity"),
    (Step::SyncAuthenticator, "Sync Authenticator"),
    (Step::ConfirmActivation, "Confirm Activation"),
];

#[component]
pub fn SetupWizard(
    /// "Okay" was clicked on the last step: 2FA is on.
    on_done: Callback<()>,
    /// The customer left the wizard before the end.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let step = RwSignal::new(Step::SelectMethod);
    let confirm_password = ServerAction::<ConfirmPassword>::new();
    let begin = ServerAction::<BeginTotpSetup>::new();
    let confirm_code = ServerAction::<ConfirmTotpSetup>::new();

    // Password accepted: fetch the secret; secret here: show it; code accepted: done.
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm_password.value().get() {
            begin.dispatch(BeginTotpSetup {});
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = begin.value().get() {
            step.set(Step::SyncAuthenticator);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm_code.value().get() {
            step.set(Step::ConfirmActivation);
        }
    });
    let cancel = move |_| on_cancel.run(());

    let body = move || match step.get() {
        Step::SelectMethod => view! {
            <h4>"Select Method"</h4>
            <p>"Choose how you want to receive your sign-in codes."</p>
            <button type="button" class="method" on:click=move |_| step.set(Step::VerifyIdentity)>
                <strong>"Authenticator App"</strong>
                <span>"Google Authenticator, Authy or a similar app"</span>
            </button>
            <p class="actions"><button type="button" on:click=cancel>"Cancel"</button></p>
        }
        .into_any(),
        Step::VerifyIdentity => view! {
            <h4>"Verify Identity"</h4>
            <p>"Key in your account password to authorize this security change."</p>
            <ActionForm action=confirm_password>
                <label for="wizard-password">"Password"</label>
                <input id="wizard-password" type="password" name="password" autocomplete="current-password" required/>
                <FormError action=confirm_password/>
                <FormError action=begin/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=confirm_password.pending()>"Confirm"</button>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </p>
            </ActionForm>
        }
        .into_any(),
        Step::SyncAuthenticator => match begin.value().get() {
            Some(Ok(setup)) => view! {
                <h4>"Sync Authenticator"</h4>
                <QrModal setup confirm=confirm_code on_cancel/>
            }
            .into_any(),
            _ => ().into_any(),
        },
        Step::ConfirmActivation => view! {
            <h4>"Confirm Activation"</h4>
            <p>"Your authenticator app is verified. Click Okay to finish."</p>
            <button type="button" class="primary" on:click=move |_| on_done.run(())>"Okay"</button>
        }
        .into_any(),
    };

    view! {
        <section class="wizard" aria-labelledby="wizard-title">
            <h3 id="wizard-title">"Setup Two-Factor Authentication"</h3>
            <ol class="wizard-steps">
                {STEPS
                    .into_iter()
                    .map(|(this, label)| view! {
                        <li
                            aria-current=move || (step.get() == this).then_some("step")
                            class=move || { if step.get() > this { "done" } else { "" } }
                        >{label}</li>
                    })
                    .collect_view()}
            </ol>
            {body}
        </section>
    }
}
