//! `/account`, "My Account": the signed-in customer's tabs.

mod profile;
mod security;

pub use profile::ProfileTab;
pub use security::AccountSecurityTab;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::auth::use_auth;

const TABS: [(&str, &str); 2] = [("Profile", "/account"), ("Account Security", "/account/security")];

/// The frame of "My Account": its heading and tabs around the selected tab. A
/// visitor is sent to sign in and brought back here afterwards (the server does
/// the same for a page load, before anything renders).
#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let current = move || location.pathname.get();

    view! {
        <Title text="My Account"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.account.await {
                    Ok(Some(_)) => view! {
                        <section class="card wide">
                            <h1>"My Account"</h1>
                            <nav class="tabs" role="tablist" aria-label="My Account">
                                {TABS.map(|(label, href)| view! {
                                    <a
                                        href=href
                                        role="tab"
                                        aria-selected=move || (current() == href).to_string()
                                    >{label}</a>
                                })}
                            </nav>
                            <div class="tab-panel" role="tabpanel">
                                <Outlet/>
                            </div>
                        </section>
                    }.into_any(),
                    _ => view! { <Redirect path=sign_in_path(&current())/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/login?next=<path>`.
fn sign_in_path(next: &str) -> String {
    format!("/login?next={}", super::encode_query(next))
}
