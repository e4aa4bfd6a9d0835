//! What many callers from one network can do together, on SQLite and PostgreSQL:
//! each network (an IPv4 address, an IPv6 /64, as `TRUSTED_PROXIES` names the
//! client) registers so many accounts and has so many passwords checked for
//! browsers the account does not know in an hour; past that, `429` with
//! `Retry-After` and words that say so. The customer's own browser never spends
//! its network's budget, and never waits behind strangers for an Argon2 slot;
//! strangers past the queue's bound get `503` at once.

use crate::support;

use app::error::AppError;
use portal_core::network_budgets::NetworkLimits;
use portal_core::password::HashingLimits;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use server::Config;
use server::config::TrustedProxies;
use support::browser::Browser;
use support::{Backend, PASSWORD, TestApp, refusal};

on_each_database!(
    a_network_registers_only_so_many_accounts_an_hour,
    an_ipv6_site_spreading_over_its_networks_spends_its_own_budget,
    strangers_spend_their_networks_password_checks_and_the_customers_own_browser_never_does,
    a_network_asks_for_so_many_reset_links_an_hour,
    racing_sign_ins_on_two_servers_spend_the_budget_exactly,
    strangers_past_the_queues_bound_are_turned_away_while_the_customer_signs_in,
);

const OFFICE: &str = "192.0.2.10";
const HOUR: i64 = 60 * 60;

