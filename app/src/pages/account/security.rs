use leptos::prelude::*;

/// "Account Security": the state of two-factor authentication and the way to set it up.
#[component]
pub fn AccountSecurityTab() -> impl IntoView {
    view! {
        <h2>"Two-factor authentication"</h2>
        <p class="status status-off">"Two-factor authentication is off"</p>
        <p>
            "Protect your account with a six-digit code from an authenticator app, such as "
            "Google Authenticator or Authy, every time you sign in."
        </p>
        <button type="button" class="primary">"Setup Two-Factor Authentication"</button>
    }
}
