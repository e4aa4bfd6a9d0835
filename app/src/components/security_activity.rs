use leptos::prelude::*;

use crate::functions::account::security_activity;

/// "Recent security activity": the account's last events, newest first, with when,
/// from which browser and address. Fetched again whenever `changes` moves.
#[component]
pub fn SecurityActivity(#[prop(into)] changes: Signal<usize>) -> impl IntoView {
    let activity = Resource::new(move || changes.get(), |_| security_activity());
    view! {
        <section class="activity" aria-labelledby="activity-title">
            <h2 id="activity-title">"Recent security activity"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(events) if events.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(events) => view! {
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"What"</th>
                                        <th scope="col">"Browser"</th>
                                        <th scope="col">"IP address"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {events
                                        .into_iter()
                                        .map(|event| view! {
                                            <tr>
                                                <td>{event.when}</td>
                                                <td>{event.what}</td>
                                                <td>{event.browser}</td>
                                                <td>{event.ip.unwrap_or_else(|| "—".to_owned())}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
