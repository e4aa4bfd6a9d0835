use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::components::{CodeInput, FormError, RecoveryCodeInput, ResendCode, refocus_after_error};
use crate::error::{AppError, in_words};
use crate::functions::auth::{
    ChallengeView, ResendSignInCode, begin_passkey_sign_in, finish_passkey_sign_in, sign_in_challenge,
};
use crate::functions::two_factor::{SmsStatusView, TwoFactorMethod};
use crate::passkey_dialog::{self, Ceremony};

/// `/login/code`: the second step of sign-in for an account with 2FA on. An
/// account with passkeys is asked for one first ("Use your passkey"), with "Use
/// another method" when it has one. With SMS, the code went out with the
/// password step (unless a limit said to wait, or passkeys come first); the page
/// says where, or why not, and offers "Resend code".
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let challenge = Resource::new(|| (), |_| sign_in_challenge());
    let with_recovery_code = RwSignal::new(false);
    let with_other_method = RwSignal::new(false);

    view! {
        <Title text="Two-factor authentication"/>
        <section class="card narrow">
            <h1>"Two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Read before the await, so toggling it renders again.
                    let recovering = with_recovery_code.get();
                    let other_method = with_other_method.get();
                    let challenge = challenge.await;
                    if recovering {
                        return view! { <RecoveryCodeForm on_back=Callback::new(move |()| with_recovery_code.set(false))/> }
                            .into_any();
                    }
                    let use_recovery_code = view! {
                        <p class="alternative">
                            <button type="button" class="link" on:click=move |_| with_recovery_code.set(true)>
                                "Use a recovery code"
                            </button>
                        </p>
                    };
                    match challenge {
                        Ok(ChallengeView { method, passkeys: true, .. }) if !other_method => {
                            let another = (method != TwoFactorMethod::Passkey).then(|| view! {
                                <p class="alternative">
                                    <button type="button" class="link" on:click=move |_| with_other_method.set(true)>
                                        "Use another method"
                                    </button>
                                </p>
                            });
                            view! { <PasskeyStep/> {another} {use_recovery_code} }.into_any()
                        }
                        Ok(ChallengeView { method: TwoFactorMethod::Passkey, .. }) => use_recovery_code.into_any(),
                        Ok(ChallengeView { method: TwoFactorMethod::Sms, sms: Some(status), .. }) => {
                            view! { <SmsCode status/> {use_recovery_code} }.into_any()
                        }
                        Ok(_) => view! {
                            <p>"Enter the six-digit code from your authenticator app."</p>
                            <CodeForm/>
                            {use_recovery_code}
                        }
                        .into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Use your passkey": the browser's dialog, then the answer to the server,
/// which signs in and goes on to `next`.
#[component]
fn PasskeyStep() -> impl IntoView {
    let query = use_query_map();
    let auth = use_auth();
    let use_passkey = Action::new_unsync(move |(): &()| {
        let next = query.read_untracked().get("next");
        async move {
            let options = begin_passkey_sign_in().await.map_err(|error| error.to_string())?;
            let credential = passkey_dialog::open(&options, Ceremony::Get).await.map_err(|error| error.to_string())?;
            finish_passkey_sign_in(credential, next).await.map_err(|error| error.to_string())?;
            auth.passkey_sign_ins.update(|n| *n += 1);
            Ok::<(), String>(())
        }
    });
    let error = move || match use_passkey.value().get() {
        Some(Err(message)) => Some(view! { <p class="form-error" role="alert">{message}</p> }),
        _ => None,
    };
    view! {
        <p>"Use your passkey to finish signing in: your device will ask for your fingerprint, face, PIN or security key."</p>
        {error}
        <button
            type="button"
            class="primary"
            autofocus
            disabled=use_passkey.pending()
            on:click=move |_| {
                use_passkey.dispatch(());
            }
        >
            "Use your passkey"
        </button>
    }
}

/// "Use a recovery code": one of the codes saved at setup, in place of the code.
#[component]
fn RecoveryCodeForm(on_back: Callback<()>) -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <h2>"Use a recovery code"</h2>
        <p>"Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once."</p>
        <ActionForm action=auth.use_recovery_code>
            <input type="hidden" name="next" prop:value=next/>
            <RecoveryCodeInput autofocus=true/>
            <FormError action=auth.use_recovery_code/>
            <p class="actions">
                <button type="submit" class="primary" disabled=auth.use_recovery_code.pending()>"Verify"</button>
                <button type="button" on:click=move |_| on_back.run(())>"Back"</button>
            </p>
        </ActionForm>
    }
}

