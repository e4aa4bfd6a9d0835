//! Registering, signing in and out, over HTTP against the real router, on SQLite
//! and on PostgreSQL.

use crate::support;

use app::error::AppError;
use reqwest::StatusCode;

use sea_orm::EntityTrait as _;
use support::{PASSWORD, TestApp, session_cookie, set_cookie_header};

on_each_database!(
    registering_signs_the_new_account_in,
    a_taken_email_is_refused,
    weak_passwords_are_refused_with_a_reason,
    signing_in_starts_a_new_session,
    a_wrong_password_is_refused,
    an_unknown_email_gets_the_same_answer_as_a_wrong_password,
    repeated_wrong_passwords_slow_sign_in_down_alike_for_every_email,
    the_session_cookie_is_http_only_and_same_site,
    signing_out_ends_the_session_on_the_server,
    account_pages_send_visitors_to_sign_in_and_back,
    no_spelling_of_an_account_page_gets_a_visitor_past_the_sign_in_check,
    a_cross_origin_post_is_refused,
    pages_carry_the_security_headers,
    malformed_requests_are_bad_requests_not_server_errors,
    control_characters_in_any_field_are_refused_with_a_message,
    huge_requests_are_refused,
    https_sites_are_https_only_and_take_requests_from_their_exact_origin,
    the_health_check_answers,
    pages_arrive_whole,
    an_unknown_address_is_a_page_not_found_that_knows_who_is_signed_in,
    pages_load_while_another_server_starts_in_the_process,
);

async fn registering_signs_the_new_account_in(app: TestApp) {
    let session = app.register("ana@example.com").await;
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));
    assert_eq!(app.get("/account/security", Some(&session)).await.status(), StatusCode::OK);
}

async fn a_taken_email_is_refused(app: TestApp) {
    app.register("ana@example.com").await;
    let again = app
        .post("/api/register", &[("name", "Imposter"), ("email", " ANA@example.com "), ("password", PASSWORD)], None)
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(session_cookie(again.headers()).is_none());
    assert_eq!(support::refusal(again).await, AppError::EmailTaken);
}

async fn weak_passwords_are_refused_with_a_reason(app: TestApp) {
    for (password, reason) in [("short", "at least 8"), ("password123", "too common"), ("ana@example.com", "email")] {
        let response = app
            .post("/api/register", &[("name", "Ana"), ("email", "ana@example.com"), ("password", password)], None)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        let body = response.text().await.unwrap();
        assert!(body.contains(reason), "{password}: {body}");
    }
    assert_eq!(
        app.sign_in("ana@example.com", "password123").await.status(),
        StatusCode::UNAUTHORIZED,
        "no account was created"
    );
}

async fn signing_in_starts_a_new_session(app: TestApp) {
    let registered = app.register("ana@example.com").await;
    let response =
        app.post("/api/sign_in", &[("email", "Ana@Example.com"), ("password", PASSWORD)], Some(&registered)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["location"], "/account");
    let signed_in = session_cookie(response.headers()).expect("a session cookie");
    assert_ne!(signed_in, registered, "the session id changes at sign-in");
    assert_eq!(app.signed_in_name(&signed_in).await.as_deref(), Some("Ana Lim"));
    assert_eq!(app.signed_in_name(&registered).await, None, "the session presented at sign-in is ended");
}

async fn a_wrong_password_is_refused(app: TestApp) {
    app.register("ana@example.com").await;
    let response = app.sign_in("ana@example.com", "tangerine orchestra 43").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(response.headers()).is_none());
}

async fn an_unknown_email_gets_the_same_answer_as_a_wrong_password(app: TestApp) {
    app.register("ana@example.com").await;
    let wrong_password = app.sign_in("ana@example.com", "not the password").await;
    let unknown_email = app.sign_in("nobody@example.com", "not the password").await;
    assert_eq!(wrong_password.status(), unknown_email.status());
    assert_eq!(wrong_password.text().await.unwrap(), unknown_email.text().await.unwrap());
}

