use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::components::FormError;
use crate::routes;

/// `/login`: email and password. `?next=` names the page to return to.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = auth.sign_in.pending();
    // `next` carries on, so a passkey sign-in lands where this one would.
    let passkey_page = move || routes::sign_in_passkey_path(query.read().get("next").as_deref());

    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=auth.sign_in>
                // An attribute, not a property: the browser posts the form itself when
                // the page came without the client.
                <input type="hidden" name="next" value=next/>
                <label for="email">"Email"</label>
                <input id="email" type="email" name="email" autocomplete="username" required/>
                <label for="password">"Password"</label>
                <input id="password" type="password" name="password" autocomplete="current-password" required/>
                <FormError action=auth.sign_in/>
                <button type="submit" class="primary" disabled=pending>"Sign in"</button>
            </ActionForm>
            <p class="aside"><A href=routes::FORGOT_PASSWORD>"Forgot your password?"</A></p>
            <p class="aside"><A href=passkey_page>"Sign in with a passkey"</A></p>
            <p class="aside">"New to the Customer Portal? " <A href=routes::REGISTER>"Create an account"</A></p>
        </section>
    }
}
