use leptos::prelude::*;

use crate::functions::passkeys::{PasskeySetupDone, finish_passkey_setup};
use crate::passkey_dialog::{self, Ceremony};

/// What the create form sends.
#[derive(Clone)]
struct Creating {
    name: String,
    passwordless: bool,
}

/// The passkey's name, "Also use this passkey to sign in without a password",
/// and the browser's dialog that creates it, with the options the server gave
/// for the password typed just before (`begin_passkey_setup`): the dialog opens
/// on the click itself, as Safari wants.
#[component]
pub fn CreatePasskey(
    /// The dialog's options, as JSON.
    options: String,
    /// Beside the account's method ("Add a passkey"), not in its place (the wizard).
    beside: bool,
    on_created: Callback<PasskeySetupDone>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let passwordless = RwSignal::new(false);
    let create = Action::new_unsync(move |creating: &Creating| {
        let Creating { name, passwordless } = creating.clone();
        let options = options.clone();
        async move {
            let credential =
                passkey_dialog::open(&options, Ceremony::Create).await.map_err(|error| error.to_string())?;
            finish_passkey_setup(name, passwordless, beside, credential).await.map_err(|error| error.to_string())
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = create.value().get() {
            create.value().set(None);
            on_created.run(done);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(Creating { name: name.get_untracked(), passwordless: passwordless.get_untracked() });
    };
    let error = move || match create.value().get() {
        Some(Err(message)) => Some(view! { <p class="form-error" role="alert">{message}</p> }),
        _ => None,
    };

    view! {
        <form class="create-passkey" on:submit=submit>
            <p>
                "Your browser will ask you to create a passkey with this device (Touch ID, Windows Hello, "
                "your phone's screen lock) or a security key."
            </p>
            <label for="passkey-name">"Passkey name"</label>
            <input
                id="passkey-name"
                name="name"
                maxlength="60"
                required
                placeholder="MacBook Touch ID"
                aria-describedby="passkey-name-hint"
                bind:value=name
            />
            <p id="passkey-name-hint" class="hint">"A name to tell it apart in your list of passkeys."</p>
            <label class="check">
                <input type="checkbox" name="passwordless" bind:checked=passwordless/>
                "Also use this passkey to sign in without a password"
            </label>
            {error}
            <p class="actions">
                <button type="submit" class="primary" disabled=create.pending()>"Create passkey"</button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </p>
        </form>
    }
}
