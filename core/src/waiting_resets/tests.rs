//! The waiting reset, on the core's services: it changes nothing until due, the
//! customer is told with a link that cancels it once, a sign-in with the second
//! factor cancels it, and once due it is performed once.

use std::time::Duration;

use super::{Asked, CancelToken, WaitingReset};
use crate::CoreError;
use crate::password::Password;
use crate::requester::Requester;
use crate::sessions::SignedIn;
use crate::testing::{PASSWORD, Scene};
use crate::totp::TotpSecret;
use crate::vocabulary::RequestedBy;

const EMAIL: &str = "ana@example.com";
const WAIT: Duration = Duration::from_secs(72 * 60 * 60);

/// Ana, signed in, with the authenticator app on; the app.
async fn with_the_app(scene: &Scene) -> (SignedIn, TotpSecret) {
    let (portal, requester) = (&scene.portal, Requester::default());
    let ana = scene.signed_in(EMAIL).await;
    let setup = portal.two_factor.begin_totp_setup(&ana).await.unwrap();
    let app = TotpSecret::from_base32(&setup.setup_key).unwrap();
    portal.two_factor.confirm_totp_setup(&ana, &app.code_at(scene.clock.now()), &requester).await.unwrap();
    (ana, app)
}

async fn ask(scene: &Scene, ana: &SignedIn, by: RequestedBy) -> Result<Asked, CoreError> {
    scene.portal.waiting_resets.schedule(&ana.account, (by, "lost phone"), &Requester::default()).await
}

/// The token of the newest cancel link emailed to Ana.
async fn cancel_link(scene: &Scene) -> CancelToken {
    let link = scene.reset_links(EMAIL).await.pop().expect("a cancel link");
    CancelToken::parse(link.rsplit_once("token=").unwrap().1).unwrap()
}

/// Ana's account as it is now (its security stamp moves with each change).
async fn account_now(scene: &Scene, ana: &SignedIn) -> crate::vocabulary::Account {
    use sea_orm::EntityTrait as _;
    let row = crate::db::entities::user::Entity::find_by_id(ana.account.id).one(&scene.portal.db).await.unwrap();
    row.unwrap().into()
}

/// A session of Ana's started now, under the account's security stamp as it is.
async fn signed_in_now(scene: &Scene, ana: &SignedIn) -> crate::sessions::SessionToken {
    scene.portal.sessions.start(&account_now(scene, ana).await).await.unwrap()
}

async fn has_two_factor(scene: &Scene, ana: &SignedIn) -> bool {
    scene.portal.two_factor.method(ana.account.id).await.unwrap().is_some()
}

#[tokio::test]
async fn a_reset_changes_nothing_until_due_then_is_done_once() {
    let scene = Scene::new().await;
    let (ana, _) = with_the_app(&scene).await;
    let asked = ask(&scene, &ana, RequestedBy::Support { agent: "Aisha".into() }).await.unwrap();
    let due_at = scene.clock.now() + WAIT.as_secs() as i64;
    let waiting = WaitingReset {
        requested_by: RequestedBy::Support { agent: "Aisha".into() },
        requested_at: scene.clock.now(),
        due_at,
    };
    assert_eq!(asked, Asked::Scheduled(waiting.clone()));
    assert_eq!(scene.portal.waiting_resets.waiting(ana.account.id).await.unwrap(), Some(waiting.clone()));
    let again = ask(&scene, &ana, RequestedBy::Customer).await.unwrap();
    assert_eq!(again, Asked::AlreadyWaiting(waiting), "the first keeps its time and its link");
    assert_eq!(scene.reset_links(EMAIL).await.len(), 1, "one link");

    let resets = &scene.portal.waiting_resets;
    scene.clock.advance(WAIT - Duration::from_secs(1));
    let session = signed_in_now(&scene, &ana).await;
    assert_eq!(scene.portal.two_factor.complete_waiting_resets(resets).await.unwrap(), 0, "not yet");
    assert!(has_two_factor(&scene, &ana).await);
    assert!(scene.portal.sessions.resolve(&session).await.unwrap().is_some());

    scene.clock.advance(Duration::from_secs(1));
    let untold = scene.portal.two_factor.complete_waiting_resets(resets).await.unwrap();
    assert_eq!(untold, 0, "the email that tells the customer has not gone out yet");
    assert!(has_two_factor(&scene, &ana).await);
    scene.portal.outbox.deliver_due().await.unwrap();
    let racing = [
        scene.portal.two_factor.complete_waiting_resets(resets),
        scene.portal.two_factor.complete_waiting_resets(resets),
    ];
    let performed: u64 = futures::future::join_all(racing).await.into_iter().map(Result::unwrap).sum();
    assert_eq!(performed, 1, "done once, however many ask");
    assert!(!has_two_factor(&scene, &ana).await);
    assert!(scene.portal.sessions.resolve(&session).await.unwrap().is_none(), "every session ended");
    assert_eq!(resets.waiting(ana.account.id).await.unwrap(), None);
    let activity = scene.activity(ana.account.id).await;
    assert!(activity[0].starts_with("Two-factor authentication reset"), "{activity:?}");
    assert!(activity.iter().any(|line| line.starts_with("Reset of two-factor authentication asked for")));
    let emails = scene.emails(EMAIL).await;
    assert_eq!(emails.last().map(String::as_str), Some("Customer Portal: Two-factor authentication was turned off"));
}

