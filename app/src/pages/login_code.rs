use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::components::{FormError, ResendCode, SecondFactorForm, focus_after_render};
use crate::error::{AppError, in_words};
use crate::functions::auth::{
    ChallengeView, ResendSignInCode, begin_passkey_sign_in, finish_passkey_sign_in, sign_in_challenge,
};
use crate::functions::two_factor::SmsStatusView;
use crate::method::TwoFactorMethod;
use crate::passkey_dialog::{self, Ceremony};

/// `/login/code`: the second step of sign-in for an account with 2FA on. An
/// account with passkeys is asked for one first ("Use your passkey"), with "Use
/// another method" when it has one. With SMS, the code went out with the
/// password step (unless a limit said to wait, or passkeys come first); the page
/// says where, or why not, and offers "Resend code". A recovery code stands in
/// for any of them.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let challenge = Resource::new(|| (), |_| sign_in_challenge());
    let with_other_method = RwSignal::new(false);
    let with_recovery_code = RwSignal::new(false);

    view! {
        <Title text="Two-factor authentication"/>
        <section class="card narrow">
            <h1>"Two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Read before the await, so choosing another way renders again.
                    let (other_method, recovering) = (with_other_method.get(), with_recovery_code.get());
                    match challenge.await {
                        Ok(ChallengeView { method, passkeys: true, .. }) if !other_method && !recovering => {
                            let another = (method != TwoFactorMethod::Passkey).then(|| view! {
                                <p class="alternative">
                                    <button type="button" class="link" on:click=move |_| with_other_method.set(true)>
                                        "Use another method"
                                    </button>
                                </p>
                            });
                            let use_recovery_code = move |_| {
                                with_recovery_code.set(true);
                                focus_after_render("#recovery-code");
                            };
                            view! {
                                <PasskeyStep/>
                                {another}
                                <p class="alternative">
                                    <button type="button" class="link" on:click=use_recovery_code>
                                        "Use a recovery code"
                                    </button>
                                </p>
                            }
                            .into_any()
                        }
                        Ok(ChallengeView { method: TwoFactorMethod::Sms, sms: Some(status), .. }) if !recovering => {
                            view! { <SmsCode status/> }.into_any()
                        }
                        Ok(ChallengeView { method, passkeys, .. }) => {
                            let back_to_passkey = passkeys.then(|| Callback::new(move |()| {
                                with_other_method.set(false);
                                with_recovery_code.set(false);
                            }));
                            view! { <CodeStep method recovering on_back=back_to_passkey/> }.into_any()
                        }
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

/// The code (or a recovery code), posted with the page to go on to once signed in.
#[component]
fn CodeStep(
    method: TwoFactorMethod,
    /// Starts on the recovery-code form.
    recovering: bool,
    /// Back to the passkey, from the recovery-code form.
    on_back: Option<Callback<()>>,
    /// Where the code went, for SMS; and "Resend code".
    #[prop(default = None)]
    prompt: Option<ViewFn>,
    #[prop(default = None)] beside_code: Option<ViewFn>,
) -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = Some(Signal::derive(move || query.read().get("next").unwrap_or_default()));
    let prompt = match method {
        TwoFactorMethod::Passkey => None,
        _ => prompt.or_else(|| Some(ViewFn::from(move || view! { <p>{method.sign_in_prompt()}</p> }))),
    };
    view! {
        <SecondFactorForm
            code=auth.verify_code
            recovery=auth.use_recovery_code
            prompt
            next
            beside_code
            recovering
            on_back
        />
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
    let prompt = move || {
        view! {
            <p role="status">
                {move || line.get().before_number()}
                <strong class="masked-phone">{masked_phone.clone()}</strong>
                {move || line.get().after_number()}
            </p>
        }
    };
    let beside_code = move || {
        view! {
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
    };
    let (prompt, beside_code) = (Some(ViewFn::from(prompt)), Some(ViewFn::from(beside_code)));
    view! { <CodeStep method=TwoFactorMethod::Sms recovering=false on_back=None prompt beside_code/> }
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
