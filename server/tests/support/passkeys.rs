//! Passkeys as a browser with an authenticator would use them, through
//! webauthn-authenticator-rs' software passkey: it signs for the origin it is
//! given, which is the portal's passkey origin (`http://localhost:<port>`, since
//! browsers refuse passkeys on an IP address).

use reqwest::StatusCode;
use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs_proto::{
    AllowCredentials, CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

use super::browser::Browser;
use super::{PASSWORD, TestApp};

/// An authenticator, with what a browser would remember of the one passkey it
/// created last (the soft passkey keeps no discoverable credentials itself).
pub struct Device {
    authenticator: WebauthnAuthenticator<SoftPasskey>,
    credential: Option<(Vec<u8>, Vec<u8>)>,
}

impl Device {
    pub fn new() -> Self {
        // `true`: it says it verified the user, as a fingerprint or a PIN would.
        Self { authenticator: WebauthnAuthenticator::new(SoftPasskey::new(true)), credential: None }
    }

    pub fn create(&mut self, origin: &Url, options: CreationChallengeResponse) -> RegisterPublicKeyCredential {
        let handle = options.public_key.user.id.to_vec();
        let created = self.authenticator.do_registration(origin.clone(), options).expect("the soft passkey registers");
        self.credential = Some((created.raw_id.to_vec(), handle));
        created
    }

    pub fn sign(&mut self, origin: &Url, options: RequestChallengeResponse) -> PublicKeyCredential {
        self.authenticator.do_authentication(origin.clone(), options).expect("the soft passkey signs")
    }

    /// What a browser answers to a passwordless challenge with the passkey this
    /// device created: told which credential to use, with its user handle added.
    pub fn sign_discoverable(&mut self, origin: &Url, mut options: RequestChallengeResponse) -> PublicKeyCredential {
        let (id, handle) = self.credential.clone().expect("a passkey was created");
        options.public_key.allow_credentials =
            vec![AllowCredentials { type_: "public-key".into(), id: id.into(), transports: None }];
        let mut answer = self.sign(origin, options);
        answer.response.user_handle = Some(handle.into());
        answer
    }
}

impl TestApp {
    /// The origin browsers show for this portal's passkeys.
    pub fn passkey_origin(&self) -> Url {
        self.config.portal.passkeys.origin.clone()
    }

    /// The password (which starts the ceremony), then a passkey from `device` named
    /// `name`: the account's method (`beside` false, the wizard) or beside it. The
    /// last step's answer.
    pub async fn add_passkey(
        &self,
        session: &str,
        device: &mut Device,
        name: &str,
        passwordless: bool,
        beside: bool,
    ) -> reqwest::Response {
        let options = self.begin_passkey_setup(session).await;
        let answer = device.create(&self.passkey_origin(), options);
        self.finish_passkey_setup(session, name, passwordless, beside, &serde_json::to_string(&answer).unwrap()).await
    }

    /// The dialog's options, asked for with the password, as the page does.
    pub async fn begin_passkey_setup(&self, session: &str) -> CreationChallengeResponse {
        let response = self.post("/api/begin_passkey_setup", &[("password", PASSWORD)], Some(session)).await;
        assert_eq!(response.status(), StatusCode::OK, "begin: {}", response.text().await.unwrap());
        dialog_options(response).await
    }

    pub async fn finish_passkey_setup(
        &self,
        session: &str,
        name: &str,
        passwordless: bool,
        beside: bool,
        credential: &str,
    ) -> reqwest::Response {
        let form = [
            ("name", name),
            ("passwordless", if passwordless { "true" } else { "false" }),
            ("beside", if beside { "true" } else { "false" }),
            ("credential", credential),
        ];
        self.post("/api/finish_passkey_setup", &form, Some(session)).await
    }

    /// Registers `email` and turns 2FA on with a passkey from `device`; returns the session.
    pub async fn register_with_passkey(&self, email: &str, device: &mut Device, passwordless: bool) -> String {
        let session = self.register(email).await;
        let response = self.add_passkey(&session, device, "MacBook Touch ID", passwordless, false).await;
        assert_eq!(response.status(), StatusCode::OK, "add: {}", response.text().await.unwrap());
        session
    }

    /// "Use your passkey" in the half-way session `awaiting`: the options.
    pub async fn begin_passkey_sign_in(&self, awaiting: &str) -> RequestChallengeResponse {
        let response = self.post("/api/begin_passkey_sign_in", &[], Some(awaiting)).await;
        assert_eq!(response.status(), StatusCode::OK, "begin: {}", response.text().await.unwrap());
        dialog_options(response).await
    }

    pub async fn finish_passkey_sign_in(&self, awaiting: &str, credential: &str) -> reqwest::Response {
        self.post("/api/finish_passkey_sign_in", &[("credential", credential)], Some(awaiting)).await
    }

    /// The whole second step with a passkey from `device`.
    pub async fn sign_in_with_passkey(&self, awaiting: &str, device: &mut Device) -> reqwest::Response {
        let options = self.begin_passkey_sign_in(awaiting).await;
        let answer = device.sign(&self.passkey_origin(), options);
        self.finish_passkey_sign_in(awaiting, &serde_json::to_string(&answer).unwrap()).await
    }

    /// "Sign in with a passkey" in `browser`, with no email and no password.
    pub async fn sign_in_passwordless(&self, browser: &Browser, device: &mut Device) -> reqwest::Response {
        let response = self.post_in(browser, "/api/begin_passwordless_sign_in", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let options = dialog_options(response).await;
        let answer = device.sign_discoverable(&self.passkey_origin(), options);
        let credential = serde_json::to_string(&answer).unwrap();
        self.post_in(browser, "/api/finish_passwordless_sign_in", &[("credential", &credential)]).await
    }

    /// The ids of the account's passkeys, as the list gives them.
    pub async fn passkey_ids(&self, session: &str) -> Vec<i64> {
        let response = self.post("/api/passkeys_list", &[], Some(session)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let listed: Vec<app::functions::passkeys::PasskeyView> = super::answer(response).await;
        listed.iter().map(|passkey| i64::from(passkey.id)).collect()
    }

    pub async fn remove_passkey(&self, session: &str, id: i64, turn_off: bool) -> reqwest::Response {
        let id = id.to_string();
        let mut form = vec![("id", id.as_str()), ("password", PASSWORD)];
        if turn_off {
            form.push(("turn_off", "yes"));
        }
        self.post("/api/remove_passkey", &form, Some(session)).await
    }
}

/// The options a `begin_…` server function answers with: webauthn-rs' JSON, as
/// the browser's `parse…FromJSON` reads it, in a JSON string.
pub async fn dialog_options<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    let text: String = serde_json::from_str(&response.text().await.unwrap()).expect("a JSON string");
    serde_json::from_str(&text).expect("webauthn-rs' options")
}