async fn repeated_wrong_passwords_slow_sign_in_down_alike_for_every_email(app: TestApp) {
    app.register("ana@example.com").await;
    for email in ["ana@example.com", "nobody@example.com"] {
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(app.sign_in(email, "not the password").await.status().as_u16());
        }
        assert_eq!(statuses, [401, 401, 401, 401, 429], "{email}");
        let waiting = app.sign_in(email, PASSWORD).await;
        assert_eq!(waiting.status(), StatusCode::TOO_MANY_REQUESTS, "{email}: even the right password waits");
        assert!(waiting.headers().contains_key("retry-after"));
    }
    // Once the wait is over, the right password works and starts the count afresh.
    app.let_the_delay_pass().await;
    assert_eq!(app.sign_in("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.sign_in("ana@example.com", "not the password").await.status(), StatusCode::UNAUTHORIZED);
}

async fn the_session_cookie_is_http_only_and_same_site(app: TestApp) {
    app.register("ana@example.com").await;
    let response = app.sign_in("ana@example.com", PASSWORD).await;
    let header = set_cookie_header(response.headers()).unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(header.contains(flag), "{flag} missing: {header}");
    }
    assert!(!header.contains("Secure"), "plain http cannot keep a Secure cookie: {header}");
    let token = header.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert!(token.len() >= 22, "at least 128 bits: {token}");

    let https = TestApp::start_with(support::Backend::Sqlite, |config| {
        config.site_url = "https://portal.example.com".parse().unwrap();
    })
    .await
    .unwrap();
    https.register("ana@example.com").await;
    let response = https
        .client_post_from(
            "https://portal.example.com",
            "/api/sign_in",
            &[("email", "ana@example.com"), ("password", PASSWORD)],
        )
        .await;
    let header = set_cookie_header(response.headers()).unwrap();
    assert!(header.starts_with("__Host-portal_session=") && header.contains("Secure"), "{header}");
}

async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let response = app.post("/api/sign_out", &[], Some(&session)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookie_header(response.headers()).unwrap().contains("Max-Age=0"), "the browser is told to forget it");
    // A copy of the old cookie is worth nothing now.
    assert_eq!(app.signed_in_name(&session).await, None);
    assert_eq!(app.get("/account", Some(&session)).await.status(), StatusCode::SEE_OTHER);
}

async fn account_pages_send_visitors_to_sign_in_and_back(app: TestApp) {
    for (path, next) in [("/account", "/account"), ("/account/security", "/account/security")] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], format!("/login?next={next}"));
    }
    let forged = "portal_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(app.get("/account", Some(forged)).await.status(), StatusCode::SEE_OTHER);

    app.register("ana@example.com").await;
    let response = app
        .post(
            "/api/sign_in",
            &[("email", "ana@example.com"), ("password", PASSWORD), ("next", "/account/security")],
            None,
        )
        .await;
    assert_eq!(response.headers()["location"], "/account/security");
    let response = app
        .post("/api/sign_in", &[("email", "ana@example.com"), ("password", PASSWORD), ("next", "//evil.example")], None)
        .await;
    assert_eq!(response.headers()["location"], "/account", "no open redirect");
}

/// The page router resolves `.` and `..` segments (in any spelling) and takes any
/// method: no such request shows a visitor an account page.
async fn no_spelling_of_an_account_page_gets_a_visitor_past_the_sign_in_check(app: TestApp) {
    for target in ["/x/../account/security", "/x/%2e%2E/account/security", "/./account", "/account/./security"] {
        let (status, _) = app.raw_request("GET", target).await;
        assert_eq!(status, 400, "{target}");
    }
    for method in ["POST", "PUT", "DELETE"] {
        for target in ["/account", "/account/", "/account/security"] {
            let (status, answer) = app.raw_request(method, target).await;
            assert_eq!(status, 303, "{method} {target}: {answer}");
            assert!(!answer.contains("My Account"), "{method} {target}: {answer}");
        }
    }
}

