//! "Where you're signed in": the list its customer sees, and signing one other
//! session out, or all of them, as the server functions do.

use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::testing::Scene;

fn firefox() -> Requester {
    Requester::new(
        Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7))),
        Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
        Vec::new(),
    )
}

/// Ana signed in twice: in this browser, and with Firefox elsewhere.
async fn signed_in_twice(scene: &Scene) -> (SignedIn, SessionToken) {
    let this = scene.signed_in("ana@example.com").await;
    let portal = &scene.portal;
    let other = portal.sign_ins.start(None, &this.account, &firefox(), Arrival::SignIn).await.unwrap();
    (this, other)
}

#[tokio::test]
async fn lists_the_accounts_signed_in_sessions_with_this_one_first() {
    let scene = Scene::new().await;
    let (this, _other) = signed_in_twice(&scene).await;
    let portal = &scene.portal;
    portal.sessions.start_awaiting_code(&this.account, &firefox()).await.unwrap();
    scene.signed_in("bo@example.com").await;

    let listed = portal.sessions.where_signed_in(&this).await.unwrap();
    assert_eq!(listed.len(), 2, "not the half-way one, nor another account's: {listed:?}");
    assert!(listed[0].this_device);
    assert_eq!(listed[0].browser, "An unknown browser");
    assert!(!listed[1].this_device);
    assert_eq!((listed[1].browser.as_str(), listed[1].ip.as_deref()), ("Firefox on Windows", Some("203.0.113.7")));
    assert_ne!(listed[0].handle, listed[1].handle);
    assert!(!listed.iter().any(|listed| listed.handle == this.token.digest()), "not the stored key");
}

#[tokio::test]
async fn signs_out_another_session_once_and_never_this_one_nor_another_accounts() {
    let scene = Scene::new().await;
    let (this, other) = signed_in_twice(&scene).await;
    let portal = &scene.portal;
    let listed = portal.sessions.where_signed_in(&this).await.unwrap();
    let (mine, theirs) = (listed[0].handle.clone(), listed[1].handle.clone());

    assert!(!portal.sign_ins.sign_out_one(&this, &mine, &firefox()).await.unwrap(), "not the session asking");
    assert!(!portal.sign_ins.sign_out_one(&this, "not-a-handle", &firefox()).await.unwrap());
    let bo = scene.signed_in("bo@example.com").await;
    assert!(!portal.sign_ins.sign_out_one(&bo, &theirs, &firefox()).await.unwrap(), "not another account's");

    assert!(portal.sign_ins.sign_out_one(&this, &theirs, &firefox()).await.unwrap());
    assert!(portal.sessions.resolve(&other).await.unwrap().is_none());
    assert!(portal.sessions.resolve(&this.token).await.unwrap().is_some());
    assert!(!portal.sign_ins.sign_out_one(&this, &theirs, &firefox()).await.unwrap(), "once");
    assert_eq!(scene.activity(this.account.id).await[0], "Signed out another session");
}

#[tokio::test]
async fn signing_out_the_others_keeps_this_session_under_a_new_stamp() {
    let scene = Scene::new().await;
    let (this, other) = signed_in_twice(&scene).await;
    let portal = &scene.portal;
    let (renewed, ended) = portal.sign_ins.sign_out_others(&this, &firefox()).await.unwrap();
    assert_eq!(ended, 1);
    assert_ne!(renewed.security_stamp, this.account.security_stamp);
    assert!(portal.sessions.resolve(&other).await.unwrap().is_none());
    assert_eq!(portal.sessions.resolve(&this.token).await.unwrap(), Some(renewed));
    assert_eq!(scene.activity(this.account.id).await[0], "Signed out of all other sessions");
}

#[tokio::test]
async fn a_browser_new_to_the_account_brings_an_email_and_a_known_one_does_not() {
    let scene = Scene::new().await;
    let ana = scene.signed_in("ana@example.com").await;
    let portal = &scene.portal;
    portal.sign_ins.start(None, &ana.account, &firefox(), Arrival::SignIn).await.unwrap();
    let known = scene.known_browser(&ana.account);
    portal.sign_ins.start(None, &ana.account, &known, Arrival::SignIn).await.unwrap();
    assert_eq!(scene.emails("ana@example.com").await, ["Customer Portal: New sign-in to your account"]);
}
