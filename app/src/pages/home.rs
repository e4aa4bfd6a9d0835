use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::routes;

/// `/`: a welcome, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Welcome"/>
        <section class="card">
            <h1>"Customer Portal"</h1>
            <p>"Manage your services and keep your account secure."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.account.await {
                        Ok(Some(account)) => view! {
                            <p>"Welcome back, " {account.name} ". " <A href=routes::MY_ACCOUNT>"Go to My Account"</A></p>
                        }.into_any(),
                        _ => view! {
                            <p class="actions">
                                <A href=routes::SIGN_IN attr:class="button primary">"Sign in"</A>
                                <A href=routes::REGISTER attr:class="button">"Create an account"</A>
                            </p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
