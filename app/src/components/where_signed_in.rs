use leptos::prelude::*;

use crate::components::{FormError, RecentAdditions, focus_after_render};
use crate::functions::account::{SessionView, SignOutOtherSessions, SignOutSession, signed_in_sessions};

/// What the password form is about to end.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ending {
    /// One other session: its handle, and its browser as the list names it.
    One {
        handle: String,
        browser: String,
    },
    AllOthers,
}

/// "Where you're signed in": each signed-in session of the account (browser, IP,
/// signed in at, last active, "This device"), "Sign out" on each of the others and
/// "Sign out of all other sessions". Both ask for the password first. Moves
/// `changes` once something ended, so the activity list shows it.
#[component]
pub fn WhereSignedIn(changes: RwSignal<usize>) -> impl IntoView {
    let listed = Resource::new(move || changes.get(), |_| signed_in_sessions());
    let ending = RwSignal::new(None::<Ending>);
    let notice = RwSignal::new(None::<String>);
    let one = ServerAction::<SignOutSession>::new();
    let all = ServerAction::<SignOutOtherSessions>::new();
    // After "Sign out of all other sessions": what was added lately, to check.
    let review = RwSignal::new(false);
    let done = move |message: String| {
        ending.set(None);
        notice.set(Some(message));
        changes.update(|n| *n += 1);
        focus_after_render(".sessions .notice");
    };
    Effect::new(move |_| {
        if let Some(Ok(ended)) = one.value().get() {
            one.value().set(None);
            let browser = match ending.get_untracked() {
                Some(Ending::One { browser, .. }) => browser,
                _ => "The session".to_owned(),
            };
            done(match ended {
                true => format!(
                    "{browser} is signed out. Its next page will ask to sign in. If it was not you who signed in \
                     there, change your password too."
                ),
                false => format!("{browser} was already signed out."),
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = all.value().get() {
            all.value().set(None);
            review.set(true);
            done("Every other session is signed out. Only this device is still signed in.".to_owned());
        }
    });
    let ask = move |what: Ending| {
        notice.set(None);
        ending.set(Some(what));
        focus_after_render("#sessions-password");
    };
    let cancel = move |_| {
        ending.set(None);
        focus_after_render("#sessions-title");
    };

    let confirm = move || {
        ending.get().map(|what| {
            let (why, button) = match &what {
                Ending::One { browser, .. } => (format!("to sign out {browser}"), "Sign out"),
                Ending::AllOthers => ("to sign out of all other sessions".to_owned(), "Sign out of all other sessions"),
            };
            let fields = view! {
                <label for="sessions-password">"Password"</label>
                <input
                    id="sessions-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                />
            };
            let buttons = move |pending: Signal<bool>| {
                view! {
                    <p class="actions">
                        <button type="submit" class="danger" disabled=pending>{button}</button>
                        <button type="button" on:click=cancel>"Cancel"</button>
                    </p>
                }
            };
            let form = match what {
                Ending::One { handle, .. } => view! {
                    <ActionForm action=one>
                        <input type="hidden" name="session" value=handle/>
                        {fields}
                        <FormError action=one/>
                        {buttons(one.pending().into())}
                    </ActionForm>
                }
                .into_any(),
                Ending::AllOthers => view! {
                    <ActionForm action=all>
                        {fields}
                        <FormError action=all/>
                        {buttons(all.pending().into())}
                    </ActionForm>
                }
                .into_any(),
            };
            view! {
                <div class="manage">
                    <p>{format!("Key in your account password {why}.")}</p>
                    {form}
                </div>
            }
        })
    };

    view! {
        <section class="sessions" aria-labelledby="sessions-title">
            <h2 id="sessions-title" tabindex="-1">"Where you're signed in"</h2>
            {move || notice.get().map(|text| view! { <p class="notice" role="status" tabindex="-1">{text}</p> })}
            {move || review.get().then(|| {
                let on_close = Callback::new(move |()| {
                    review.set(false);
                    focus_after_render("#sessions-title");
                });
                view! { <RecentAdditions changes on_close/> }
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(sessions) => {
                            let others = sessions.iter().any(|listed| !listed.this_device);
                            view! {
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Browser"</th>
                                            <th scope="col">"IP address"</th>
                                            <th scope="col">"Signed in"</th>
                                            <th scope="col">"Last active"</th>
                                            <td></td>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {sessions.into_iter().map(|listed| session_row(listed, ask)).collect_view()}
                                    </tbody>
                                </table>
                                {others.then(|| view! {
                                    <button type="button" on:click=move |_| ask(Ending::AllOthers)>
                                        "Sign out of all other sessions"
                                    </button>
                                })}
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {confirm}
        </section>
    }
}

fn session_row(listed: SessionView, ask: impl Fn(Ending) + Copy + Send + Sync + 'static) -> impl IntoView {
    let SessionView { handle, browser, ip, signed_in_at, last_active, this_device } = listed;
    let action = if this_device {
        view! { <strong>"This device"</strong> }.into_any()
    } else {
        let named = browser.clone();
        let label = format!("Sign out {browser}, signed in {signed_in_at}");
        view! {
            <button type="button" aria-label=label on:click=move |_| {
                ask(Ending::One { handle: handle.clone(), browser: named.clone() })
            }>
                "Sign out"
            </button>
        }
        .into_any()
    };
    view! {
        <tr>
            <td>{browser}</td>
            <td>{ip.unwrap_or_else(|| "—".to_owned())}</td>
            <td>{signed_in_at}</td>
            <td>{last_active}</td>
            <td>{action}</td>
        </tr>
    }
}
