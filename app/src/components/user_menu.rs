use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::functions::auth::AccountView;

/// The user icon and name; a click opens the menu with "My Account" and "Sign out".
#[component]
pub fn UserMenu(account: AccountView) -> impl IntoView {
    let auth = use_auth();
    let open = RwSignal::new(false);
    let close = move |_| open.set(false);
    let close_on_escape = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            open.set(false);
        }
    };

    view! {
        <div class="user-menu" on:keydown=close_on_escape>
            <button
                type="button"
                class="user-button"
                aria-haspopup="menu"
                aria-controls="user-menu-items"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <UserIcon/>
                <span class="user-name">{account.name}</span>
            </button>
            <ul id="user-menu-items" class="user-menu-items" role="menu" hidden=move || !open.get()>
                <li role="none">
                    <A href="/account" attr:role="menuitem" on:click=close>"My Account"</A>
                </li>
                <li role="none">
                    <ActionForm action=auth.sign_out>
                        <button type="submit" role="menuitem">"Sign out"</button>
                    </ActionForm>
                </li>
            </ul>
        </div>
    }
}

#[component]
fn UserIcon() -> impl IntoView {
    view! {
        <svg class="user-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <circle cx="12" cy="8" r="4"/>
            <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>
        </svg>
    }
}
