//! The browser's passkey dialogs (`navigator.credentials`), which only the WASM
//! client can open: the options come from the server as webauthn-rs gave them,
//! and the answer goes back as the JSON webauthn-rs reads. webauthn-rs-proto
//! converts both ways; nothing here reads WebAuthn's bytes.

use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

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

/// Opens the dialog that creates a passkey; answers with its JSON.
pub async fn create(options: CreationChallengeResponse) -> Result<String, DialogError> {
    #[cfg(feature = "hydrate")]
    {
        browser::create(options).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(DialogError::Unsupported)
    }
}

/// Opens the dialog that uses a passkey; answers with its JSON.
pub async fn get(options: RequestChallengeResponse) -> Result<String, DialogError> {
    #[cfg(feature = "hydrate")]
    {
        browser::get(options).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(DialogError::Unsupported)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use webauthn_rs_proto::{
        CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse,
    };

    use super::DialogError;

    pub async fn create(options: CreationChallengeResponse) -> Result<String, DialogError> {
        let promise = credentials()?.create_with_options(&options.into()).map_err(refusal)?;
        let credential = answered(promise).await?;
        serde_json::to_string(&RegisterPublicKeyCredential::from(credential)).map_err(|_| DialogError::Unsupported)
    }

    pub async fn get(options: RequestChallengeResponse) -> Result<String, DialogError> {
        let promise = credentials()?.get_with_options(&options.into()).map_err(refusal)?;
        let credential = answered(promise).await?;
        serde_json::to_string(&PublicKeyCredential::from(credential)).map_err(|_| DialogError::Unsupported)
    }

    fn credentials() -> Result<web_sys::CredentialsContainer, DialogError> {
        let window = web_sys::window().ok_or(DialogError::Unsupported)?;
        let supported = js_sys::Reflect::has(&window, &"PublicKeyCredential".into()).unwrap_or(false);
        if !supported {
            return Err(DialogError::Unsupported);
        }
        Ok(window.navigator().credentials())
    }

    async fn answered(promise: js_sys::Promise) -> Result<web_sys::PublicKeyCredential, DialogError> {
        let answer = JsFuture::from(promise).await.map_err(refusal)?;
        answer.dyn_into().map_err(|_| DialogError::Cancelled)
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