#[tokio::test]
async fn the_cancel_link_works_once_and_the_reset_never_happens() {
    let scene = Scene::new().await;
    let (ana, _) = with_the_app(&scene).await;
    ask(&scene, &ana, RequestedBy::Customer).await.unwrap();
    let token = cancel_link(&scene).await;
    let resets = &scene.portal.waiting_resets;
    assert!(resets.cancel_with_link(&token, &Requester::default()).await.unwrap());
    assert!(!resets.cancel_with_link(&token, &Requester::default()).await.unwrap(), "once");

    scene.clock.advance(WAIT);
    let session = signed_in_now(&scene, &ana).await;
    assert_eq!(scene.portal.two_factor.complete_waiting_resets(resets).await.unwrap(), 0);
    assert!(has_two_factor(&scene, &ana).await);
    assert!(scene.portal.sessions.resolve(&session).await.unwrap().is_some());
    let activity = scene.activity(ana.account.id).await;
    assert_eq!(activity[0], "Waiting reset of two-factor authentication cancelled");
    let forged = CancelToken::parse(&crate::random_token::generate().unwrap()).unwrap();
    assert!(!resets.cancel_with_link(&forged, &Requester::default()).await.unwrap());
}

#[tokio::test]
async fn signing_in_with_the_second_factor_cancels_it() {
    let scene = Scene::new().await;
    let (ana, app) = with_the_app(&scene).await;
    ask(&scene, &ana, RequestedBy::Customer).await.unwrap();

    let (portal, requester) = (&scene.portal, Requester::default());
    let account = portal.accounts.authenticate(EMAIL, Password::new(PASSWORD.into()), &requester).await.unwrap();
    let token = portal.sessions.start_awaiting_code(&account, &requester).await.unwrap();
    scene.clock.advance(Duration::from_secs(30));
    let pending = SignedIn { token, account };
    portal.two_factor.verify_sign_in_code(&pending, &app.code_at(scene.clock.now()), &requester).await.unwrap();

    assert_eq!(portal.waiting_resets.waiting(ana.account.id).await.unwrap(), None);
    scene.clock.advance(WAIT);
    assert_eq!(portal.two_factor.complete_waiting_resets(&portal.waiting_resets).await.unwrap(), 0);
    assert!(has_two_factor(&scene, &ana).await);
}

#[tokio::test]
async fn without_two_factor_there_is_nothing_to_reset() {
    let scene = Scene::new().await;
    let ana = scene.signed_in(EMAIL).await;
    assert!(matches!(ask(&scene, &ana, RequestedBy::Customer).await, Err(CoreError::TwoFactorOff)));
    assert_eq!(scene.portal.waiting_resets.waiting(ana.account.id).await.unwrap(), None);
}

#[tokio::test]
async fn a_new_factor_set_up_while_a_reset_waits_cancels_it() {
    let scene = Scene::new().await;
    let (ana, _) = with_the_app(&scene).await;
    ask(&scene, &ana, RequestedBy::Customer).await.unwrap();
    let (portal, requester) = (&scene.portal, Requester::default());
    let ana = SignedIn { token: ana.token.clone(), account: account_now(&scene, &ana).await };
    let phone = crate::phone::PhoneNumber::parse("+60123456788").unwrap();
    portal.two_factor.begin_sms_setup(&ana, &phone).await.unwrap();
    let texted = scene.texts("+60123456788").await.pop().expect("a setup code");
    let code: String = texted.chars().take_while(char::is_ascii_digit).collect();
    portal.two_factor.confirm_sms_setup(&ana, &code, &requester).await.unwrap();
    assert_eq!(portal.waiting_resets.waiting(ana.account.id).await.unwrap(), None);
    assert!(scene.activity(ana.account.id).await.iter().any(|line| line.starts_with("Waiting reset")));
}

#[tokio::test]
async fn a_row_this_server_cannot_read_is_never_performed() {
    use sea_orm::ConnectionTrait as _;

    let scene = Scene::new().await;
    let (ana, _) = with_the_app(&scene).await;
    ask(&scene, &ana, RequestedBy::Customer).await.unwrap();
    scene.portal.outbox.deliver_due().await.unwrap();
    scene.portal.db.execute_unprepared("UPDATE waiting_resets SET requested_by = 'admin'").await.unwrap();
    scene.clock.advance(WAIT);
    assert_eq!(scene.portal.two_factor.complete_waiting_resets(&scene.portal.waiting_resets).await.unwrap(), 0);
    assert!(has_two_factor(&scene, &ana).await);
    assert!(matches!(
        scene.portal.waiting_resets.waiting(ana.account.id).await,
        Err(CoreError::WaitingResetUnreadable { .. })
    ));
}
