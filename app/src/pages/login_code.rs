use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::components::{CodeInput, FormError};

/// `/login/code`: the second step of sign-in for an account with 2FA on.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = auth.verify_code.pending();

    view! {
        <Title text="Two-factor authentication"/>
        <section class="card narrow">
            <h1>"Two-factor authentication"</h1>
            <p>"Enter the six-digit code from your authenticator app."</p>
            <ActionForm action=auth.verify_code>
                <input type="hidden" name="next" prop:value=next/>
                <CodeInput id="code"/>
                <FormError action=auth.verify_code/>
                <button type="submit" class="primary" disabled=pending>"Verify"</button>
            </ActionForm>
        </section>
    }
}
