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
use crate::functions::passkeys::{BeginPasskeySetup, PasskeySetupDone};
use crate::functions::two_factor::{
    BeginTotpSetup, ConfirmPassword, ConfirmSmsSetup, ConfirmTotpSetup, RecoveryCodesView, TotpSetupView,
};
use crate::method::TwoFactorMethod;

/// Where the wizard is, and what it knows there.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    SelectMethod,
    VerifyIdentity(TwoFactorMethod),
    /// "Sync Authenticator" (with the app's QR code), "Verify Phone Number",
    /// "Create Passkey" (with the dialog's options).
    Connect(Connecting),
    /// Done: the recovery codes to save, then "Okay".
    ConfirmActivation(TwoFactorMethod, Option<RecoveryCodesView>),
}

/// The method being connected, with what its step shows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Connecting {
    App(TotpSetupView),
    Sms,
    Passkey(String),
}

/// What moves the wizard on: a choice, or a server's answer.
enum Moved {
    Chose(TwoFactorMethod),
    /// The password is right; for the app, with the secret to scan.
    IdentityVerified(Option<TotpSetupView>),
    /// The password is right, and the passkey's dialog has its options.
    PasskeyReady(String),
    /// The first code (or the passkey) is right: 2FA is on.
    Activated(Option<RecoveryCodesView>),
}

impl Step {
    /// The step after this one once `moved` happened: the wizard's order, in one
    /// place. Anything that does not belong where the wizard is leaves it there.
    fn after(self, moved: Moved) -> Self {
        use TwoFactorMethod::{AuthenticatorApp, Passkey, Sms};
        match (self, moved) {
            (Self::SelectMethod, Moved::Chose(method)) => Self::VerifyIdentity(method),
            (Self::VerifyIdentity(AuthenticatorApp), Moved::IdentityVerified(Some(setup))) => {
                Self::Connect(Connecting::App(setup))
            }
            (Self::VerifyIdentity(Sms), Moved::IdentityVerified(_)) => Self::Connect(Connecting::Sms),
            (Self::VerifyIdentity(Passkey), Moved::PasskeyReady(options)) => {
                Self::Connect(Connecting::Passkey(options))
            }
            (Self::Connect(connecting), Moved::Activated(codes)) => Self::ConfirmActivation(connecting.method(), codes),
            (step, _) => step,
        }
    }

    fn method(&self) -> Option<TwoFactorMethod> {
        match self {
            Self::SelectMethod => None,
            Self::VerifyIdentity(method) | Self::ConfirmActivation(method, _) => Some(*method),
            Self::Connect(connecting) => Some(connecting.method()),
        }
    }

    /// Its place in the progress indicator.
    fn position(&self) -> usize {
        match self {
            Self::SelectMethod => 0,
            Self::VerifyIdentity(_) => 1,
            Self::Connect(_) => 2,
            Self::ConfirmActivation(..) => 3,
        }
    }
}

impl Connecting {
    fn method(&self) -> TwoFactorMethod {
        match self {
            Self::App(_) => TwoFactorMethod::AuthenticatorApp,
            Self::Sms => TwoFactorMethod::Sms,
            Self::Passkey(_) => TwoFactorMethod::Passkey,
        }
    }
}

