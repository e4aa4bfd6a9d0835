use leptos::prelude::*;

/// The "Recovery code" field, the same wherever a recovery code stands in for the
/// code (sign-in, password reset): typed as written down, in any case, with or
/// without dashes (the server reads both).
#[component]
pub fn RecoveryCodeInput(
    /// Focused when shown.
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    view! {
        <label for="recovery-code">"Recovery code"</label>
        <input
            id="recovery-code"
            name="recovery_code"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            placeholder="xxxx-xxxx-xxxx"
            required
            autofocus=autofocus
        />
    }
}
