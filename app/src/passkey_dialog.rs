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

/// Which dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ceremony {
    /// Creates a passkey, from webauthn-rs' `CreationChallengeResponse`.
    Create,
    /// Uses one, from webauthn-rs' `RequestChallengeResponse`.
    Get,
}

/// Opens the `ceremony`'s dialog with `options` (as JSON); answers with the new
/// credential, or the signed assertion, as JSON.
pub async fn open(options: &str, ceremony: Ceremony) -> Result<String, DialogError> {
    #[cfg(feature = "hydrate")]
    {
        browser::open(options, ceremony).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (options, ceremony);
        Err(DialogError::Unsupported)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, JSON, Object, Reflect};
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::{Ceremony, DialogError};

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
        if credential.is_null() || credential.is_undefined() {
            return Err(DialogError::Cancelled);
        }
        JSON::stringify(&answer_json(&credential)).map(String::from).map_err(refusal)
    }

    /// The credential as its `toJSON()` writes it; built the same way by hand
    /// when it has none that works (the passkeys of some password managers).
    fn answer_json(credential: &JsValue) -> JsValue {
        let to_json = get(credential, "toJSON").and_then(|to_json| to_json.dyn_into::<Function>().ok());
        if let Some(json) = to_json.and_then(|to_json| to_json.call0(credential).ok()) {
            return json;
        }
        let response = get(credential, "response").unwrap_or(JsValue::UNDEFINED);
        let fields = Object::new();
        for name in ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"] {
            if let Some(encoded) = get(&response, name).and_then(|bytes| base64url(&bytes)) {
                set(&fields, name, &encoded);
            }
        }
        if let Some(transports) = call(&response, "getTransports") {
            set(&fields, "transports", &transports);
        }
        let answer = Object::new();
        set(&answer, "id", &get(credential, "id").unwrap_or(JsValue::UNDEFINED));
        if let Some(raw_id) = get(credential, "rawId").and_then(|bytes| base64url(&bytes)) {
            set(&answer, "rawId", &raw_id);
        }
        set(&answer, "type", &"public-key".into());
        set(&answer, "response", &fields);
        let extensions = call(credential, "getClientExtensionResults").unwrap_or_else(|| Object::new().into());
        set(&answer, "clientExtensionResults", &extensions);
        answer.into()
    }

    /// An `ArrayBuffer` as base64url, as `toJSON()` writes bytes.
    fn base64url(bytes: &JsValue) -> Option<JsValue> {
        use base64::Engine as _;
        let buffer = bytes.dyn_ref::<js_sys::ArrayBuffer>()?;
        let bytes = js_sys::Uint8Array::new(buffer).to_vec();
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes).into())
    }

    fn call(target: &JsValue, method: &str) -> Option<JsValue> {
        let method: Function = get(target, method)?.dyn_into().ok()?;
        method.call0(target).ok()
    }

    fn set(target: &Object, name: &str, value: &JsValue) {
        let _ = Reflect::set(target, &name.into(), value);
    }

    fn get(target: &JsValue, name: &str) -> Option<JsValue> {
        Reflect::get(target, &name.into()).ok()
    }

    /// What the browser's exception means for the customer: closing the dialog,
    /// or letting it time out, is the customer's choice; anything else (a
    /// `TypeError` included) is the browser's.
    fn refusal(error: JsValue) -> DialogError {
        match error.dyn_ref::<web_sys::DomException>().map(web_sys::DomException::name).as_deref() {
            Some("NotAllowedError" | "AbortError") => DialogError::Cancelled,
            Some("InvalidStateError") => DialogError::AlreadyAdded,
            _ => DialogError::Unsupported,
        }
    }
}
