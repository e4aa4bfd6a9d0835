//! "Setup Two-Factor Authentication": the stepwise wizard of seeds 000 and 003, with
//! its steps shown as a progress indicator: the authenticator app, SMS, or a
//! passkey. The same steps switch an account from one method to another. Each step's rule (password first, then the secret or the
//! number, then a correct code) is enforced by the server functions it calls.

mod phone_step;
mod qr_modal;

use leptos::prelude::*;

use self::phone_step::PhoneStep;
use self::qr_modal::QrModal;
use crate::components::{CreatePasskey, FormError, SaveRecoveryCodes, focus_after_render};
use crate::functions::two_factor::{
    BeginTotpSetup, ConfirmPassword, ConfirmSmsSetup, ConfirmTotpSetup, RecoveryCodesView, TwoFactorMethod,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    SelectMethod,
    VerifyIdentity,
    /// "Sync Authenticator", "Verify Phone Number" for SMS, "Create Passkey".
    Connect,
    ConfirmActivation,
}

impl Step {
    fn label(self, method: Option<TwoFactorMethod>) -> &'static str {
        match self {
            Self::SelectMethod => "Select Method",
            Self::VerifyIdentity => "Verify Identity",
            Self::Connect if method == Some(TwoFactorMethod::Sms) => "Verify Phone Number",
            Self::Connect if method == Some(TwoFactorMethod::Passkey) => "Create Passkey",
            Self::Connect => "Sync Authenticator",
            Self::ConfirmActivation => "Confirm Activation",
        }
    }
}

const STEPS: [Step; 4] = [Step::SelectMethod, Step::VerifyIdentity, Step::Connect, Step::ConfirmActivation];

/// "Setup Two-Factor Authentication", downloaded when a customer first opens it.
/// An account sets 2FA up once or twice in its life, so the wizard and its QR
/// dialog stay out of every page's first download (a chunk of the split build).
#[component]
pub fn SetupWizard(
    /// The method to set up, when already chosen (switching from the other one):
    /// the wizard starts at "Verify Identity".
    #[prop(optional)]
    preset: Option<TwoFactorMethod>,
    /// "Okay" was clicked on the last step: 2FA is on with this method.
    on_done: Callback<TwoFactorMethod>,
    /// The customer left the wizard before the end.
    on_cancel: Callback<()>,
) -> impl IntoView {
    #[lazy]
    fn wizard(preset: Option<TwoFactorMethod>, on_done: Callback<TwoFactorMethod>, on_cancel: Callback<()>) -> AnyView {
        view! { <Wizard preset on_done on_cancel/> }.into_any()
    }
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {Suspend::new(wizard(preset, on_done, on_cancel))}
        </Suspense>
    }
}

