//! The browser's passkey dialogs (`navigator.credentials`), which only the WASM
//! client can open. The options come from the server as the JSON webauthn-rs
//! writes, which the browser reads itself (`PublicKeyCredential.parse…FromJSON`),
//! and the answer goes back as the JSON the browser writes (`toJSON()`), which
//! webauthn-rs reads on the server: no WebAuthn types, and no bytes of
//! WebAuthn's, are handled in the WASM, which keeps it small for a phone.

/// Why the dialog gave no passkey, as the customer reads it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    #[error("The passkey dialog was closed or timed out. Try again when you are ready.")]
    Cancelled,
    #[error("This passkey or security key is already on your account.")]
    AlreadyAdded,
    #[error("This browser cannot use passkeys here. Use another method, or another browser.")]
    Unsupported,
}

/// Opens the dialog that creates a passkey with `options` (webauthn-rs'
/// `CreationChallengeResponse` as JSON); answers with the new credential as JSON.
pub async fn create(options: &str) -> Result<String, DialogError> {
    #[cfg(feature = "hydrate")]
    {
        browser::open(options, browser::Ceremony::Create).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(DialogError::Unsupported)
    }
}

/// Opens the dialog that uses a passkey with `options` (webauthn-rs'
/// `RequestChallengeResponse` as JSON); answers with the signed assertion as JSON.
pub async fn get(options: &str) -> Result<String, DialogError> {
    #[cfg(feature = "hydrate")]
    {
        browser::open(options, browser::Ceremony::Get).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(DialogError::Unsupported)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, JSON, Object, Reflect};
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::DialogError;

    #[derive(Clone, Copy)]
    pub enum Ceremony {
        Create,
        Get,
    }

    pub async fn open(options: &str, ceremony: Ceremony) -> Result<String, DialogError> {
        let window = web_sys::window().ok_or(DialogError::Unsupported)?;
        let class = get(&window, "PublicKeyCredential").filter(|class| !class.is_undefined());
        let class = class.ok_or(DialogError::Unsupported)?;
        let parser = match ceremony {
            Ceremony::Create => "parseCreationOptionsFromJSON",
            Ceremony::Get => "parseRequestOptionsFromJSON",
        };
        let parse: Function =
            get(&class, parser).and_then(|parse| parse.dyn_into().ok()).ok_or(DialogError::Unsupported)?;
        let public_key = JSON::parse(options).ok().and_then(|options| get(&options, "publicKey"));
        let public_key = parse.call1(&class, &public_key.ok_or(DialogError::Unsupported)?).map_err(refusal)?;
        let request = Object::new();
        Reflect::set(&request, &"publicKey".into(), &public_key).map_err(refusal)?;
        let credentials = window.navigator().credentials();
        let promise = match ceremony {
            Ceremony::Create => credentials.create_with_options(request.unchecked_ref()),
            Ceremony::Get => credentials.get_with_options(request.unchecked_ref()),
        };
        let credential = JsFuture::from(promise.map_err(refusal)?).await.map_err(refusal)?;
        let to_json: Function =
            get(&credential, "toJSON").and_then(|to_json| to_json.dyn_into().ok()).ok_or(DialogError::Cancelled)?;
        let answer = to_json.call0(&credential).map_err(refusal)?;
        JSON::stringify(&answer).map(String::from).map_err(refusal)
    }

    fn get(target: &JsValue, name: &str) -> Option<JsValue> {
        Reflect::get(target, &name.into()).ok()
    }

    /// What the browser's exception means for the customer.
    fn refusal(error: JsValue) -> DialogError {
        match error.dyn_ref::<web_sys::DomException>().map(web_sys::DomException::name).as_deref() {
            Some("InvalidStateError") => DialogError::AlreadyAdded,
            Some("NotSupportedError" | "SecurityError") => DialogError::Unsupported,
            _ => DialogError::Cancelled,
        }
    }
}
