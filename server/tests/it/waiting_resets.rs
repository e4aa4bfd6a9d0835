//! A reset of two-factor authentication that waits, on SQLite and PostgreSQL: the
//! customer is told by email with a link that cancels it once, without signing
//! in; a reset nobody cancels turns two-factor authentication off when due, once.

use crate::support;

use std::time::Duration;

use app::error::AppError;
use portal_core::requester::Requester;
use portal_core::vocabulary::RequestedBy;
use portal_core::waiting_resets::Asked;
use reqwest::StatusCode;
use support::{PASSWORD, TestApp, refusal};

on_each_database!(
    the_emailed_link_cancels_the_reset_once_without_signing_in,
    a_reset_nobody_cancels_turns_two_factor_off_when_due,
    the_signed_in_customer_sees_the_reset_and_cancels_it,
    turning_two_factor_off_leaves_no_reset_waiting,
);

const EMAIL: &str = "ana@example.com";
const WAIT: Duration = Duration::from_secs(72 * 60 * 60);
/// Words of the email that tells the customer a reset waits.
const TOLD: &str = "To cancel it now, open this link";

impl TestApp {
    /// Support asks for a reset of the account with `email`.
    async fn reset_asked_by_support(&self, email: &str) {
        use portal_core::db::entities::user;
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
        let row = user::Entity::find().filter(user::Column::Email.eq(email)).one(&self.portal.db).await.unwrap();
        let support = RequestedBy::Support { agent: "Aisha".into() };
        let asked = self
            .portal
            .waiting_resets
            .schedule(&row.unwrap().into(), (support, "lost phone"), &Requester::default())
            .await;
        assert!(matches!(asked, Ok(Asked::Scheduled(_))), "{asked:?}");
    }

    /// The cancel link in the email that told the customer, as a path on this site.
    async fn cancel_link(&self) -> String {
        for _ in 0..200 {
            let told = self.smtp.received().into_iter().map(|message| message.text()).find(|text| text.contains(TOLD));
            if let Some(text) = told {
                let start = text.find("http://").expect("a link");
                let link: String = text[start..].chars().take_while(|c| !c.is_whitespace() && *c != '<').collect();
                return link.strip_prefix(&self.url("")).expect("a link to this site").to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no email about the reset: {:?}", self.smtp.received());
    }

    /// Waits until every email to `email` has gone out: a reset waits for its notice.
    async fn told(&self, email: &str) {
        let waiting = || async { self.portal.outbox.waiting_for(email).await.unwrap() };
        assert_eq!(support::eventually(Duration::from_secs(15), waiting, |count| *count == 0).await, 0);
    }

    async fn complete_due_resets(&self) -> u64 {
        self.portal.two_factor.complete_waiting_resets(&self.portal.waiting_resets).await.unwrap()
    }
}

async fn the_emailed_link_cancels_the_reset_once_without_signing_in(app: TestApp) {
    app.register_with_totp(EMAIL).await;
    app.reset_asked_by_support(EMAIL).await;
    let link = app.cancel_link().await;
    assert!(link.starts_with("/cancel-reset?token="), "{link}");

    let page = app.get(&link, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Cancel this reset"));
    let token = link.rsplit_once("token=").unwrap().1.to_owned();
    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("totp"), "opening the page changes nothing");

    let cancelled = app.post("/api/cancel_waiting_reset", &[("token", &token)], None).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let again = app.post("/api/cancel_waiting_reset", &[("token", &token)], None).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(refusal(again).await, AppError::CancelLinkInvalid);
    let forged = app.post("/api/cancel_waiting_reset", &[("token", "not-a-token")], None).await;
    assert_eq!(forged.status(), StatusCode::GONE);

    app.wait(WAIT);
    assert_eq!(app.complete_due_resets().await, 0);
    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("totp"), "cancelled: it stays on");
}

async fn a_reset_nobody_cancels_turns_two_factor_off_when_due(app: TestApp) {
    app.register_with_totp(EMAIL).await;
    app.reset_asked_by_support(EMAIL).await;
    app.told(EMAIL).await;
    app.wait(WAIT);
    let (first, second) = tokio::join!(app.complete_due_resets(), app.complete_due_resets());
    assert_eq!(first + second, 1, "once");
    assert_eq!(app.two_factor_method(EMAIL).await, None);
    let signed_in = app.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(!signed_in.headers()["location"].to_str().unwrap().starts_with("/login/code"), "no code step any more");
}

async fn the_signed_in_customer_sees_the_reset_and_cancels_it(app: TestApp) {
    use app::functions::waiting_reset::WaitingResetView;

    let (session, _) = app.register_with_totp(EMAIL).await;
    let none: Option<WaitingResetView> =
        support::answer(app.post("/api/waiting_reset", &[], Some(&session)).await).await;
    assert_eq!(none, None);
    app.reset_asked_by_support(EMAIL).await;
    let shown: Option<WaitingResetView> =
        support::answer(app.post("/api/waiting_reset", &[], Some(&session)).await).await;
    let shown = shown.expect("the reset that waits");
    assert_eq!(shown.asked_by, "our support team (Aisha)");
    assert!(shown.due.ends_with(" UTC"), "{}", shown.due);

    let stranger = app.post("/api/cancel_my_waiting_reset", &[("password", PASSWORD)], None).await;
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED, "only a signed-in session cancels here");
    let cookie_alone = app.post("/api/cancel_my_waiting_reset", &[("password", "not the password")], Some(&session));
    assert_eq!(cookie_alone.await.status(), StatusCode::UNAUTHORIZED, "and only with the password");
    assert!(app.portal.waiting_resets.waiting(app.account_id(EMAIL).await).await.unwrap().is_some());
    let cancelled = app.post("/api/cancel_my_waiting_reset", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(app.portal.waiting_resets.waiting(app.account_id(EMAIL).await).await.unwrap(), None);
    let activity = app.security_activity_of(EMAIL).await;
    assert_eq!(activity[0], "Waiting reset of two-factor authentication cancelled");
}

async fn turning_two_factor_off_leaves_no_reset_waiting(app: TestApp) {
    let (session, _) = app.register_with_totp(EMAIL).await;
    app.reset_asked_by_support(EMAIL).await;
    let off = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(app.portal.waiting_resets.waiting(app.account_id(EMAIL).await).await.unwrap(), None);
}