/// The wizard itself.
#[component]
fn Wizard(
    preset: Option<TwoFactorMethod>,
    /// "Okay" was clicked on the last step: 2FA is on with this method.
    on_done: Callback<TwoFactorMethod>,
    /// The customer left the wizard before the end.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let method = RwSignal::new(preset);
    let step = RwSignal::new(if preset.is_some() { Step::VerifyIdentity } else { Step::SelectMethod });
    let confirm_password = ServerAction::<ConfirmPassword>::new();
    let begin = ServerAction::<BeginTotpSetup>::new();
    let confirm_code = ServerAction::<ConfirmTotpSetup>::new();
    let confirm_sms = ServerAction::<ConfirmSmsSetup>::new();

    // Password accepted: on to the app's secret or the phone number; a code accepted: done.
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm_password.value().get() {
            match method.get_untracked() {
                Some(TwoFactorMethod::Sms | TwoFactorMethod::Passkey) => step.set(Step::Connect),
                _ => {
                    begin.dispatch(BeginTotpSetup {});
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = begin.value().get() {
            step.set(Step::Connect);
        }
    });
    // A code accepted: 2FA is on, and its recovery codes are to be saved.
    let recovery_codes = RwSignal::new(None::<RecoveryCodesView>);
    Effect::new(move |_| {
        if let (Some(Ok(codes)), _) | (_, Some(Ok(codes))) = (confirm_code.value().get(), confirm_sms.value().get()) {
            recovery_codes.set(Some(codes));
            step.set(Step::ConfirmActivation);
        }
    });
    let passkey_created = Callback::new(move |done: crate::functions::passkeys::PasskeySetupDone| {
        recovery_codes.set(done.recovery_codes);
        step.set(Step::ConfirmActivation);
    });
    let choose = move |chosen| {
        method.set(Some(chosen));
        step.set(Step::VerifyIdentity);
    };
    let cancel = move |_| on_cancel.run(());
    // Each step's heading takes focus as the step appears, so a screen reader says
    // where the customer now is; the QR code's dialog puts focus in itself.
    Effect::new(move |_| {
        let in_dialog = step.get() == Step::Connect && method.get() == Some(TwoFactorMethod::AuthenticatorApp);
        if !in_dialog {
            focus_after_render(".wizard h4");
        }
    });

    let body = move || {
        match (step.get(), method.get()) {
        (Step::SelectMethod, _) => view! {
            <h4 tabindex="-1">"Select Method"</h4>
            <p>"Choose how you want to confirm it's you when you sign in."</p>
            <div class="methods">
                <button type="button" class="method" on:click=move |_| choose(TwoFactorMethod::AuthenticatorApp)>
                    <strong>"Authenticator App"</strong>
                    <span>"Google Authenticator, Authy or a similar app"</span>
                </button>
                <button type="button" class="method" on:click=move |_| choose(TwoFactorMethod::Sms)>
                    <strong>"SMS"</strong>
                    <span>"A text message to your mobile phone"</span>
                </button>
                <button type="button" class="method" on:click=move |_| choose(TwoFactorMethod::Passkey)>
                    <strong>"Passkey or security key"</strong>
                    <span>"Touch ID, Windows Hello, your phone or a USB key: nothing to type, and it cannot be phished"</span>
                </button>
            </div>
            <p class="actions"><button type="button" on:click=cancel>"Cancel"</button></p>
        }
        .into_any(),
        (Step::VerifyIdentity, _) => view! {
            <h4 tabindex="-1">"Verify Identity"</h4>
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
        (Step::Connect, Some(TwoFactorMethod::Sms)) => view! {
            <h4 tabindex="-1">"Verify Phone Number"</h4>
            <PhoneStep confirm=confirm_sms on_cancel/>
        }
        .into_any(),
        (Step::Connect, Some(TwoFactorMethod::Passkey)) => view! {
            <h4 tabindex="-1">"Create Passkey"</h4>
            <CreatePasskey beside=false on_created=passkey_created on_cancel/>
        }
        .into_any(),
        (Step::Connect, _) => match begin.value().get() {
            Some(Ok(setup)) => view! {
                <h4 tabindex="-1">"Sync Authenticator"</h4>
                <QrModal setup confirm=confirm_code on_cancel/>
            }
            .into_any(),
            _ => ().into_any(),
        },
        (Step::ConfirmActivation, chosen) => {
            let chosen = chosen.unwrap_or(TwoFactorMethod::AuthenticatorApp);
            let verified = match chosen {
                TwoFactorMethod::AuthenticatorApp => {
                    "Your authenticator app is verified. Save your recovery codes, then click Okay to finish."
                }
                TwoFactorMethod::Sms => {
                    "Your mobile number is verified. Save your recovery codes, then click Okay to finish."
                }
                TwoFactorMethod::Passkey => "Your passkey is ready. Save your recovery codes, then click Okay to finish.",
            };
            let on_saved = Callback::new(move |()| on_done.run(chosen));
            view! {
                <h4 tabindex="-1">"Confirm Activation"</h4>
                <p>{verified}</p>
                {move || recovery_codes.get().map(|codes| view! { <SaveRecoveryCodes codes on_done=on_saved/> })}
            }
            .into_any()
        }
    }
    };

    view! {
        <section class="wizard" aria-labelledby="wizard-title">
            <h3 id="wizard-title">"Setup Two-Factor Authentication"</h3>
            <ol class="wizard-steps">
                {STEPS
                    .into_iter()
                    .map(|this| view! {
                        <li
                            aria-current=move || (step.get() == this).then_some("step")
                            class=move || { if step.get() > this { "done" } else { "" } }
                        >{move || this.label(method.get())}</li>
                    })
                    .collect_view()}
            </ol>
            {body}
        </section>
    }
}