/// The progress indicator's labels; the third names the method's own step.
fn progress_labels(method: Option<TwoFactorMethod>) -> [&'static str; 4] {
    let connect = method.map_or(TwoFactorMethod::AuthenticatorApp.connect_step(), TwoFactorMethod::connect_step);
    ["Select Method", "Verify Identity", connect, "Confirm Activation"]
}

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
    let step = RwSignal::new(preset.map_or(Step::SelectMethod, Step::VerifyIdentity));
    let advance = move |moved: Moved| step.update(|step| *step = step.clone().after(moved));
    let confirm_password = ServerAction::<ConfirmPassword>::new();
    // A passkey's password starts its ceremony: typed for that very request.
    let begin_passkey = ServerAction::<BeginPasskeySetup>::new();
    let begin = ServerAction::<BeginTotpSetup>::new();
    let confirm_code = ServerAction::<ConfirmTotpSetup>::new();
    let confirm_sms = ServerAction::<ConfirmSmsSetup>::new();

    // The servers' answers, as what moves the wizard on. The app's password step
    // goes on to its secret before the wizard moves.
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm_password.value().get() {
            match step.with_untracked(Step::method) {
                Some(TwoFactorMethod::AuthenticatorApp) => {
                    begin.dispatch(BeginTotpSetup {});
                }
                _ => advance(Moved::IdentityVerified(None)),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(setup)) = begin.value().get() {
            advance(Moved::IdentityVerified(Some(setup)));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(options)) = begin_passkey.value().get() {
            advance(Moved::PasskeyReady(options));
        }
    });
    Effect::new(move |_| {
        if let (Some(Ok(codes)), _) | (_, Some(Ok(codes))) = (confirm_code.value().get(), confirm_sms.value().get()) {
            advance(Moved::Activated(Some(codes)));
        }
    });
    let passkey_created = Callback::new(move |done: PasskeySetupDone| advance(Moved::Activated(done.recovery_codes)));
    let cancel = move |_| on_cancel.run(());
    // Each step's heading takes focus as the step appears, so a screen reader says
    // where the customer now is; the QR code's dialog puts focus in itself.
    Effect::new(move |_| {
        if !step.with(|step| matches!(step, Step::Connect(Connecting::App(_)))) {
            focus_after_render(".wizard h4");
        }
    });

    let body = move || match step.get() {
        Step::SelectMethod => view! {
            <h4 tabindex="-1">"Select Method"</h4>
            <p>"Choose how you want to confirm it's you when you sign in."</p>
            <div class="methods">
                {TwoFactorMethod::ALL
                    .map(|method| view! {
                        <button type="button" class="method" on:click=move |_| advance(Moved::Chose(method))>
                            <strong>{method.label()}</strong>
                            <span>{method.hint()}</span>
                        </button>
                    })
                    .collect_view()}
            </div>
            <p class="actions"><button type="button" on:click=cancel>"Cancel"</button></p>
        }
        .into_any(),
        Step::VerifyIdentity(TwoFactorMethod::Passkey) => view! {
            <h4 tabindex="-1">"Verify Identity"</h4>
            <p>"Key in your account password to authorize this security change."</p>
            <ActionForm action=begin_passkey>
                <WizardPassword/>
                <FormError action=begin_passkey/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=begin_passkey.pending()>"Confirm"</button>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </p>
            </ActionForm>
        }
        .into_any(),
        Step::VerifyIdentity(_) => view! {
            <h4 tabindex="-1">"Verify Identity"</h4>
            <p>"Key in your account password to authorize this security change."</p>
            <ActionForm action=confirm_password>
                <WizardPassword/>
                <FormError action=confirm_password/>
                <FormError action=begin/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=confirm_password.pending()>"Confirm"</button>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </p>
            </ActionForm>
        }
        .into_any(),
        Step::Connect(Connecting::App(setup)) => view! {
            <h4 tabindex="-1">"Sync Authenticator"</h4>
            <QrModal setup confirm=confirm_code on_cancel/>
        }
        .into_any(),
        Step::Connect(Connecting::Sms) => view! {
            <h4 tabindex="-1">"Verify Phone Number"</h4>
            <PhoneStep confirm=confirm_sms on_cancel/>
        }
        .into_any(),
        Step::Connect(Connecting::Passkey(options)) => view! {
            <h4 tabindex="-1">"Create Passkey"</h4>
            <CreatePasskey options beside=false on_created=passkey_created on_cancel/>
        }
        .into_any(),
        Step::ConfirmActivation(method, codes) => {
            let on_saved = Callback::new(move |()| on_done.run(method));
            view! {
                <h4 tabindex="-1">"Confirm Activation"</h4>
                <p>{method.connected()}</p>
                {codes.map(|codes| view! { <SaveRecoveryCodes codes on_done=on_saved/> })}
            }
            .into_any()
        }
    };

    view! {
        <section class="wizard" aria-labelledby="wizard-title">
            <h3 id="wizard-title">"Setup Two-Factor Authentication"</h3>
            <ol class="wizard-steps">
                {move || {
                    let (at, method) = step.with(|step| (step.position(), step.method()));
                    progress_labels(method)
                        .into_iter()
                        .enumerate()
                        .map(|(position, label)| view! {
                            <li
                                aria-current=(position == at).then_some("step")
                                class=if position < at { "done" } else { "" }
                            >{label}</li>
                        })
                        .collect_view()
                }}
            </ol>
            {body}
        </section>
    }
}

/// "Password", as "Verify Identity" asks for it.
#[component]
fn WizardPassword() -> impl IntoView {
    view! {
        <label for="wizard-password">"Password"</label>
        <input id="wizard-password" type="password" name="password" autocomplete="current-password" required/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> TotpSetupView {
        TotpSetupView { qr_code: "data:".into(), setup_key: "ABCD".into() }
    }

    #[test]
    fn the_wizard_goes_through_its_steps_in_order_and_ignores_what_does_not_belong() {
        let chosen = Step::SelectMethod.after(Moved::Chose(TwoFactorMethod::AuthenticatorApp));
        assert_eq!(chosen, Step::VerifyIdentity(TwoFactorMethod::AuthenticatorApp));
        assert_eq!(chosen.clone().after(Moved::IdentityVerified(None)), chosen, "the app needs its secret first");
        let connecting = chosen.after(Moved::IdentityVerified(Some(setup())));
        assert_eq!(connecting, Step::Connect(Connecting::App(setup())));
        let done = connecting.after(Moved::Activated(None));
        assert_eq!(done, Step::ConfirmActivation(TwoFactorMethod::AuthenticatorApp, None));
        assert_eq!(done.clone().after(Moved::Chose(TwoFactorMethod::Sms)), done, "a late click changes nothing");

        let sms = Step::VerifyIdentity(TwoFactorMethod::Sms).after(Moved::IdentityVerified(None));
        assert_eq!(sms, Step::Connect(Connecting::Sms));
        let passkey = Step::VerifyIdentity(TwoFactorMethod::Passkey);
        assert_eq!(passkey.clone().after(Moved::IdentityVerified(None)), passkey, "a passkey needs its options");
        let creating = passkey.after(Moved::PasskeyReady("{}".into()));
        assert_eq!(creating, Step::Connect(Connecting::Passkey("{}".into())));
        assert_eq!(Step::SelectMethod.after(Moved::Activated(None)), Step::SelectMethod);
    }

    #[test]
    fn the_third_step_is_named_for_the_method() {
        assert_eq!(progress_labels(None)[2], "Sync Authenticator");
        assert_eq!(progress_labels(Some(TwoFactorMethod::Sms))[2], "Verify Phone Number");
        assert_eq!(progress_labels(Some(TwoFactorMethod::Passkey))[2], "Create Passkey");
    }
}
