//! "Added in the last 30 days": the method turned on and the passkeys added
//! lately, each with "Remove". Shown after "Sign out of all other sessions" and
//! after a password reset, when the customer has just acted on a suspicion: an
//! intruder's passkey or method outlives both, and this is where to find it.

use leptos::prelude::*;

use crate::components::{FormError, focus_after_render};
use crate::functions::passkeys::{PasskeyView, RemovePasskey};
use crate::functions::two_factor::{DisableTwoFactor, RecentAdditionsView, recent_additions};
use crate::method::TwoFactorMethod;

/// What "Remove" was clicked for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Removing {
    /// The method: removing it turns two-factor authentication off.
    Method(TwoFactorMethod),
    /// `last`: the last passkey of an account on passkeys, so 2FA goes with it.
    Passkey { id: i32, name: String, last: bool },
}

/// The review; `changes` moves once something is removed (the tab fetches the
/// status, the lists and the activity again), `on_close` once "Done" is clicked.
#[component]
pub fn RecentAdditions(changes: RwSignal<usize>, on_close: Callback<()>) -> impl IntoView {
    let listed = Resource::new(move || changes.get(), |_| recent_additions());
    let removing = RwSignal::new(None::<Removing>);
    let notice = RwSignal::new(None::<String>);
    let disable = ServerAction::<DisableTwoFactor>::new();
    let remove = ServerAction::<RemovePasskey>::new();
    let done = move |message: &str| {
        removing.set(None);
        notice.set(Some(format!("{message} We have sent a confirmation email to your registered address.")));
        changes.update(|n| *n += 1);
        focus_after_render(".recent-additions .notice");
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            disable.value().set(None);
            done("Two-factor authentication is now off.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            remove.value().set(None);
            done("The passkey is removed. It no longer signs in to your account.");
        }
    });
    let ask = move |what: Removing| {
        notice.set(None);
        removing.set(Some(what));
        focus_after_render("#recent-password");
    };
    let cancel = move |_| {
        removing.set(None);
        focus_after_render("#recent-title");
    };
    let confirm = move || {
        removing.get().map(|what| {
            let password = view! {
                <label for="recent-password">"Password"</label>
                <input id="recent-password" type="password" name="password" autocomplete="current-password" required/>
            };
            let form = match what {
                Removing::Method(method) => view! {
                    <p>{format!(
                        "Remove {}: two-factor authentication turns off. Key in your account password to confirm.",
                        method.label()
                    )}</p>
                    <ActionForm action=disable>
                        {password}
                        <FormError action=disable/>
                        <p class="actions">
                            <button type="submit" class="danger" disabled=disable.pending()>"Remove"</button>
                            <button type="button" on:click=cancel>"Cancel"</button>
                        </p>
                    </ActionForm>
                }
                .into_any(),
                Removing::Passkey { id, name, last } => view! {
                    <p>{format!("Remove \"{name}\". Key in your account password to confirm.")}</p>
                    <ActionForm action=remove>
                        <input type="hidden" name="id" value=id/>
                        {last.then(|| view! {
                            <label class="check">
                                <input type="checkbox" name="turn_off" value="yes" required/>
                                "Turn two-factor authentication off: this is your last passkey"
                            </label>
                        })}
                        {password}
                        <FormError action=remove/>
                        <p class="actions">
                            <button type="submit" class="danger" disabled=remove.pending()>"Remove"</button>
                            <button type="button" on:click=cancel>"Cancel"</button>
                        </p>
                    </ActionForm>
                }
                .into_any(),
            };
            view! { <div class="manage">{form}</div> }
        })
    };

    view! {
        <section class="recent-additions" aria-labelledby="recent-title">
            <h2 id="recent-title" tabindex="-1">"Added in the last 30 days"</h2>
            <p>
                "Check how you sign in. If you did not add one of these yourself, remove it: someone who had your "
                "password may have added it to keep signing in."
            </p>
            {move || notice.get().map(|text| view! { <p class="notice" role="status" tabindex="-1">{text}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(recent) if recent.is_empty() => view! {
                            <p>"Nothing was added to how you sign in in the last 30 days."</p>
                        }
                        .into_any(),
                        Ok(recent) => additions(recent, ask).into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {confirm}
            <p class="actions"><button type="button" on:click=move |_| on_close.run(())>"Done"</button></p>
        </section>
    }
}

fn additions(recent: RecentAdditionsView, ask: impl Fn(Removing) + Copy + Send + Sync + 'static) -> impl IntoView {
    let method = recent.method.map(|(method, at)| {
        let label = format!("Remove {}", method.label());
        view! {
            <li>
                <strong>{method.label()}</strong>
                <span>{format!("Turned on {at}")}</span>
                <span class="actions">
                    <button type="button" aria-label=label on:click=move |_| ask(Removing::Method(method))>
                        "Remove"
                    </button>
                </span>
            </li>
        }
    });
    let passkeys = recent.passkeys.into_iter().map(|(passkey, last)| {
        let PasskeyView { id, name, added_at, .. } = passkey;
        let label = format!("Remove {name}");
        let asked = name.clone();
        view! {
            <li>
                <strong>{format!("Passkey \"{name}\"")}</strong>
                <span>{format!("Added {added_at}")}</span>
                <span class="actions">
                    <button type="button" aria-label=label on:click=move |_| {
                        ask(Removing::Passkey { id, name: asked.clone(), last })
                    }>"Remove"</button>
                </span>
            </li>
        }
    });
    view! { <ul class="recent-list">{method}{passkeys.collect_view()}</ul> }
}
