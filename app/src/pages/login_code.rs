use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::components::{CodeInput, FormError, ResendCode};
use crate::error::AppError;
use crate::functions::auth::{ChallengeView, ResendSignInCode, sign_in_challenge};
use crate::functions::two_factor::{SmsSentView, TwoFactorMethod};

/// `/login/code`: the second step of sign-in for an account with 2FA on. With SMS,
/// the code went out with the password step; the page says where, and offers
/// "Resend code".
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let challenge = Resource::new(|| (), |_| sign_in_challenge());

    view! {
        <Title text="Two-factor authentication"/>
        <section class="card narrow">
            <h1>"Two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match challenge.await {
                        Ok(ChallengeView { method: TwoFactorMethod::Sms, sms: Some(sent) }) => {
                            view! { <SmsCode sent/> }.into_any()
                        }
                        Ok(_) => view! {
                            <p>"Enter the six-digit code from your authenticator app."</p>
                            <CodeForm/>
                        }
                        .into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The code and "Verify"; a right code signs in and goes on to `next`.
#[component]
fn CodeForm() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <ActionForm action=auth.verify_code>
            <input type="hidden" name="next" prop:value=next/>
            <CodeInput id="code"/>
            <FormError action=auth.verify_code/>
            <button type="submit" class="primary" disabled=auth.verify_code.pending()>"Verify"</button>
        </ActionForm>
    }
}

/// Where the SMS code went, the code form, and "Resend code" once the wait is over.
#[component]
fn SmsCode(sent: SmsSentView) -> impl IntoView {
    let resend = ServerAction::<ResendSignInCode>::new();
    let wait = RwSignal::new(sent.resend_in_secs);
    let resent = RwSignal::new(false);
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(view)) => {
            wait.set(view.resend_in_secs);
            resent.set(true);
        }
        Some(Err(AppError::ResendTooSoon { retry_after_secs })) => wait.set(retry_after_secs),
        _ => {}
    });
    view! {
        <p role="status">
            {move || if resent.get() { "We sent a new six-digit code by SMS to " } else { "We sent a six-digit code by SMS to " }}
            <strong class="masked-phone">{sent.masked_phone}</strong>
            ". Enter it below; it expires in 5 minutes."
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
