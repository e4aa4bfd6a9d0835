use leptos::prelude::*;
use leptos_router::components::A;

use super::UserMenu;
use crate::auth::use_auth;
use crate::routes;

/// The bar at the top of every page: the portal's name, and the user menu for a
/// signed-in customer or a sign-in link for a visitor.
#[component]
pub fn PortalHeader() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="portal-header">
            <A href="/" attr:class="brand">"Customer Portal"</A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.account.await {
                        Ok(Some(account)) => view! { <UserMenu account/> }.into_any(),
                        _ => view! { <A href=routes::SIGN_IN attr:class="sign-in-link">"Sign in"</A> }.into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}
