use leptos::ev::KeyboardEvent;
use leptos::html::{Button, Input};
use leptos::prelude::*;

use crate::components::{CodeInput, FormError, refocus_after_error};
use crate::functions::two_factor::{ConfirmTotpSetup, TotpSetupView};

/// The modal dialog of "Sync Authenticator": the QR code, the setup key to type
/// instead, and the first code. Focus stays inside; Escape or "Cancel" closes it.
#[component]
pub fn QrModal(
    setup: TotpSetupView,
    confirm: ServerAction<ConfirmTotpSetup>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let code_input = NodeRef::<Input>::new();
    let first = NodeRef::<Button>::new();
    let last = NodeRef::<Button>::new();
    let copied = RwSignal::new(false);
    let key = setup.setup_key.clone();

    Effect::new(move |_| {
        if let Some(input) = code_input.get() {
            let _ = input.focus();
        }
    });
    // Wrong codes leave the dialog open with the field ready for the next try.
    refocus_after_error(confirm, code_input);
    let on_keydown = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => on_cancel.run(()),
        "Tab" => keep_focus_inside(&event, first, last),
        _ => {}
    };
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&key.replace(' ', ""));
        copied.set(true);
    };

    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="qr-title"
                aria-describedby="qr-help"
                on:keydown=on_keydown
            >
                <h2 id="qr-title">"Scan the QR code"</h2>
                <p id="qr-help">
                    "Open Google Authenticator or Authy, add an account, and scan this code. "
                    "Then enter the six-digit code the app shows."
                </p>
                <img class="qr-code" src=setup.qr_code alt="QR code for your authenticator app" width="200" height="200"/>
                <p class="setup-key-label">"Can't scan it? Enter this setup key"</p>
                <p class="setup-key">
                    <code data-testid="setup-key">{setup.setup_key}</code>
                    <button type="button" node_ref=first on:click=copy>
                        {move || if copied.get() { "Copied" } else { "Copy" }}
                    </button>
                </p>
                <ActionForm action=confirm>
                    <CodeInput id="totp-code" node_ref=code_input/>
                    <FormError action=confirm/>
                    <p class="actions">
                        <button type="submit" class="primary" disabled=confirm.pending()>"Verify"</button>
                        <button type="button" node_ref=last on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    </p>
                </ActionForm>
            </div>
        </div>
    }
}

/// Tab from the last control goes to the first, Shift-Tab from the first to the last.
fn keep_focus_inside(event: &KeyboardEvent, first: NodeRef<Button>, last: NodeRef<Button>) {
    let (Some(first), Some(last)) = (first.get_untracked(), last.get_untracked()) else { return };
    let active = document().active_element();
    let (from, to) = if event.shift_key() { (&first, &last) } else { (&last, &first) };
    if active.as_ref().is_some_and(|element| element == from.as_ref()) {
        event.prevent_default();
        let _ = to.focus();
    }
}
