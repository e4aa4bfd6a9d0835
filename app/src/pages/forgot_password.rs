use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{FormError, focus_after_render};
use crate::functions::password_reset::RequestPasswordReset;
use crate::routes;

/// The answer to every address, so that nobody learns from it who is a customer.
pub const LINK_SENT: &str = "If an account exists for that address, we have sent a link";

/// `/password/forgot`, from the sign-in page's "Forgot your password?": an email
/// address, then the same answer whatever it is.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if sent() {
            focus_after_render("#link-sent");
        }
    });

    view! {
        <Title text="Forgot your password?"/>
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Enter the email address of your account. We will send you a link to choose a new password."</p>
                    <ActionForm action=request>
                        <label for="email">"Email"</label>
                        <input id="email" type="email" name="email" autocomplete="username" required/>
                        <FormError action=request/>
                        <button type="submit" class="primary" disabled=request.pending()>"Send link"</button>
                    </ActionForm>
                }
            >
                <p id="link-sent" class="notice" role="status" tabindex="-1">{format!("{LINK_SENT}.")}</p>
                <p>
                    "The link works once, for 30 minutes. If no email arrives in a few minutes, check your spam "
                    "folder, or make sure you typed the address your account uses."
                </p>
            </Show>
            <p class="aside"><A href=routes::SIGN_IN>"Back to sign in"</A></p>
        </section>
    }
}

lazy_route! {
    /// The `/password/forgot` route.
    ForgotPasswordRoute shows ForgotPasswordPage
}
