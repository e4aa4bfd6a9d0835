use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{FormError, NewPasswordInput, SecondFactorForm, focus_after_render};
use crate::error::AppError;
use crate::functions::auth::ChallengeView;
use crate::functions::password_reset::{
    ChooseNewPassword, ResetStepView, SendResetCode, VerifyResetCode, VerifyResetRecoveryCode, password_reset_step,
};
use crate::functions::two_factor::SmsStatusView;
use crate::routes;

/// `/password/reset`, where an emailed reset link leads: the account's second
/// factor first when 2FA is on, then "Choose a new password", each naming the
/// account. A link that is wrong, used or expired (or that ends while the page is
/// open) gets a page that says so and how to get a new one.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let steps_done = RwSignal::new(0_usize);
    let step = Resource::new(move || steps_done.get(), |_| password_reset_step());
    let reset = ServerAction::<ChooseNewPassword>::new();
    // The next step, or what became of the link: the server says which.
    let reload = Callback::new(move |()| steps_done.update(|n| *n += 1));
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(())) => focus_after_render("#password-reset"),
        Some(Err(AppError::ResetLinkInvalid)) => reload.run(()),
        _ => {}
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
                                <SecondFactorStep email challenge on_change=reload/>
                            }
                            .into_any(),
                            Ok(ResetStepView::NewPassword { email }) => view! {
                                <NewPasswordHeading after_second_factor=after_second_factor/>
                                <ForAccount email=email.clone()/>
                                <ActionForm action=reset>
                                    // The account the page names: the server resets no other. Also
                                    // what password managers file the new password under.
                                    <input type="email" name="email" autocomplete="username" value=email hidden readonly/>
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
                <p>
                    <A href=routes::sign_in_path(Some(&routes::review_recent_path()))>"Sign in"</A>
                    " with your new password. We will show you what was added to how you sign in lately, "
                    "so you can remove anything you do not recognise."
                </p>
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

/// What a wrong, used or expired link gets, or a browser that never opened one.
#[component]
fn LinkNotValid() -> impl IntoView {
    view! {
        <h2>"This link has expired or has already been used"</h2>
        <p>
            "A link to reset your password works once, for 30 minutes, and only the newest one you asked for "
            "works. Once you have entered your code, the link carries on only in the browser where you did. "
            "Ask for a new link, and open it from the newest email."
        </p>
        <p><A href=routes::FORGOT_PASSWORD>"Ask for a new link"</A></p>
    }
}

/// With 2FA on: the code from the app or the text message, or a recovery code,
/// before a new password. `on_change` asks the server where the link now stands:
/// on to the new password, or ended meanwhile.
#[component]
fn SecondFactorStep(email: String, challenge: ChallengeView, on_change: Callback<()>) -> impl IntoView {
    let verify = ServerAction::<VerifyResetCode>::new();
    let recover = ServerAction::<VerifyResetRecoveryCode>::new();
    let moved_on =
        |result: Option<Result<(), AppError>>| matches!(result, Some(Ok(()) | Err(AppError::ResetLinkInvalid)));
    Effect::new(move |_| {
        if moved_on(verify.value().get()) || moved_on(recover.value().get()) {
            on_change.run(());
        }
    });
    // No code to type for an account on passkeys: its recovery codes answer.
    let prompt = challenge.method.reset_prompt().map(|prompt| ViewFn::from(move || view! { <p>{prompt}</p> }));
    let text_me = challenge.sms.map(|sms| view! { <TextMeACode sms on_link_ended=on_change/> });

    view! {
        <h2 id="reset-step" tabindex="-1">"Confirm it's you"</h2>
        <ForAccount email/>
        <p>"Two-factor authentication is on for this account, so a new password needs your code too."</p>
        <SecondFactorForm code=verify recovery=recover prompt/>
        {text_me}
    }
}

/// "Text me a code": a text goes only when the customer asks, never because a
/// link was opened, and once a link.
#[component]
fn TextMeACode(sms: SmsStatusView, on_link_ended: Callback<()>) -> impl IntoView {
    let send = ServerAction::<SendResetCode>::new();
    // A code is on its way already when the page was reloaded after asking.
    let sent = RwSignal::new(sms.valid_for_secs.is_some());
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => {
            sent.set(true);
            focus_after_render("#code");
        }
        Some(Err(AppError::ResetLinkInvalid)) => on_link_ended.run(()),
        _ => {}
    });
    let masked_phone = sms.masked_phone;
    view! {
        <Show
            when=move || sent.get()
            fallback=move || view! {
                <p class="actions">
                    <button type="button" disabled=send.pending() on:click=move |_| {
                        send.dispatch(SendResetCode {});
                    }>
                        {format!("Text me a code at {masked_phone}")}
                    </button>
                </p>
            }
        >
            <p role="status">
                "We texted a six-digit code to your mobile phone. It expires in 5 minutes. If it does not "
                "arrive, ask for a new link."
            </p>
        </Show>
        <FormError action=send/>
    }
}

lazy_route! {
    /// The `/password/reset` route.
    ResetPasswordRoute shows ResetPasswordPage
}
