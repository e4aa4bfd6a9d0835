use leptos::prelude::*;

use crate::functions::two_factor::RecoveryCodesView;
use crate::routes::encode_query;

const FILE_NAME: &str = "customer-portal-recovery-codes.txt";
const COPIED: &str = "Copied to the clipboard.";
const NOT_COPIED: &str = "This browser did not let us copy. Select the codes and copy them, or use Download.";

/// The new codes, shown this once. "Okay" is enabled only once the customer says
/// they saved them.
#[component]
pub fn SaveRecoveryCodes(
    codes: RecoveryCodesView,
    /// "Okay" was clicked.
    on_done: Callback<()>,
) -> impl IntoView {
    let saved = RwSignal::new(false);
    let copied = RwSignal::new(None::<&'static str>);
    let download = format!("data:text/plain;charset=utf-8,{}", encode_query(&file_text(&codes)));
    let plain = codes.codes.join("\n");
    view! {
        <div class="recovery-codes">
            <p>
                <strong>"Save your recovery codes."</strong>
                " If you lose your phone, each code signs you in once in place of a six-digit code. "
                "Keep them somewhere safe: they are shown only now."
            </p>
            <ol class="codes" aria-label="Recovery codes">
                {codes.codes.iter().map(|code| view! { <li><code>{code.clone()}</code></li> }).collect_view()}
            </ol>
            <p class="actions">
                <button type="button" on:click=move |_| copy(plain.clone(), copied)>"Copy"</button>
                <a class="button" href=download download=FILE_NAME>"Download"</a>
            </p>
            <p class="hint" role="status">{move || copied.get()}</p>
            <p>
                <label class="check">
                    <input type="checkbox" on:change=move |event| saved.set(event_target_checked(&event))/>
                    "I have saved my recovery codes"
                </label>
            </p>
            <button type="button" class="primary" disabled=move || !saved.get() on:click=move |_| on_done.run(())>
                "Okay"
            </button>
        </div>
    }
}

/// Puts `text` on the clipboard, and says whether it went.
fn copy(text: String, outcome: RwSignal<Option<&'static str>>) {
    use wasm_bindgen::JsValue;

    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = window.navigator().clipboard();
    // Missing outside secure contexts (plain http to another host).
    if AsRef::<JsValue>::as_ref(&clipboard).is_undefined() {
        outcome.set(Some(NOT_COPIED));
        return;
    }
    let written = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text));
    leptos::task::spawn_local(async move {
        outcome.set(Some(if written.await.is_ok() { COPIED } else { NOT_COPIED }));
    });
}

/// The downloaded file: the portal, the account, the codes.
fn file_text(codes: &RecoveryCodesView) -> String {
    format!(
        "Customer Portal recovery codes\nAccount: {}\n\nEach code signs you in once, in place of a six-digit \
         code.\nKeep this file somewhere safe.\n\n{}\n",
        codes.email,
        codes.codes.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_names_the_portal_and_the_account() {
        let codes = RecoveryCodesView { codes: vec!["7h3k-9fq2-x8mn".into()], email: "ana@example.com".into() };
        let text = file_text(&codes);
        assert!(text.starts_with("Customer Portal recovery codes\nAccount: ana@example.com\n"));
        assert!(text.ends_with("7h3k-9fq2-x8mn\n"));
        assert_eq!(encode_query("a b@c\n"), "a%20b%40c%0A", "safe in a data: URL");
    }
}