/// The code and "Verify"; a right code signs in and goes on to `next`.
#[component]
fn CodeForm() -> impl IntoView {
    let auth = use_auth();
    let code_input = NodeRef::<leptos::html::Input>::new();
    refocus_after_error(auth.verify_code, code_input);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <ActionForm action=auth.verify_code>
            <input type="hidden" name="next" prop:value=next/>
            <CodeInput id="code" node_ref=code_input/>
            <FormError action=auth.verify_code/>
            <button type="submit" class="primary" disabled=auth.verify_code.pending()>"Verify"</button>
        </ActionForm>
    }
}

/// Where SMS codes go and whether one is on its way (never "we sent" when none
/// could be), the code form, and "Resend code" once the wait is over.
#[component]
fn SmsCode(status: SmsStatusView) -> impl IntoView {
    let resend = ServerAction::<ResendSignInCode>::new();
    let wait = RwSignal::new(status.resend_in_secs);
    let line = RwSignal::new(SmsLine::first(&status));
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(view)) => {
            wait.set(view.resend_in_secs);
            line.set(SmsLine::Resent { valid_for_secs: view.valid_for_secs.unwrap_or_default() });
        }
        Some(Err(AppError::ResendTooSoon { retry_after_secs })) => wait.set(retry_after_secs),
        _ => {}
    });
    let masked_phone = status.masked_phone;
    view! {
        <p role="status">
            {move || line.get().before_number()}
            <strong class="masked-phone">{masked_phone.clone()}</strong>
            {move || line.get().after_number()}
        </p>
        <CodeForm/>
        <p class="resend">
            "Didn't get it? "
            <ResendCode
                wait_secs=wait
                pending=resend.pending()
                on_resend=Callback::new(move |()| {
                    resend.dispatch(ResendSignInCode {});
                })
            />
        </p>
        <FormError action=resend/>
    }
}

/// What the code page says about the text message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SmsLine {
    /// The code sent after the password (or moments before) is live.
    Sent { valid_for_secs: i64 },
    /// "Resend code" sent a new one.
    Resent { valid_for_secs: i64 },
    /// No code is live and none could be sent now: a limit says to wait.
    NotSent { wait_secs: i64 },
}

impl SmsLine {
    fn first(status: &SmsStatusView) -> Self {
        match status.valid_for_secs {
            Some(valid_for_secs) => Self::Sent { valid_for_secs },
            None => Self::NotSent { wait_secs: status.resend_in_secs },
        }
    }

    fn before_number(self) -> &'static str {
        match self {
            Self::Sent { .. } => "We sent a six-digit code by SMS to ",
            Self::Resent { .. } => "We sent a new six-digit code by SMS to ",
            // None live and nothing in the way: none was sent (passkeys came first),
            // or it expired.
            Self::NotSent { wait_secs: 0 } => "Codes go by SMS to ",
            Self::NotSent { .. } => "We could not send a code to ",
        }
    }

    fn after_number(self) -> String {
        match self {
            Self::Sent { valid_for_secs } | Self::Resent { valid_for_secs } => {
                format!(". Enter it below; it expires in {}.", in_words(valid_for_secs))
            }
            Self::NotSent { wait_secs: 0 } => ". Ask for one below.".to_owned(),
            Self::NotSent { wait_secs } => format!(
                " just now: too many codes were asked for lately. You can ask for a new one in {}.",
                in_words(wait_secs)
            ),
        }
    }
}

lazy_route! {
    /// The `/login/code` route.
    LoginCodeRoute shows LoginCodePage
}
