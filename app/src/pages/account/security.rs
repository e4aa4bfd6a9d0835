use leptos::prelude::*;

use super::CONFIRMATION_SENT;
use crate::components::{
    ManageTwoFactor, PasskeyList, RecentAdditions, RecoveryCodesPanel, SecurityActivity, SetupWizard,
    WaitingResetNotice, WhereSignedIn, focus_after_render,
};
use crate::functions::two_factor::{TwoFactorState, two_factor_status};
use crate::method::TwoFactorMethod;
use crate::routes::REVIEW_RECENT;

/// What the tab shows below the status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    Closed,
    Setup,
    Manage,
    /// The wizard for the other method, while the current one stays on.
    Switch(TwoFactorMethod),
}

/// "Account Security": the state of two-factor authentication, the wizard that sets
/// it up, "Manage two-factor authentication" (turn off, or switch) and the recovery
/// codes when it is on, where the account is signed in, and the recent security
/// activity. Opened after a password reset (`?review=recent`), it first shows
/// what was added to the account's sign-in lately.
#[component]
pub fn AccountSecurityTab() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let review = RwSignal::new(query.with_untracked(|query| query.get("review").as_deref() == Some(REVIEW_RECENT)));
    let panel = RwSignal::new(Panel::Closed);
    let notice = RwSignal::new(None::<String>);
    let changes = RwSignal::new(0_usize);
    let status = Resource::new(move || changes.get(), |_| two_factor_status());
    // Focus follows the change, so a screen reader reads it and the keyboard
    // carries on from there: the message once something is done, the button that
    // opened the panel once it is cancelled.
    let finish = move |message: String| {
        panel.set(Panel::Closed);
        notice.set(Some(message));
        changes.update(|n| *n += 1);
        focus_after_render(".notice");
    };
    let on_done = Callback::new(move |method| finish(enabled_notice(method, false)));
    let on_switched = Callback::new(move |method| finish(enabled_notice(method, true)));
    let on_disabled =
        Callback::new(move |()| finish(format!("Two-factor authentication is now off. {CONFIRMATION_SENT}")));
    let on_switch = Callback::new(move |method| panel.set(Panel::Switch(method)));
    let on_close = Callback::new(move |()| {
        panel.set(Panel::Closed);
        focus_after_render("#two-factor-action");
    });
    let on_passkeys_changed = Callback::new(finish);
    let on_codes_changed = Callback::new(move |()| {
        notice.set(Some(format!("Your new recovery codes replace the old ones. {CONFIRMATION_SENT}")));
        changes.update(|n| *n += 1);
    });

    let close_review = Callback::new(move |()| {
        review.set(false);
        focus_after_render("#two-factor-title");
    });

    view! {
        {move || review.get().then(|| view! { <RecentAdditions changes on_close=close_review/> })}
        <WaitingResetNotice changes/>
        <h2 id="two-factor-title" tabindex="-1">"Two-factor authentication"</h2>
        {move || notice.get().map(|text| view! { <p class="notice" role="status" tabindex="-1">{text}</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(TwoFactorState {
                        method: Some(method),
                        masked_phone,
                        recovery_codes_left,
                        recovery_codes_running_low,
                    }) => view! {
                        <p class="status status-on">{method.status()}</p>
                        <p>{method.every_sign_in(masked_phone.as_deref())}</p>
                        {move || match panel.get() {
                            Panel::Manage => view! {
                                <ManageTwoFactor current=method on_disabled on_switch on_close/>
                            }
                            .into_any(),
                            Panel::Switch(to) => view! {
                                <SetupWizard preset=to on_done=on_switched on_cancel=on_close/>
                            }
                            .into_any(),
                            _ => view! {
                                <button id="two-factor-action" type="button" on:click=move |_| {
                                    notice.set(None);
                                    panel.set(Panel::Manage);
                                }>
                                    "Manage two-factor authentication"
                                </button>
                            }
                            .into_any(),
                        }}
                        <PasskeyList method on_changed=on_passkeys_changed/>
                        <RecoveryCodesPanel
                            left=recovery_codes_left.unwrap_or_default()
                            running_low=recovery_codes_running_low
                            on_changed=on_codes_changed
                        />
                    }
                    .into_any(),
                    Ok(TwoFactorState { method: None, .. }) => view! {
                        <p class="status status-off">"Two-factor authentication is off"</p>
                        <p>
                            "Protect your account with a six-digit code, from an authenticator app such as "
                            "Google Authenticator or Authy, or by SMS, or with a passkey, every time you sign in."
                        </p>
                        <Show
                            when=move || panel.get() == Panel::Setup
                            fallback=move || view! {
                                <button
                                    id="two-factor-action"
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
        <WhereSignedIn changes/>
        <SecurityActivity changes/>
    }
}

/// The success message once `method` is on: turned on, or switched to.
fn enabled_notice(method: TwoFactorMethod, switched: bool) -> String {
    let what = if switched { method.updated_to() } else { "Two-factor authentication is now on." };
    format!("{what} From now on, every sign-in asks for {}. {CONFIRMATION_SENT}", method.asked_for())
}

lazy_route! {
    /// The Account Security tab's route (the wizard's code comes only once it is opened).
    AccountSecurityRoute shows AccountSecurityTab
}
