use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::auth::use_auth;
use crate::functions::auth::{begin_passwordless_sign_in, finish_passwordless_sign_in};
use crate::passkey_dialog::{self, Ceremony};

/// `/login/passkey`: "Sign in with a passkey", with no email and no password. The
/// browser offers the passkeys it holds for this site; one its customer allowed
/// to sign in alone, which checks the fingerprint, face or PIN, signs in. The
/// sign-in page links here, so that it itself stays a page without the client.
#[component]
pub fn LoginPasskeyPage() -> impl IntoView {
    let query = use_query_map();
    let auth = use_auth();
    let sign_in = Action::new_unsync(move |(): &()| {
        let next = query.read_untracked().get("next");
        async move {
            let options = begin_passwordless_sign_in().await.map_err(|error| error.to_string())?;
            let credential = passkey_dialog::open(&options, Ceremony::Get).await.map_err(|error| error.to_string())?;
            finish_passwordless_sign_in(credential, next).await.map_err(|error| error.to_string())?;
            auth.passkey_sign_ins.update(|n| *n += 1);
            Ok::<(), String>(())
        }
    });
    let error = move || match sign_in.value().get() {
        Some(Err(message)) => Some(view! { <p class="form-error" role="alert">{message}</p> }),
        _ => None,
    };
    let back = move || {
        let next = query.read().get("next");
        crate::routes::sign_in_path(next.as_deref())
    };

    view! {
        <Title text="Sign in with a passkey"/>
        <section class="card narrow">
            <h1>"Sign in with a passkey"</h1>
            <p>
                "Use a passkey you allowed to sign in without a password. Your device will ask for your "
                "fingerprint, face, PIN or security key."
            </p>
            {error}
            <button
                type="button"
                class="primary"
                autofocus
                disabled=sign_in.pending()
                on:click=move |_| {
                    sign_in.dispatch(());
                }
            >
                "Sign in with a passkey"
            </button>
            <p class="aside"><A href=back>"Sign in with your email and password"</A></p>
        </section>
    }
}

lazy_route! {
    /// The `/login/passkey` route.
    LoginPasskeyRoute shows LoginPasskeyPage
}
