use leptos::prelude::*;

use super::CreatePasskey;
use crate::components::{FormError, focus_after_render};
use crate::functions::passkeys::{BeginPasskeySetup, PasskeyView, RemovePasskey, RenamePasskey, passkeys_list};
use crate::method::TwoFactorMethod;

/// What the form under the list is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Editing {
    /// "Add a passkey": the password, then the passkey.
    Add,
    Rename {
        id: i32,
        name: String,
    },
    /// `last`: it is the last passkey of an account on passkeys, so 2FA goes with it.
    Remove {
        id: i32,
        name: String,
        last: bool,
    },
}

/// "Passkeys": each of the account's passkeys (its name, when it was added and
/// last used), "Rename" and "Remove", and "Add a passkey" beside the account's
/// method. Each asks for the password. `on_changed` gets the message once
/// something changed: the tab shows it, and fetches the status, this list and
/// the activity again.
#[component]
pub fn PasskeyList(method: TwoFactorMethod, on_changed: Callback<String>) -> impl IntoView {
    let listed = Resource::new(|| (), |_| passkeys_list());
    let editing = RwSignal::new(None::<Editing>);
    let rename = ServerAction::<RenamePasskey>::new();
    let remove = ServerAction::<RemovePasskey>::new();
    let done = move |message: String| {
        editing.set(None);
        on_changed.run(message);
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = rename.value().get() {
            rename.value().set(None);
            done("The passkey is renamed.".to_owned());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            remove.value().set(None);
            let turned_off = matches!(editing.get_untracked(), Some(Editing::Remove { last: true, .. }));
            done(match turned_off {
                true => "The passkey is removed, and two-factor authentication is now off. We have sent you an email \
                         to confirm it."
                    .to_owned(),
                false => "The passkey is removed. It no longer signs in to your account. We have sent you an email \
                          to confirm it."
                    .to_owned(),
            });
        }
    });
    let ask = move |what: Editing| {
        editing.set(Some(what));
        focus_after_render(".passkeys .manage input:not([type=hidden])");
    };
    let cancel = Callback::new(move |()| {
        editing.set(None);
        focus_after_render("#passkeys-title");
    });
    let on_created = Callback::new(move |_| {
        done("Your passkey is added. Sign-in can now ask for it. We have sent you an email to confirm it.".to_owned())
    });

    view! {
        <section class="passkeys" aria-labelledby="passkeys-title">
            <h3 id="passkeys-title" tabindex="-1">"Passkeys"</h3>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(passkeys) if passkeys.is_empty() => view! {
                            <p>"No passkeys yet. A passkey signs in with this device's screen lock or a security key, and cannot be phished."</p>
                        }
                        .into_any(),
                        Ok(passkeys) => {
                            // Removing the last usable one (suspended ones do not count), or
                            // the last of all, turns 2FA off.
                            let usable = passkeys.iter().filter(|passkey| !passkey.suspended).count();
                            let passkeys_held = passkeys.len();
                            let on_passkeys = method == TwoFactorMethod::Passkey;
                            let last = move |suspended: bool| {
                                on_passkeys && ((!suspended && usable == 1) || passkeys_held == 1)
                            };
                            view! {
                                <ul class="passkey-list">
                                    {passkeys.into_iter().map(|passkey| {
                                        let last = last(passkey.suspended);
                                        passkey_item(passkey, last, ask)
                                    }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {move || match editing.get() {
                None => view! {
                    <button type="button" on:click=move |_| ask(Editing::Add)>"Add a passkey"</button>
                }
                .into_any(),
                Some(Editing::Add) => view! { <AddPasskey on_created on_cancel=cancel/> }.into_any(),
                Some(Editing::Rename { id, name }) => view! {
                    <div class="manage">
                        <p>{format!("Rename \"{name}\". Key in your account password to confirm.")}</p>
                        <ActionForm action=rename>
                            <input type="hidden" name="id" value=id/>
                            <label for="passkey-new-name">"New name"</label>
                            <input id="passkey-new-name" name="name" maxlength="60" required value=name/>
                            <PasswordField/>
                            <FormError action=rename/>
                            <p class="actions">
                                <button type="submit" class="primary" disabled=rename.pending()>"Rename"</button>
                                <button type="button" on:click=move |_| cancel.run(())>"Cancel"</button>
                            </p>
                        </ActionForm>
                    </div>
                }
                .into_any(),
                Some(Editing::Remove { id, name, last }) => view! {
                    <div class="manage">
                        <p>{format!("Remove \"{name}\". Key in your account password to confirm.")}</p>
                        <ActionForm action=remove>
                            <input type="hidden" name="id" value=id/>
                            {last.then(|| view! {
                                <p class="warning" id="last-passkey-warning">
                                    "This is your last passkey. Removing it turns two-factor authentication off, "
                                    "and your recovery codes stop working."
                                </p>
                                <label class="check">
                                    <input type="checkbox" name="turn_off" value="yes" required aria-describedby="last-passkey-warning"/>
                                    "Turn two-factor authentication off"
                                </label>
                            })}
                            <PasswordField/>
                            <FormError action=remove/>
                            <p class="actions">
                                <button type="submit" class="danger" disabled=remove.pending()>"Remove"</button>
                                <button type="button" on:click=move |_| cancel.run(())>"Cancel"</button>
                            </p>
                        </ActionForm>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

fn passkey_item(
    passkey: PasskeyView,
    // Removing it turns 2FA off.
    last: bool,
    ask: impl Fn(Editing) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let PasskeyView { id, name, added_at, last_used_at, passwordless, suspended } = passkey;
    let used = last_used_at.map_or_else(|| "Never used".to_owned(), |at| format!("Last used {at}"));
    let (rename_label, remove_label) = (format!("Rename {name}"), format!("Remove {name}"));
    let (for_rename, for_remove) = (name.clone(), name.clone());
    view! {
        <li>
            <strong>{name}</strong>
            <span>{format!("Added {added_at}")}</span>
            <span>{used}</span>
            {passwordless.then(|| view! { <span>"Signs in without a password"</span> })}
            {suspended.then(|| view! { <span class="warning">"Refused: it may have been copied"</span> })}
            <span class="actions">
                <button type="button" aria-label=rename_label on:click=move |_| {
                    ask(Editing::Rename { id, name: for_rename.clone() })
                }>"Rename"</button>
                <button type="button" aria-label=remove_label on:click=move |_| {
                    ask(Editing::Remove { id, name: for_remove.clone(), last })
                }>"Remove"</button>
            </span>
        </li>
    }
}

#[component]
fn PasswordField() -> impl IntoView {
    view! {
        <label for="passkeys-password">"Password"</label>
        <input id="passkeys-password" type="password" name="password" autocomplete="current-password" required/>
    }
}

/// "Add a passkey": the password first (it starts the passkey's ceremony), then
/// the passkey beside the method.
#[component]
fn AddPasskey(
    on_created: Callback<crate::functions::passkeys::PasskeySetupDone>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let confirm = ServerAction::<BeginPasskeySetup>::new();
    let options = move || confirm.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if options().is_some() {
            focus_after_render("#passkey-name");
        }
    });
    view! {
        <div class="manage">
            <Show
                when=move || options().is_some()
                fallback=move || view! {
                    <p>"Key in your account password to add a passkey."</p>
                    <ActionForm action=confirm>
                        <PasswordField/>
                        <FormError action=confirm/>
                        <p class="actions">
                            <button type="submit" class="primary" disabled=confirm.pending()>"Confirm"</button>
                            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                        </p>
                    </ActionForm>
                }
            >
                <CreatePasskey options=options().unwrap_or_default() beside=true on_created on_cancel/>
            </Show>
        </div>
    }
}
