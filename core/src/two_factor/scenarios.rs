//! Two-factor authentication's whole life for one account, driven through the core
//! as the server functions drive it, with the clock moved by the test: the
//! authenticator app turned on, used, replayed and replaced by SMS; recovery
//! codes; SMS codes that expire; and turning it off.

use std::time::Duration;

use crate::CoreError;
use crate::password::Password;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::sessions::{SessionToken, SignedIn};
use crate::testing::{PASSWORD, Scene, minutes};
use crate::totp::TotpSecret;
use crate::vocabulary::Method;

const EMAIL: &str = "ana@example.com";
const PHONE: &str = "+60123456788";

/// The password step of sign-in: the half-way session it leaves.
async fn password_step(scene: &Scene, requester: &Requester) -> SignedIn {
    let portal = &scene.portal;
    let account = portal.accounts.authenticate(EMAIL, Password::new(PASSWORD.into()), requester).await.unwrap();
    assert!(portal.two_factor.begin_sign_in(&account).await.unwrap().is_some(), "a code step");
    let token = portal.sessions.start_awaiting_code(&account, requester).await.unwrap();
    SignedIn { token, account }
}

async fn is_signed_in(scene: &Scene, token: &SessionToken) -> bool {
    scene.portal.sessions.resolve(token).await.unwrap().is_some()
}

/// The code in the newest text message to `PHONE`.
async fn texted_code(scene: &Scene) -> String {
    let text = scene.texts(PHONE).await.pop().expect("a text message");
    text.chars().take_while(char::is_ascii_digit).collect()
}

#[tokio::test]
async fn the_app_is_turned_on_used_once_a_step_and_switched_for_sms() {
    let scene = Scene::new().await;
    let (portal, requester) = (&scene.portal, Requester::default());
    let ana = scene.signed_in(EMAIL).await;
    let elsewhere = portal.sessions.start(&ana.account).await.unwrap();

    // The QR code's secret, and its first code, which turns the app on.
    let setup = portal.two_factor.begin_totp_setup(&ana).await.unwrap();
    let app = TotpSecret::from_base32(&setup.setup_key).unwrap();
    let wrong = portal.two_factor.confirm_totp_setup(&ana, "000000", &requester).await;
    assert!(matches!(wrong, Err(CoreError::InvalidCode)), "{wrong:?}");
    let code = app.code_at(scene.clock.now());
    let activated = portal.two_factor.confirm_totp_setup(&ana, &code, &requester).await.unwrap();
    assert_eq!(activated.recovery_codes.len(), 10);
    assert_eq!(portal.two_factor.method(ana.account.id).await.unwrap(), Some(Method::AuthenticatorApp));
    assert!(is_signed_in(&scene, &ana.token).await, "the session that turned it on carries on");
    assert!(!is_signed_in(&scene, &elsewhere).await, "every other session ended");
    assert_eq!(scene.emails(EMAIL).await, ["Customer Portal: Two-factor authentication is on for your account"]);
    assert_eq!(
        scene.activity(ana.account.id).await[0],
        "Two-factor authentication turned on (TOTP (Authenticator App))"
    );
    let ana = SignedIn { account: activated.account.clone(), ..ana };

    // The code that turned it on does not sign in: each step is accepted once.
    let pending = password_step(&scene, &requester).await;
    let replayed = portal.two_factor.verify_sign_in_code(&pending, &code, &requester).await;
    assert!(matches!(replayed, Err(CoreError::CodeAlreadyUsed)), "{replayed:?}");
    scene.clock.advance(Duration::from_secs(30));
    let fresh = app.code_at(scene.clock.now());
    let signed_in = portal.two_factor.verify_sign_in_code(&pending, &fresh, &requester).await.unwrap();
    assert!(is_signed_in(&scene, &signed_in).await);
    assert!(!is_signed_in(&scene, &pending.token).await, "the half-way session became the signed-in one");
    let again = password_step(&scene, &requester).await;
    let replayed = portal.two_factor.verify_sign_in_code(&again, &fresh, &requester).await;
    assert!(matches!(replayed, Err(CoreError::CodeAlreadyUsed)), "{replayed:?}");

    // A recovery code stands in for the app, once.
    let recovery = activated.recovery_codes[0].as_str();
    assert!(portal.two_factor.sign_in_with_recovery_code(&again, recovery, &requester).await.is_ok());
    let once_more = password_step(&scene, &requester).await;
    let spent = portal.two_factor.sign_in_with_recovery_code(&once_more, recovery, &requester).await;
    assert!(matches!(spent, Err(CoreError::InvalidRecoveryCode)), "{spent:?}");
    assert_eq!(portal.two_factor.recovery_codes_left(ana.account.id).await.unwrap(), 9);

    // Switching to SMS: the app stays on until the texted code is right.
    let phone = PhoneNumber::parse(PHONE).unwrap();
    portal.two_factor.begin_sms_setup(&ana, &phone).await.unwrap();
    assert_eq!(portal.two_factor.method(ana.account.id).await.unwrap(), Some(Method::AuthenticatorApp));
    let texted = texted_code(&scene).await;
    let switched = portal.two_factor.confirm_sms_setup(&ana, &texted, &requester).await.unwrap();
    assert_eq!(portal.two_factor.method(ana.account.id).await.unwrap(), Some(Method::Sms));
    assert_eq!(scene.activity(ana.account.id).await[0], "Security method updated to SMS (text message codes)");
    assert!(scene.emails(EMAIL).await.last().unwrap().ends_with("Your account's security method has been updated"));
    let ana = SignedIn { account: switched.account, ..ana };

    // A texted sign-in code lasts five minutes.
    let pending = password_step(&scene, &requester).await;
    let late = texted_code(&scene).await;
    scene.clock.advance(minutes(5));
    let expired = portal.two_factor.verify_sign_in_code(&pending, &late, &requester).await;
    assert!(matches!(expired, Err(CoreError::InvalidCode)), "expired: {expired:?}");

    // "Disable 2FA": the method, the recovery codes and the other sessions go.
    let off = portal.two_factor.disable(&ana, &requester).await.unwrap();
    assert_eq!(portal.two_factor.method(off.id).await.unwrap(), None);
    assert_eq!(portal.two_factor.recovery_codes_left(off.id).await.unwrap(), 0);
    assert_eq!(scene.activity(off.id).await[0], "Two-factor authentication turned off (SMS (text message codes))");
}
