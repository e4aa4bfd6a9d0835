use leptos::prelude::*;

use crate::components::focus_after_render;
use crate::functions::account::{ActivityView, security_activity};

/// "Recent security activity": the account's events, newest first, with when,
/// from which browser and address; a stranger's repeated failures are one line
/// each. "Show more" adds the older page below, and takes focus to its first
/// line. Fetched again from the newest whenever `changes` moves.
#[component]
pub fn SecurityActivity(#[prop(into)] changes: Signal<usize>) -> impl IntoView {
    let first = Resource::new(move || changes.get(), |_| security_activity(None));
    // The pages "Show more" brought, and where the next one starts.
    let older = RwSignal::new(Vec::<ActivityView>::new());
    let next = RwSignal::new(None::<Option<String>>);
    Effect::new(move |_| {
        changes.track();
        older.set(Vec::new());
        next.set(None);
    });
    let show_more = Action::new(move |before: &String| security_activity(Some(before.clone())));
    Effect::new(move |_| {
        if let Some(Ok(page)) = show_more.value().get() {
            show_more.value().set(None);
            let first_new = older.with_untracked(Vec::len) + first_page_len(first);
            older.update(|lines| lines.extend(page.lines));
            next.set(Some(page.more));
            focus_after_render(format!(".activity tbody tr:nth-child({})", first_new + 1));
        }
    });

    view! {
        <section class="activity" aria-labelledby="activity-title">
            <h2 id="activity-title">"Recent security activity"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(page) if page.lines.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(page) => {
                            let more = move || next.get().unwrap_or_else(|| page.more.clone());
                            let lines = page.lines.clone();
                            view! {
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
                                        {lines.into_iter().map(line).collect_view()}
                                        {move || older.get().into_iter().map(line).collect_view()}
                                    </tbody>
                                </table>
                                {move || more().map(|before| view! {
                                    <button
                                        type="button"
                                        disabled=show_more.pending()
                                        on:click=move |_| { show_more.dispatch(before.clone()); }
                                    >"Show more"</button>
                                })}
                                {move || match show_more.value().get() {
                                    Some(Err(error)) => Some(view! {
                                        <p class="form-error" role="alert">{error.to_string()}</p>
                                    }),
                                    _ => None,
                                }}
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// How many lines the first page showed.
fn first_page_len(
    first: Resource<Result<crate::functions::account::ActivityPageView, crate::error::AppError>>,
) -> usize {
    first.get_untracked().and_then(Result::ok).map_or(0, |page| page.lines.len())
}

fn line(event: ActivityView) -> impl IntoView {
    view! {
        <tr tabindex="-1">
            <td>{event.when}</td>
            <td>{event.what}</td>
            <td>{event.browser}</td>
            <td>{event.ip.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}
