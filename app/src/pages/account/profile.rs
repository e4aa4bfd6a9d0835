use leptos::html::Input;
use leptos::prelude::*;

use super::CONFIRMATION_SENT;
use crate::auth::use_auth;
use crate::components::{FormError, NewPasswordInput, focus_after_render};
use crate::functions::account::ChangePassword;

/// "Profile": who the account belongs to, and "Change password".
#[component]
pub fn ProfileTab() -> impl IntoView {
    let auth = use_auth();
    view! {
        <h2>"Profile"</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                auth.account.await.ok().flatten().map(|account| view! {
                    <dl class="profile">
                        <dt>"Name"</dt>
                        <dd>{account.name}</dd>
                        <dt>"Email"</dt>
                        <dd>{account.email}</dd>
                    </dl>
                })
            })}
        </Transition>
        <ChangePasswordForm/>
    }
}

/// The current password, then the new one (the registration policy). Once it is
/// changed the fields are emptied and focus goes to the message, which says the
/// other sessions ended.
#[component]
fn ChangePasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let current = NodeRef::<Input>::new();
    let new = NodeRef::<Input>::new();
    let changed = move || matches!(change.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if changed() {
            for field in [current, new] {
                if let Some(input) = field.get_untracked() {
                    input.set_value("");
                }
            }
            focus_after_render("#password-changed");
        }
    });
    view! {
        <section class="change-password" aria-labelledby="change-password-title">
            <h3 id="change-password-title">"Change password"</h3>
            <Show when=changed>
                <p id="password-changed" class="notice" role="status" tabindex="-1">
                    {format!(
                        "Your password has been changed. Every other device or browser signed in to your account \
                         has been signed out. {CONFIRMATION_SENT}"
                    )}
                </p>
            </Show>
            <ActionForm action=change>
                <label for="current-password">"Current password"</label>
                <input
                    id="current-password"
                    node_ref=current
                    type="password"
                    name="current_password"
                    autocomplete="current-password"
                    required
                />
                <NewPasswordInput id="new-password" name="new_password" label="New password" node_ref=new/>
                <FormError action=change/>
                <button type="submit" class="primary" disabled=change.pending()>"Change password"</button>
            </ActionForm>
        </section>
    }
}
