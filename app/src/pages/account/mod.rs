//! `/account`, "My Account": the signed-in customer's tabs.

mod profile;
mod security;

pub use profile::ProfileTab;
pub use security::AccountSecurityRoute;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::auth::use_auth;
use crate::routes;

/// What the tabs say after a change that emails the customer.
const CONFIRMATION_SENT: &str = "We have sent a confirmation email to your registered address.";

const TABS: [(&str, &str); 2] = [("Profile", routes::MY_ACCOUNT), ("Account Security", routes::ACCOUNT_SECURITY)];

/// The frame of "My Account": its heading and tabs around the selected tab. A
/// visitor is sent to sign in and brought back here afterwards (the server does
/// the same for a page load, before anything renders).
///
/// The tabs stay outside the wait for the account: a `<Transition>` renders its
/// children again as it settles, and each time the tab inside would have started
/// its resources over, three times the queries per page (leptos-rs/leptos#4866).
#[component]
pub fn AccountPage() -> impl IntoView {
    let location = use_location();
    let current = move || location.pathname.get();

    view! {
        <Title text="My Account"/>
        <SendVisitorsToSignIn/>
        <section class="card wide">
            <h1>"My Account"</h1>
            <nav class="tabs" role="tablist" aria-label="My Account">
                {TABS.map(|(label, href)| view! {
                    <a href=href role="tab" aria-selected=move || (current() == href).to_string()>{label}</a>
                })}
            </nav>
            <div class="tab-panel" role="tabpanel">
                <Outlet/>
            </div>
        </section>
    }
}

/// Sends a visitor, or a customer who has just signed out, to sign in, to come
/// back to this page afterwards.
#[component]
fn SendVisitorsToSignIn() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = matches!(auth.account.await, Ok(Some(_)));
                (!signed_in).then(|| view! { <Redirect path=routes::sign_in_path(Some(&location.pathname.get()))/> })
            })}
        </Transition>
    }
}

lazy_route! {
    /// The `/account` frame's route.
    AccountRoute shows AccountPage
}
