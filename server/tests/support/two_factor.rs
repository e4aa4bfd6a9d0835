//! Steps of two-factor authentication as a browser would take them, and the app's
//! codes as the portal's clock reads them.

use portal_core::db::entities::{recovery_code, two_factor, user};
use portal_core::totp::TotpSecret;
use reqwest::StatusCode;
use sea_orm::EntityTrait as _;

use super::{PASSWORD, TestApp, session_cookie};

impl TestApp {
    pub async fn confirm_password(&self, session: &str) -> reqwest::Response {
        self.post("/api/confirm_password", &[("password", PASSWORD)], Some(session)).await
    }

    /// "Sync Authenticator": the secret, read back from the setup key the page shows.
    pub async fn begin_totp_setup(&self, session: &str) -> TotpSecret {
        let response = self.post("/api/begin_totp_setup", &[], Some(session)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let setup: app::functions::two_factor::TotpSetupView = super::answer(response).await;
        assert!(setup.qr_code.starts_with("data:image/svg+xml;base64,"), "a QR code: {setup:?}");
        TotpSecret::from_base32(&setup.setup_key).expect("the setup key is base32")
    }

    pub async fn confirm_totp_setup(&self, session: &str, code: &str) -> reqwest::Response {
        self.post("/api/confirm_totp_setup", &[("code", code)], Some(session)).await
    }

    /// Registers `email` and turns the authenticator app on; returns the session and
    /// the secret.
    pub async fn register_with_totp(&self, email: &str) -> (String, TotpSecret) {
        let session = self.register(email).await;
        assert_eq!(self.confirm_password(&session).await.status(), StatusCode::OK);
        let secret = self.begin_totp_setup(&session).await;
        let response = self.confirm_totp_setup(&session, &self.code_now(&secret)).await;
        assert_eq!(response.status(), StatusCode::OK, "enable: {}", response.text().await.unwrap());
        (session, secret)
    }

    /// Registers `email` and turns the authenticator app on; returns the session, the
    /// secret and the recovery codes the last step showed.
    pub async fn register_with_recovery_codes(&self, email: &str) -> (String, TotpSecret, Vec<String>) {
        let session = self.register(email).await;
        assert_eq!(self.confirm_password(&session).await.status(), StatusCode::OK);
        let secret = self.begin_totp_setup(&session).await;
        let response = self.confirm_totp_setup(&session, &self.code_now(&secret)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let codes = recovery_codes_in(&response.text().await.unwrap());
        (session, secret, codes)
    }

    /// The digests stored for the account's unspent recovery codes.
    pub async fn stored_recovery_digests(&self, email: &str) -> Vec<String> {
        use sea_orm::{ColumnTrait as _, QueryFilter as _};
        let id = self.account_id(email).await;
        let rows = recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(id))
            .all(&self.portal.db)
            .await
            .unwrap();
        rows.into_iter().map(|row| row.digest).collect()
    }

    /// The account's recent security activity, in the customer's words, newest first.
    pub async fn security_activity_of(&self, email: &str) -> Vec<String> {
        let id = self.account_id(email).await;
        let events = self.portal.events.recent(id).await.unwrap();
        events.iter().map(|event| event.in_words()).collect()
    }

    /// "Use a recovery code" in the half-way session `awaiting`.
    pub async fn sign_in_with_recovery_code(&self, awaiting: &str, code: &str) -> reqwest::Response {
        self.post("/api/sign_in_with_recovery_code", &[("recovery_code", code)], Some(awaiting)).await
    }

    /// The password step of sign-in for an account with 2FA on: the half-way cookie.
    pub async fn sign_in_awaiting_code(&self, email: &str) -> String {
        let response = self.sign_in(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/login/code?next="));
        session_cookie(response.headers()).expect("a half-way session")
    }

    /// The stored method (`totp`, `sms`) of the account with this email, if 2FA is on.
    pub async fn two_factor_method(&self, email: &str) -> Option<String> {
        let rows = two_factor::Entity::find().all(&self.portal.db).await.unwrap();
        let users = user::Entity::find().all(&self.portal.db).await.unwrap();
        let user = users.iter().find(|user| user.email == email)?;
        rows.into_iter().find(|row| row.user_id == user.id).map(|row| row.method)
    }

    pub async fn verify_sign_in_code(&self, awaiting: &str, code: &str) -> reqwest::Response {
        self.post("/api/verify_sign_in_code", &[("code", code)], Some(awaiting)).await
    }

    /// The app's code at the portal's time.
    pub fn code_now(&self, secret: &TotpSecret) -> String {
        secret.code_at(self.now())
    }

    /// The code of the step after the portal's: accepted (one step of skew), and
    /// later than the step turning the app on used. A code the account already
    /// used comes again until the clock moves on ([`next_step`](Self::next_step)).
    pub fn next_code(&self, secret: &TotpSecret) -> String {
        let step = i64::try_from(portal_core::totp::STEP_SECONDS).unwrap();
        secret.code_at(self.now() + step)
    }

    /// Moves the portal's clock on by one 30-second step, as an app shows a new code.
    pub fn next_step(&self) {
        self.wait(std::time::Duration::from_secs(portal_core::totp::STEP_SECONDS));
    }
}

/// The codes of a `RecoveryCodesView` answer.
pub fn recovery_codes_in(body: &str) -> Vec<String> {
    let view: app::functions::two_factor::RecoveryCodesView =
        serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: no codes in {body}"));
    view.codes
}
