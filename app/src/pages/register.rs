use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::components::{FormError, NewPasswordInput};
use crate::routes;

/// `/register`: name, email and password; the new account is signed in at once.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = use_auth();
    let pending = auth.register.pending();

    view! {
        <Title text="Create an account"/>
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <ActionForm action=auth.register>
                <label for="name">"Name"</label>
                <input id="name" name="name" autocomplete="name" required maxlength="100"/>
                <label for="email">"Email"</label>
                <input id="email" type="email" name="email" autocomplete="email" required/>
                <NewPasswordInput id="password" name="password" label="Password"/>
                <FormError action=auth.register/>
                <button type="submit" class="primary" disabled=pending>"Create account"</button>
            </ActionForm>
            <p class="aside">"Already have an account? " <A href=routes::SIGN_IN>"Sign in"</A></p>
        </section>
    }
}

lazy_route! {
    /// The `/register` route.
    RegisterRoute shows RegisterPage
}
