use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html::{Button, Div};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast as _;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::components::focus_after_render;
use crate::functions::auth::AccountView;
use crate::routes;

/// The user icon and name; a click opens the menu with "My Account" and "Sign out".
/// As a menu button should: opening it (or an arrow key on it) puts focus on an
/// item, the arrow keys move between items, which are out of the Tab order, Escape
/// closes it and gives focus back to the button, and focus leaving it closes it.
#[component]
pub fn UserMenu(account: AccountView) -> impl IntoView {
    let auth = use_auth();
    let open = RwSignal::new(false);
    let button = NodeRef::<Button>::new();
    let menu = NodeRef::<Div>::new();
    let close = move |_| open.set(false);
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        if opening {
            focus_after_render(ITEMS);
        }
    };
    let on_keydown = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
        "ArrowDown" | "ArrowUp" if open.get_untracked() => {
            event.prevent_default();
            focus_next_item(event.key() == "ArrowDown");
        }
        "ArrowDown" | "ArrowUp" => {
            event.prevent_default();
            open.set(true);
            focus_after_render(if event.key() == "ArrowDown" { ITEMS } else { LAST_ITEM });
        }
        _ => {}
    };
    // Only for focus that lands somewhere known: Safari does not focus a clicked
    // button, so a click on an item looks like focus going nowhere.
    let close_when_focus_leaves = move |event: FocusEvent| {
        let to = event.related_target().and_then(|target| target.dyn_into::<web_sys::Node>().ok());
        let left = to.is_some_and(|to| menu.get_untracked().is_some_and(|menu| !menu.contains(Some(&to))));
        if left {
            open.set(false);
        }
    };

    view! {
        <div class="user-menu" node_ref=menu on:keydown=on_keydown on:focusout=close_when_focus_leaves>
            <button
                node_ref=button
                type="button"
                class="user-button"
                aria-haspopup="menu"
                aria-controls="user-menu-items"
                aria-expanded=move || open.get().to_string()
                on:click=toggle
            >
                <UserIcon/>
                <span class="user-name">{account.name}</span>
            </button>
            <ul id="user-menu-items" class="user-menu-items" role="menu" hidden=move || !open.get()>
                <li role="none">
                    <A href=routes::MY_ACCOUNT attr:role="menuitem" attr:tabindex="-1" on:click=close>
                        "My Account"
                    </A>
                </li>
                <li role="none">
                    <ActionForm action=auth.sign_out>
                        <button type="submit" role="menuitem" tabindex="-1">"Sign out"</button>
                    </ActionForm>
                </li>
            </ul>
        </div>
    }
}

const ITEMS: &str = "#user-menu-items [role=menuitem]";
const LAST_ITEM: &str = "#user-menu-items li:last-child [role=menuitem]";

/// Moves focus to the next (or previous) item of the open menu, wrapping around.
fn focus_next_item(forward: bool) {
    let Ok(items) = document().query_selector_all(ITEMS) else { return };
    let items: Vec<web_sys::HtmlElement> = (0..items.length()).filter_map(|i| items.item(i)?.dyn_into().ok()).collect();
    if items.is_empty() {
        return;
    }
    let active = document().active_element();
    let current = items.iter().position(|item| Some(item.as_ref()) == active.as_ref());
    let next = match (current, forward) {
        (Some(i), true) => (i + 1) % items.len(),
        (Some(i), false) => (i + items.len() - 1) % items.len(),
        (None, true) => 0,
        (None, false) => items.len() - 1,
    };
    let _ = items[next].focus();
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