/// A portal whose networks may spend `registrations` and `password_checks` an
/// hour, behind a proxy on loopback that names each request's network.
async fn portal(backend: Backend, registrations: u32, password_checks: u32) -> TestApp {
    TestApp::start_with(backend, |config: &mut Config| {
        config.portal.networks =
            NetworkLimits { registrations_per_hour: registrations, password_checks_per_hour: password_checks };
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await
    .unwrap()
}

impl TestApp {
    /// A form POST from `network`, in `browser`.
    async fn post_from(
        &self,
        network: &str,
        browser: &Browser,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let headers = [("x-forwarded-for", network)];
        let response = self.post_with_headers(path, form, browser.cookie_header().as_deref(), &headers).await;
        browser.keep(&response);
        response
    }

    async fn register_from(&self, network: &str, email: &str) -> reqwest::Response {
        let form = [("name", "Ana Lim"), ("email", email), ("password", PASSWORD)];
        self.post_from(network, &Browser::new(), "/api/register", &form).await
    }

    async fn ask_reset_from(&self, network: &str, email: &str) -> reqwest::Response {
        self.post_from(network, &Browser::new(), "/api/request_password_reset", &[("email", email)]).await
    }

    async fn sign_in_from(&self, network: &str, browser: &Browser, email: &str, password: &str) -> reqwest::Response {
        self.post_from(network, browser, "/api/sign_in", &[("email", email), ("password", password)]).await
    }
}

/// The refusal's `Retry-After`, and what the page says.
async fn refused_with_wait(response: reqwest::Response) -> (StatusCode, i64, AppError) {
    let status = response.status();
    let wait = response.headers().get(RETRY_AFTER).expect("Retry-After").to_str().unwrap().parse().unwrap();
    (status, wait, refusal(response).await)
}

async fn a_network_registers_only_so_many_accounts_an_hour(app: TestApp) {
    let app = portal(app.backend(), 3, 1_000).await;
    for number in 0..3 {
        assert_eq!(app.register_from(OFFICE, &format!("ana{number}@example.com")).await.status(), StatusCode::OK);
    }
    let (status, wait, error) = refused_with_wait(app.register_from(OFFICE, "bo@example.com").await).await;
    assert_eq!((status, wait), (StatusCode::TOO_MANY_REQUESTS, HOUR));
    assert_eq!(error, AppError::TooManyRegistrations { retry_after_secs: HOUR });
    assert!(error.to_string().starts_with("Too many accounts were created from your network lately"), "{error}");
    let taken = app.register_from(OFFICE, "ana0@example.com").await;
    assert_eq!(taken.status(), StatusCode::TOO_MANY_REQUESTS, "nor does it learn which emails are taken");

    // An IPv6 network is its /64, whatever address in it a client takes.
    for number in 0..3 {
        let address = format!("2001:db8:7:7::{number}");
        assert_eq!(app.register_from(&address, &format!("v6-{number}@example.com")).await.status(), StatusCode::OK);
    }
    let same_64 = app.register_from("2001:db8:7:7:ffff::1", "v6-more@example.com").await;
    assert_eq!(same_64.status(), StatusCode::TOO_MANY_REQUESTS);

    assert_eq!(app.register_from("198.51.100.1", "bo@example.com").await.status(), StatusCode::OK, "another network");
    app.wait(std::time::Duration::from_secs(HOUR as u64));
    assert_eq!(app.register_from(OFFICE, "bo2@example.com").await.status(), StatusCode::OK, "a new hour");
}

async fn an_ipv6_site_spreading_over_its_networks_spends_its_own_budget(app: TestApp) {
    use portal_core::network_budgets::SITE_NETWORKS;

    let app = portal(app.backend(), 1, 1_000).await;
    // One registration from each of the site's first /64s: as many as the site may.
    for network in 0..SITE_NETWORKS {
        let (address, email) = (format!("2001:db8:7:{network:x}::1"), format!("n{network}@example.com"));
        assert_eq!(app.register_from(&address, &email).await.status(), StatusCode::OK);
    }
    let (status, wait, _) = refused_with_wait(app.register_from("2001:db8:7:ffff::1", "more@example.com").await).await;
    assert_eq!((status, wait), (StatusCode::TOO_MANY_REQUESTS, HOUR), "a fresh /64 of the same /48");
    let another_site = app.register_from("2001:db8:8:1::1", "more@example.com").await;
    assert_eq!(another_site.status(), StatusCode::OK, "another /48");
}

async fn strangers_spend_their_networks_password_checks_and_the_customers_own_browser_never_does(app: TestApp) {
    let app = portal(app.backend(), 1_000, 4).await;
    // The customer registers at the office (a password check: one of four).
    let customer = Browser::new();
    let form = [("name", "Ana Lim"), ("email", "ana@example.com"), ("password", PASSWORD)];
    assert_eq!(app.post_from(OFFICE, &customer, "/api/register", &form).await.status(), StatusCode::OK);
    app.post_from(OFFICE, &customer, "/api/sign_out", &[]).await;

    // Someone else behind the office's address stuffs credentials.
    let stuffer = Browser::new();
    let mut statuses = Vec::new();
    for number in 0..5 {
        let email = format!("victim{number}@example.com");
        statuses.push(app.sign_in_from(OFFICE, &stuffer, &email, "password123").await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    let checked = app.portal.accounts.passwords_checked();
    let (status, wait, error) =
        refused_with_wait(app.sign_in_from(OFFICE, &stuffer, "victim9@example.com", "password123").await).await;
    assert_eq!((status, wait), (StatusCode::TOO_MANY_REQUESTS, HOUR));
    assert_eq!(error, AppError::NetworkBusy { retry_after_secs: HOUR });
    assert_eq!(app.portal.accounts.passwords_checked(), checked, "nothing is checked past the budget");

    // The customer's own browser, at the same office, signs in all the same.
    let signed_in = app.sign_in_from(OFFICE, &customer, "ana@example.com", PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK, "{}", signed_in.text().await.unwrap());
    // A browser the account does not know shares the office's budget…
    let new_browser = app.sign_in_from(OFFICE, &Browser::new(), "ana@example.com", PASSWORD).await;
    assert_eq!(new_browser.status(), StatusCode::TOO_MANY_REQUESTS);
    // …and elsewhere has its own.
    let at_home = app.sign_in_from("198.51.100.1", &Browser::new(), "ana@example.com", PASSWORD).await;
    assert_eq!(at_home.status(), StatusCode::OK);
}

async fn a_network_asks_for_so_many_reset_links_an_hour(app: TestApp) {
    use portal_core::db::entities::password_reset_request;
    use sea_orm::{EntityTrait as _, PaginatorTrait as _};

    let app = portal(app.backend(), 1_000, 4).await;
    // The customer signed up at home, and is at the office now.
    let customer = Browser::new();
    let form = [("name", "Ana Lim"), ("email", "ana@example.com"), ("password", PASSWORD)];
    assert_eq!(app.post_from("198.51.100.9", &customer, "/api/register", &form).await.status(), StatusCode::OK);
    for email in ["ana@example.com", "bo@example.com", "cy@example.com", "dan@example.com"] {
        assert_eq!(app.ask_reset_from(OFFICE, email).await.status(), StatusCode::OK);
    }
    let (status, wait, error) = refused_with_wait(app.ask_reset_from(OFFICE, "dee@example.com").await).await;
    assert_eq!((status, wait), (StatusCode::TOO_MANY_REQUESTS, HOUR));
    assert_eq!(error, AppError::NetworkBusy { retry_after_secs: HOUR });
    let counted = password_reset_request::Entity::find().count(&app.portal.db).await.unwrap();
    assert_eq!(counted, 4, "the refused request was neither counted for its address nor acted on");
    let elsewhere = app.ask_reset_from("198.51.100.1", "dee@example.com").await;
    assert_eq!(elsewhere.status(), StatusCode::OK, "another network");

    // The customer's own browser asks as a sign-in would: the office's budget is not its.
    let form = [("email", "ana@example.com")];
    let own = app.post_from(OFFICE, &customer, "/api/request_password_reset", &form).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(app.reset_links(2).await.len(), 2, "the stranger's request and the customer's each sent a link");
}

async fn racing_sign_ins_on_two_servers_spend_the_budget_exactly(app: TestApp) {
    let first = portal(app.backend(), 1_000, 10).await;
    let second = first.another_server().await;
    let servers = [&first, &second];
    let emails: Vec<String> = (0..30).map(|number| format!("unknown{number}@example.com")).collect();
    let stuffer = Browser::new();
    let tries = emails.iter().enumerate().map(|(i, email)| servers[i % 2].sign_in_from(OFFICE, &stuffer, email, "x"));
    let statuses: Vec<u16> =
        futures::future::join_all(tries).await.iter().map(|response| response.status().as_u16()).collect();
    let answered = statuses.iter().filter(|&&status| status == 401).count();
    assert_eq!(answered, 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&status| status == 429).count(), 20, "{statuses:?}");
    let checked = first.portal.accounts.passwords_checked() + second.portal.accounts.passwords_checked();
    assert_eq!(checked, 10, "each was counted before it was checked");
}

async fn strangers_past_the_queues_bound_are_turned_away_while_the_customer_signs_in(app: TestApp) {
    let app = TestApp::start_with(app.backend(), |config| {
        config.portal.hashing = HashingLimits { concurrency: 1, untrusted_waiting: 2 };
    })
    .await
    .unwrap();
    let customer = app.register_in_browser("ana@example.com").await;
    app.post_in(&customer, "/api/sign_out", &[]).await;

    let checked = app.portal.accounts.passwords_checked();
    let emails: Vec<String> = (0..24).map(|number| format!("unknown{number}@example.com")).collect();
    let flood = futures::future::join_all(emails.iter().map(|email| app.sign_in(email, "x")));
    let (flood, customers) = tokio::join!(flood, app.sign_in_in(&customer, "ana@example.com", PASSWORD));
    assert_eq!(customers.status(), StatusCode::OK, "the customer's browser has a lane of its own");

    let mut turned_away = 0;
    for response in flood {
        match response.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                turned_away += 1;
                let (_, wait, error) = refused_with_wait(response).await;
                assert_eq!((wait, error), (2, AppError::Busy));
            }
            other => panic!("{other}"),
        }
    }
    assert!(turned_away > 0, "two may wait; the rest are turned away at once");
    let answered = app.portal.accounts.passwords_checked() - checked;
    assert_eq!(answered as usize, 24 - turned_away + 1, "nothing is checked for those turned away");
}