async fn a_cross_origin_post_is_refused(app: TestApp) {
    app.register("ana@example.com").await;
    let response = app
        .client_post_from(
            "https://evil.example",
            "/api/sign_in",
            &[("email", "ana@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(response.headers()).is_none());

    let session = app.register("bo@example.com").await;
    let response = app.client_post_with_cookie_from("https://evil.example", "/api/sign_out", &session).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"), "still signed in");
}

async fn pages_carry_the_security_headers(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let response = app.get("/account/security", Some(&session)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    for directive in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "'wasm-unsafe-eval'"] {
        assert!(csp.contains(directive), "{directive} missing: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");

    // Only scripts carrying this response's nonce may run.
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")), "{page}");
    let other = app.get("/login", None).await;
    assert!(!other.headers()["content-security-policy"].to_str().unwrap().contains(&nonce), "a nonce is used once");
}

async fn malformed_requests_are_bad_requests_not_server_errors(app: TestApp) {
    let missing_password = app.post("/api/sign_in", &[("email", "ana@example.com")], None).await;
    assert_eq!(missing_password.status(), StatusCode::BAD_REQUEST);
    let nothing = app.post("/api/register", &[], None).await;
    assert_eq!(nothing.status(), StatusCode::BAD_REQUEST);
    let garbage_cookie = app.post("/api/current_account", &[], Some("portal_session=%%%; other=1")).await;
    assert_eq!(garbage_cookie.status(), StatusCode::OK);
    assert_eq!(garbage_cookie.text().await.unwrap(), "null");
}

async fn control_characters_in_any_field_are_refused_with_a_message(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let forms: [(&str, &[(&str, &str)]); 6] = [
        ("/api/register", &[("name", "Bo\0Lim"), ("email", "bo@example.com"), ("password", PASSWORD)]),
        ("/api/sign_in", &[("email", "ana@example.com\0"), ("password", PASSWORD)]),
        ("/api/sign_in", &[("email", "ana@example.com"), ("password", "tangerine\0orchestra 42")]),
        ("/api/confirm_password", &[("password", "\u{7}")]),
        ("/api/begin_sms_setup", &[("phone", "+60\n123456788")]),
        ("/api/verify_sign_in_code", &[("code", "123\u{85}456")]),
    ];
    for (path, form) in forms {
        let response = app.post(path, form, Some(&session)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {form:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Fields cannot contain control characters"), "{path}: {body}");
    }
    let counted = portal_core::db::entities::failure_count::Entity::find().all(&app.portal.db).await.unwrap();
    assert!(counted.is_empty(), "no password was tried: {counted:?}");
    assert_eq!(
        app.sign_in("bo@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "nothing was registered"
    );
}

async fn huge_requests_are_refused(app: TestApp) {
    // Read to its end and refused, so the client, still sending, gets the answer
    // (a closed connection under it broke `fuzz.rs` now and then).
    let large = "a".repeat(100_000);
    let response = app.post("/api/sign_in", &[("email", &large), ("password", PASSWORD)], None).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.headers().get("connection").is_none());
    assert!(response.text().await.unwrap().contains("too large"));
}

async fn https_sites_are_https_only_and_take_requests_from_their_exact_origin(app: TestApp) {
    let plain = app.get("/login", None).await;
    assert!(plain.headers().get("strict-transport-security").is_none(), "not over plain http");

    let https = TestApp::start_with(app.backend(), |config| {
        config.site_url = "https://portal.example.com".parse().unwrap();
    })
    .await
    .unwrap();
    let page = https.get("/login", None).await;
    assert_eq!(page.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    https.register("ana@example.com").await;
    for origin in ["http://portal.example.com", "https://portal.example.com:8443", "https://evil.portal.example.com"] {
        let response = https
            .client_post_from(origin, "/api/sign_in", &[("email", "ana@example.com"), ("password", PASSWORD)])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
    }
}

async fn the_health_check_answers(app: TestApp) {
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

impl TestApp {
    /// A POST as a page on `origin` would send it.
    async fn client_post_from(&self, origin: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        reqwest::Client::new().post(self.url(path)).header("origin", origin).form(form).send().await.unwrap()
    }

    async fn client_post_with_cookie_from(&self, origin: &str, path: &str, session: &str) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .header("origin", origin)
            .header("cookie", session)
            .send()
            .await
            .unwrap()
    }
}

/// A page is sent once its data is in it, so a phone paints it at once, with no
/// "Loading…" swapped out after the rest of the stream arrives.
async fn pages_arrive_whole(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let page = app.get("/account/security", Some(&session)).await.text().await.unwrap();
    assert!(page.contains("Two-factor authentication is off"), "{page}");
    assert!(page.contains("Recent security activity"), "{page}");
    assert!(!page.contains("Loading…"), "{page}");
}

async fn an_unknown_address_is_a_page_not_found_that_knows_who_is_signed_in(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let response = app.get("/no/such/page", Some(&session)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = response.text().await.unwrap();
    assert!(page.contains("Page not found"), "{page}");
    assert!(page.contains("Ana Lim"), "the header shows who is signed in: {page}");

    let response = app.get("/no/such/page", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Sign in"));
}

/// Leptos works out a router's routes by rendering the app with data loading off,
/// by a flag global to the process. A page rendered meanwhile must still load its
/// data: the routes are worked out once per process, before any server serves.
async fn pages_load_while_another_server_starts_in_the_process(app: TestApp) {
    let session = app.register("ana@example.com").await;
    let starting = tokio::task::spawn_blocking({
        let (config, portal) = (app.config.clone(), app.portal.clone());
        move || {
            for _ in 0..40 {
                drop(server::router(&config, portal.clone()));
            }
        }
    });
    // Each page with what it shows once its data has loaded.
    let pages = (0..40).map(|n| {
        let (path, shows) = if n % 2 == 0 {
            ("/account/security", "Two-factor authentication is off")
        } else {
            ("/account", "Ana Lim")
        };
        let whole_page = async {
            let response = app.get(path, Some(&session)).await;
            (response.status(), response.text().await.unwrap())
        };
        async move { (shows, tokio::time::timeout(std::time::Duration::from_secs(30), whole_page).await) }
    });
    for (shows, page) in futures::future::join_all(pages).await {
        let (status, page) = page.expect("the page arrived whole");
        assert_eq!(status, 200);
        assert!(page.contains(shows), "{shows:?} missing: {page}");
    }
    starting.await.unwrap();
}
