//! What a customer types where the second factor is asked, at sign-in and to
//! reset a password: the code (from the app or a text message), or one of the
//! recovery codes in its place. Each page gives the server functions its forms
//! post to, and what it shows beside the code form (the SMS line, "Resend code").

use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::{Json, PostUrl};
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

use crate::components::{CodeInput, FormError, RecoveryCodeInput, focus_after_render, refocus_after_error};
use crate::error::AppError;

/// The code form, with "Use a recovery code" to put the recovery-code form in its
/// place (and "Back"). With no `prompt` there is no code to type (an account on
/// passkeys): the recovery-code form alone.
#[component]
pub fn SecondFactorForm<C, R>(
    /// Where the code goes.
    code: ServerAction<C>,
    /// Where a recovery code goes.
    recovery: ServerAction<R>,
    /// What to type in the code form (for SMS, where the code went); none: no
    /// code form.
    #[prop(default = None)]
    prompt: Option<ViewFn>,
    /// The page to go on to once signed in, posted with either form.
    #[prop(default = None)]
    next: Option<Signal<String>>,
    /// Shown below the code form ("Resend code").
    #[prop(default = None)]
    beside_code: Option<ViewFn>,
    /// Starts on the recovery-code form.
    #[prop(optional)]
    recovering: bool,
    /// What "Back" from the recovery-code form returns to, if not the code form.
    #[prop(default = None)]
    on_back: Option<Callback<()>>,
) -> impl IntoView
where
    C: PostedForm,
    R: PostedForm,
{
    let has_code_form = prompt.is_some();
    let with_recovery_code = RwSignal::new(recovering || !has_code_form);
    let back = move |_| match on_back {
        Some(on_back) => on_back.run(()),
        None => with_recovery_code.set(false),
    };
    let code_input = NodeRef::<leptos::html::Input>::new();
    refocus_after_error(code, code_input);
    let next_field = move || next.map(|next| view! { <input type="hidden" name="next" prop:value=next/> });
    let use_recovery_code = move |_| {
        with_recovery_code.set(true);
        focus_after_render("#recovery-code");
    };

    view! {
        <Show
            when=move || with_recovery_code.get()
            fallback=move || view! {
                {prompt.as_ref().map(ViewFn::run)}
                <ActionForm action=code>
                    {next_field}
                    <CodeInput id="code" node_ref=code_input/>
                    <FormError action=code/>
                    <button type="submit" class="primary" disabled=code.pending()>"Verify"</button>
                </ActionForm>
                {beside_code.as_ref().map(ViewFn::run)}
                <p class="alternative">
                    <button type="button" class="link" on:click=use_recovery_code>"Use a recovery code"</button>
                </p>
            }
        >
            <p>
                "Enter one of the recovery codes you saved when you set up two-factor authentication. Each code "
                "works once."
            </p>
            <ActionForm action=recovery>
                {next_field}
                <RecoveryCodeInput/>
                <FormError action=recovery/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=recovery.pending()>"Verify"</button>
                    {(has_code_form || on_back.is_some()).then(|| view! {
                        <button type="button" on:click=back>"Back"</button>
                    })}
                </p>
            </ActionForm>
        </Show>
    }
}

/// A server function a form posts (the portal's default encodings: a form in, JSON
/// out), answering with [`AppError`]: what `ActionForm` and `FormError` need of it,
/// said once.
pub trait PostedForm:
    DeserializeOwned
    + ServerFn<
        Protocol = Http<PostUrl, Json>,
        Error = AppError,
        Output: Send + Sync + 'static,
        Client: Client<AppError, Request: ClientReq<AppError, FormData: From<web_sys::FormData>>>,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> PostedForm for T where
    T: DeserializeOwned
        + ServerFn<
            Protocol = Http<PostUrl, Json>,
            Error = AppError,
            Output: Send + Sync + 'static,
            Client: Client<AppError, Request: ClientReq<AppError, FormData: From<web_sys::FormData>>>,
        > + Clone
        + Send
        + Sync
        + 'static
{
}
