use leptos::html::Input;
use leptos::prelude::*;

/// A new password's field with its label and the policy's hint, the same wherever
/// one is chosen (registration, change, reset): the server checks the same rules.
#[component]
pub fn NewPasswordInput(
    /// The input's id; its hint's is `{id}-hint`.
    #[prop(into)]
    id: String,
    /// The form field's name.
    name: &'static str,
    label: &'static str,
    #[prop(optional)] node_ref: NodeRef<Input>,
) -> impl IntoView {
    let hint = format!("{id}-hint");
    view! {
        <label for=id.clone()>{label}</label>
        <input
            id=id
            node_ref=node_ref
            type="password"
            name=name
            autocomplete="new-password"
            minlength="8"
            maxlength="128"
            aria-describedby=hint.clone()
            required
        />
        <p id=hint class="hint">"At least 8 characters. A few unrelated words make a strong password."</p>
    }
}
