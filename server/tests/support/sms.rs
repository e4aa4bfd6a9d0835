//! SMS two-factor steps as a browser would take them.

use super::{PASSWORD, TestApp};
use reqwest::StatusCode;

pub const PHONE: &str = "+60123456788";

impl TestApp {
    pub async fn begin_sms_setup(&self, session: &str, phone: &str) -> reqwest::Response {
        self.post("/api/begin_sms_setup", &[("phone", phone)], Some(session)).await
    }

    pub async fn confirm_sms_setup(&self, session: &str, code: &str) -> reqwest::Response {
        self.post("/api/confirm_sms_setup", &[("code", code)], Some(session)).await
    }

    pub async fn resend_sign_in_code(&self, awaiting: &str) -> reqwest::Response {
        self.post("/api/resend_sign_in_code", &[], Some(awaiting)).await
    }

    /// Turns SMS on for a signed-in account, through the wizard's steps.
    pub async fn turn_on_sms(&self, session: &str, phone: &str) {
        let confirmed = self.post("/api/confirm_password", &[("password", PASSWORD)], Some(session)).await;
        assert_eq!(confirmed.status(), StatusCode::OK);
        let sent = self.begin_sms_setup(session, phone).await;
        assert_eq!(sent.status(), StatusCode::OK, "send: {}", sent.text().await.unwrap());
        let code = self.twilio.next_code(phone).await;
        let enabled = self.confirm_sms_setup(session, &code).await;
        assert_eq!(enabled.status(), StatusCode::OK, "enable: {}", enabled.text().await.unwrap());
    }

    /// How many text messages to `phone` the portal has stored to send. A text is
    /// stored in the transaction of the request that sends it, so once the answer
    /// is in, this says whether it sent one: no waiting for one not to arrive.
    pub async fn texts_stored_to(&self, phone: &str) -> usize {
        use portal_core::db::entities::outbox_message::{Column, Entity};
        use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
        let stored = Entity::find().filter(Column::Channel.eq("sms")).filter(Column::Recipient.eq(phone));
        usize::try_from(stored.count(&self.portal.db).await.unwrap()).unwrap()
    }

    /// Registers `email` with SMS on at [`PHONE`]; returns the session.
    pub async fn register_with_sms(&self, email: &str) -> String {
        let session = self.register(email).await;
        self.turn_on_sms(&session, PHONE).await;
        session
    }
}
