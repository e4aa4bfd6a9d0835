use leptos::html::Input;
use leptos::prelude::*;

/// The "Verification code" field: a numeric keypad on phones, filled in by the
/// browser from an SMS or a password manager, and tolerant of a pasted "123 456"
/// (the server ignores spaces and dashes).
#[component]
pub fn CodeInput(
    /// The input's id, for its label.
    #[prop(into)]
    id: String,
    /// Focused when shown.
    #[prop(optional)]
    node_ref: NodeRef<Input>,
) -> impl IntoView {
    view! {
        <label for=id.clone()>"Verification code"</label>
        <input
            id=id
            name="code"
            class="code-input"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 \\-]*"
            maxlength="9"
            required
            node_ref=node_ref
        />
    }
}
