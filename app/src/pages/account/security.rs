use leptos::prelude::*;

use crate::components::{ManageTwoFactor, SetupWizard};
use crate::functions::two_factor::{TwoFactorState, two_factor_status};

/// What the tab shows below the status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    Closed,
    Setup,
    Manage,
}

const ENABLED: &str = "Two-factor authentication is now on. From now on, every sign-in asks for the \
     six-digit code from your authenticator app. We have sent a confirmation email to your registered address.";
const DISABLED: &str = "Two-factor authentication is now off. We have sent a confirmation email to your \
     registered address.";

/// "Account Security": the state of two-factor authentication, the wizard that sets
/// it up, and "Manage two-factor authentication" when it is on.
#[component]
pub fn AccountSecurityTab() -> impl IntoView {
    let panel = RwSignal::new(Panel::Closed);
    let notice = RwSignal::new(None::<&'static str>);
    let changes = RwSignal::new(0);
    let status = Resource::new(move || changes.get(), |_| two_factor_status());
    let finish = move |message| {
        panel.set(Panel::Closed);
        notice.set(Some(message));
        changes.update(|n| *n += 1);
    };
    let on_done = Callback::new(move |()| finish(ENABLED));
    let on_disabled = Callback::new(move |()| finish(DISABLED));
    let on_close = Callback::new(move |()| panel.set(Panel::Closed));

    view! {
        <h2>"Two-factor authentication"</h2>
        {move || notice.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(TwoFactorState { method: Some(method) }) => view! {
                        <p class="status status-on">"Two-factor authentication is on with the " {method}</p>
                        <p>"Every sign-in asks for the six-digit code from your authenticator app."</p>
                        <Show
                            when=move || panel.get() == Panel::Manage
                            fallback=move || view! {
                                <button type="button" on:click=move |_| panel.set(Panel::Manage)>
                                    "Manage two-factor authentication"
                                </button>
                            }
                        >
                            <ManageTwoFactor on_disabled on_close/>
                        </Show>
                    }
                    .into_any(),
                    Ok(TwoFactorState { method: None }) => view! {
                        <p class="status status-off">"Two-factor authentication is off"</p>
                        <p>
                            "Protect your account with a six-digit code from an authenticator app, such as "
                            "Google Authenticator or Authy, every time you sign in."
                        </p>
                        <Show
                            when=move || panel.get() == Panel::Setup
                            fallback=move || view! {
                                <button
                                    type="button"
                                    class="primary"
                                    on:click=move |_| {
                                        notice.set(None);
                                        panel.set(Panel::Setup);
                                    }
                                >
                                    "Setup Two-Factor Authentication"
                                </button>
                            }
                        >
                            <SetupWizard on_done on_cancel=on_close/>
                        </Show>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
