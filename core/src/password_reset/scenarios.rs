//! "Forgot your password?" from the email to the new password, through the core
//! with the clock moved by the test: the same answer for anyone's address, a link
//! that works once and for thirty minutes, only the newest link, three an hour,
//! the second factor asked before a new password, and every session ended.

use std::time::Duration;

use super::{LINK_PATH, ResetStep, ResetToken};
use crate::CoreError;
use crate::password::Password;
use crate::requester::Requester;
use crate::testing::{PASSWORD, Scene, minutes};
use crate::totp::TotpSecret;
use crate::two_factor::Answer;

const EMAIL: &str = "ana@example.com";
const NEW_PASSWORD: &str = "a brand new passphrase 7";

/// Asks for a link for `email`, as the page does, and waits for the work done
/// after the answer (the link stored, its email) to finish.
async fn ask(scene: &Scene, email: &str) {
    let before = scene.reset_links(email).await.len();
    scene.portal.password_resets.request(email, &Requester::default()).await.unwrap();
    for _ in 0..100 {
        if scene.reset_links(email).await.len() > before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn token_of(link: &str) -> ResetToken {
    let token = link.split_once(&format!("{LINK_PATH}?token=")).unwrap().1;
    ResetToken::parse(token).unwrap()
}

fn new_password() -> Password {
    Password::new(NEW_PASSWORD.into())
}

#[tokio::test]
async fn a_link_resets_the_password_once_within_thirty_minutes_and_ends_every_session() {
    let scene = Scene::new().await;
    let (portal, requester) = (&scene.portal, Requester::default());
    let ana = scene.signed_in(EMAIL).await;

    ask(&scene, EMAIL).await;
    ask(&scene, "nobody@example.com").await;
    assert!(scene.reset_links("nobody@example.com").await.is_empty(), "nobody's address gets nothing");
    let first = token_of(&scene.reset_links(EMAIL).await[0]);
    assert_eq!(portal.password_resets.step(&first).await.unwrap(), ResetStep::NewPassword { email: EMAIL.into() });

    // Only the newest link works.
    ask(&scene, EMAIL).await;
    let newest = token_of(&scene.reset_links(EMAIL).await[1]);
    assert!(matches!(portal.password_resets.open(&first).await, Err(CoreError::ResetLinkInvalid)));

    let chosen = portal.password_resets.choose_new_password(&newest, EMAIL, new_password(), &requester).await;
    assert!(chosen.is_ok(), "{chosen:?}");
    assert!(portal.sessions.resolve(&ana.token).await.unwrap().is_none(), "every session ended");
    let again = portal.password_resets.choose_new_password(&newest, EMAIL, new_password(), &requester).await;
    assert!(matches!(again, Err(CoreError::ResetLinkInvalid)), "once: {again:?}");
    assert!(portal.accounts.authenticate(EMAIL, new_password(), &requester).await.is_ok());
    assert_eq!(scene.activity(ana.account.id).await[0], "Password reset with an emailed link");
    assert!(scene.emails(EMAIL).await.last().unwrap().ends_with("Your password was reset"));

    // A link thirty minutes old opens nothing.
    scene.clock.advance(minutes(10));
    ask(&scene, EMAIL).await;
    let late = token_of(scene.reset_links(EMAIL).await.last().unwrap());
    scene.clock.advance(minutes(30));
    assert!(matches!(portal.password_resets.step(&late).await, Err(CoreError::ResetLinkInvalid)));
}

#[tokio::test]
async fn an_address_gets_three_links_an_hour_whoever_asks() {
    let scene = Scene::new().await;
    scene.signed_in(EMAIL).await;
    for _ in 0..5 {
        scene.portal.password_resets.request(EMAIL, &Requester::default()).await.unwrap();
    }
    ask(&scene, EMAIL).await;
    assert_eq!(scene.reset_links(EMAIL).await.len(), 3, "the same answer five times, three links");
    scene.clock.advance(minutes(60));
    ask(&scene, EMAIL).await;
    assert_eq!(scene.reset_links(EMAIL).await.len(), 4, "a new hour");
}

#[tokio::test]
async fn with_the_app_on_the_code_comes_before_the_new_password_and_the_app_stays() {
    let scene = Scene::new().await;
    let (portal, requester) = (&scene.portal, Requester::default());
    let ana = scene.signed_in(EMAIL).await;
    let setup = portal.two_factor.begin_totp_setup(&ana).await.unwrap();
    let app = TotpSecret::from_base32(&setup.setup_key).unwrap();
    portal.two_factor.confirm_totp_setup(&ana, &app.code_at(scene.clock.now()), &requester).await.unwrap();

    ask(&scene, EMAIL).await;
    let link = token_of(&scene.reset_links(EMAIL).await[0]);
    assert!(matches!(portal.password_resets.step(&link).await.unwrap(), ResetStep::SecondFactor { .. }));
    let early = portal.password_resets.choose_new_password(&link, EMAIL, new_password(), &requester).await;
    assert!(matches!(early, Err(CoreError::SecondFactorRequired)), "{early:?}");

    scene.clock.advance(Duration::from_secs(30));
    let code = app.code_at(scene.clock.now());
    let renewed = portal.password_resets.give_second_factor(&link, Answer::Code(&code), &requester).await.unwrap();
    assert!(matches!(portal.password_resets.open(&link).await, Err(CoreError::ResetLinkInvalid)), "the emailed one");
    portal.password_resets.choose_new_password(&renewed, EMAIL, new_password(), &requester).await.unwrap();
    assert!(portal.two_factor.method(ana.account.id).await.unwrap().is_some(), "2FA stays on");

    let password = Password::new(PASSWORD.into());
    let old = portal.accounts.authenticate(EMAIL, password, &requester).await;
    assert!(matches!(old, Err(CoreError::InvalidCredentials)), "{old:?}");
}
