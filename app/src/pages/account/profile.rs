use leptos::prelude::*;

use crate::auth::use_auth;

/// "Profile": who the account belongs to.
#[component]
pub fn ProfileTab() -> impl IntoView {
    let auth = use_auth();
    view! {
        <h2>"Profile"</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                auth.account.await.ok().flatten().map(|account| view! {
                    <dl class="profile">
                        <dt>"Name"</dt>
                        <dd>{account.name}</dd>
                        <dt>"Email"</dt>
                        <dd>{account.email}</dd>
                    </dl>
                })
            })}
        </Transition>
    }
}
