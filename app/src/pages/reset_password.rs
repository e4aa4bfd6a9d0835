use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{CodeInput, FormError, NewPasswordInput, ResendCode, focus_after_render, refocus_after_error};
use crate::error::AppError;
use crate::functions::auth::ChallengeView;
use crate::functions::password_reset::{
    ChooseNewPassword, ResetStepView, SendResetCode, VerifyResetCode, VerifyResetRecoveryCode, password_reset_step,
};
use crate::functions::two_factor::TwoFactorMethod;

/// `/password/reset`, where an emailed reset link leads: the account's second
/// factor first when 2FA is on, then "Choose a new password". A link that is
/// wrong, used or expired gets a page that says so and how to get a new one.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let steps_done = RwSignal::new(0_usize);
    let step = Resource::new(move || steps_done.get(), |_| password_reset_step());
    let reset = ServerAction::<ChooseNewPassword>::new();
    let next_step = Callback::new(move |()| steps_done.update(|n| *n += 1));
    Effect::new(move |_| {
        if let Some(Ok(())) = reset.value().get() {
            focus_after_render("#password-reset");
        }
    });

    view! {
        <Title text="Reset your password"/>
        <section class="card narrow">
            <h1>"Reset your password"</h1>
            <Show when=move || matches!(reset.value().get(), Some(Ok(()))) fallback=move || view! {
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let after_second_factor = steps_done.get_untracked() > 0;
                        match step.await {
                            Ok(ResetStepView::SecondFactor { email, challenge }) => view! {
                                <ForAccount email/>
                                <SecondFactorStep challenge on_done=next_step/>
                            }
                            .into_any(),
                            Ok(ResetStepView::NewPassword { email }) => view! {
                                <ForAccount email=email.clone()/>
                                <NewPasswordHeading after_second_factor=after_second_factor/>
                                <ActionForm action=reset>
                                    // For password managers: the account the new password is for.
                                    <input type="email" autocomplete="username" value=email hidden readonly/>
                                    <NewPasswordInput id="new-password" name="password" label="New password"/>
                                    <FormError action=reset/>
                                    <button type="submit" class="primary" disabled=reset.pending()>
                                        "Save new password"
                                    </button>
                                </ActionForm>
                            }
                            .into_any(),
                            Err(AppError::ResetLinkInvalid) => view! { <LinkNotValid/> }.into_any(),
                            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            }>
                <p id="password-reset" class="notice" role="status" tabindex="-1">
                    "Your password has been reset. Every device and browser signed in to your account has been "
                    "signed out, and we have sent you an email to confirm it."
                </p>
                <p><A href="/login">"Sign in"</A>" with your new password."</p>
            </Show>
        </section>
    }
}

/// "Choose a new password", which takes focus when it follows the second factor,
/// so a screen reader announces the new step.
#[component]
fn NewPasswordHeading(after_second_factor: bool) -> impl IntoView {
    Effect::new(move |_| {
        if after_second_factor {
            focus_after_render("#reset-step");
        }
    });
    view! { <h2 id="reset-step" tabindex="-1">"Choose a new password"</h2> }
}

/// Whose password this is, so that nobody resets another account than their own
/// with a link someone planted on them.
#[component]
fn ForAccount(email: String) -> impl IntoView {
    view! { <p class="reset-account">"For the account "<strong>{email}</strong></p> }
}

/// What a wrong, used or expired link gets.
#[component]
fn LinkNotValid() -> impl IntoView {
    view! {
        <h2>"This link has expired or has already been used"</h2>
        <p>
            "A link to reset your password works once, for 30 minutes, and only the newest one you asked for "
            "works. Ask for a new link, and open it from the newest email."
        </p>
        <p><A href="/password/forgot">"Ask for a new link"</A></p>
    }
}

/// With 2FA on: the code from the app or the text message, or a recovery code,
/// before a new password.
#[component]
fn SecondFactorStep(challenge: ChallengeView, on_done: Callback<()>) -> impl IntoView {
    let verify = ServerAction::<VerifyResetCode>::new();
    let recover = ServerAction::<VerifyResetRecoveryCode>::new();
    let with_recovery_code = RwSignal::new(false);
    let code_input = NodeRef::<leptos::html::Input>::new();
    refocus_after_error(verify, code_input);
    Effect::new(move |_| {
        if matches!(verify.value().get(), Some(Ok(()))) || matches!(recover.value().get(), Some(Ok(()))) {
            on_done.run(());
        }
    });
    let source = match (&challenge.method, &challenge.sms) {
        (TwoFactorMethod::Sms, Some(sms)) => {
            format!("We text the six-digit code to {} when you ask for it below. Then enter it here.", sms.masked_phone)
        }
        _ => "Enter the six-digit code from your authenticator app.".to_owned(),
    };
    let send = challenge.sms.map(|sms| view! { <SendCodeButton wait_secs=sms.resend_in_secs/> });

    view! {
        <h2 id="reset-step" tabindex="-1">"Confirm it's you"</h2>
        <p>"Two-factor authentication is on for this account, so a new password needs your code too."</p>
        <Show
            when=move || with_recovery_code.get()
            fallback=move || view! {
                <p>{source.clone()}</p>
                <ActionForm action=verify>
                    <CodeInput id="code" node_ref=code_input/>
                    <FormError action=verify/>
                    <button type="submit" class="primary" disabled=verify.pending()>"Verify"</button>
                </ActionForm>
                <p class="alternative">
                    <button type="button" class="link" on:click=move |_| {
                        with_recovery_code.set(true);
                        focus_after_render("#recovery-code");
                    }>
                        "Use a recovery code"
                    </button>
                </p>
            }
        >
            <p>"Enter one of the recovery codes you saved when you set up two-factor authentication."</p>
            <ActionForm action=recover>
                <label for="recovery-code">"Recovery code"</label>
                <input
                    id="recovery-code"
                    name="recovery_code"
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="xxxx-xxxx-xxxx"
                    required
                />
                <FormError action=recover/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=recover.pending()>"Verify"</button>
                    <button type="button" on:click=move |_| with_recovery_code.set(false)>"Back"</button>
                </p>
            </ActionForm>
        </Show>
        {send}
    }
}

/// "Text me a code", then "Resend code" once the server's wait is over: a text
/// goes only when the customer asks, never because a link was opened.
#[component]
fn SendCodeButton(wait_secs: i64) -> impl IntoView {
    let send = ServerAction::<SendResetCode>::new();
    let wait = RwSignal::new(wait_secs);
    Effect::new(move |_| match send.value().get() {
        Some(Ok(status)) => wait.set(status.resend_in_secs),
        Some(Err(AppError::ResendTooSoon { retry_after_secs })) => wait.set(retry_after_secs),
        _ => {}
    });
    let dispatch = Callback::new(move |()| {
        send.dispatch(SendResetCode {});
    });
    let asked = move || send.version().get() > 0;
    view! {
        <Show
            when=asked
            fallback=move || view! {
                <p class="actions">
                    <button type="button" disabled=send.pending() on:click=move |_| dispatch.run(())>
                        "Text me a code"
                    </button>
                </p>
            }
        >
            {move || matches!(send.value().get(), Some(Ok(_))).then(|| view! {
                <p role="status">"We sent a six-digit code by SMS. It expires in 5 minutes."</p>
            })}
            <p class="resend">
                "Didn't get it? "
                <ResendCode wait_secs=wait pending=send.pending() on_resend=dispatch/>
            </p>
        </Show>
        <FormError action=send/>
    }
}

lazy_route! {
    /// The `/password/reset` route.
    ResetPasswordRoute shows ResetPasswordPage
}
