//! A thousand malformed calls spread over every server function, on SQLite and on
//! PostgreSQL, signed out, half-way through sign-in and signed in: random bytes,
//! huge fields, wrong types, NUL and other control characters, bad UTF-8, JSON and
//! multipart bodies, other methods and content types. Not one may get a 5xx or
//! break the connection (a panic), and the server answers normally afterwards.
//!
//! The calls come from a seeded generator: a failure prints its seed, and
//! `FUZZ_SEED=<seed>` replays it.

use crate::support;

use reqwest::StatusCode;

use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use support::{PASSWORD, TestApp};

on_each_database!(a_thousand_malformed_calls_get_no_server_error);

const CALLS: usize = 1_000;
/// The fields the portal's forms send, and a few they do not.
const FIELDS: &[&str] = &[
    "name",
    "email",
    "password",
    "next",
    "code",
    "phone",
    "credential",
    "id",
    "beside",
    "passwordless",
    "turn_off",
    "x",
    "",
];

async fn a_thousand_malformed_calls_get_no_server_error(app: TestApp) {
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(random_seed);
    let mut random = Random(seed | 1);
    let mut endpoints: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    endpoints.sort();
    assert!(endpoints.len() >= 14, "every server function is registered: {endpoints:?}");

    app.register("ana@example.com").await;
    app.register_with_totp("totp@example.com").await;
    // A connection a call each: after a refusal that leaves a body unread, the
    // server closes the connection, and a pooled client could race that close with
    // its next call. On a fresh connection, a broken one can only be the server's.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut signed_in = String::new();
    let mut awaiting = String::new();
    for call in 0..CALLS {
        // Calls may sign the sessions out (any body will do for `sign_out`): renew them.
        if call % 100 == 0 {
            signed_in = support::session_cookie(app.sign_in("ana@example.com", PASSWORD).await.headers()).unwrap();
            awaiting = app.sign_in_awaiting_code("totp@example.com").await;
        }
        let endpoint = &endpoints[call % endpoints.len()];
        let (method, content_type, body) = malformed_call(&mut random);
        let mut request = client.request(method.clone(), app.url(endpoint)).header(ORIGIN, app.origin()).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request = match call % 4 {
            0 => request,
            1 => request.header(COOKIE, &signed_in),
            2 => request.header(COOKIE, &awaiting),
            _ => request.header(
                COOKIE,
                format!("portal_session={}; portal_device={}", garbage(&mut random), garbage(&mut random)),
            ),
        };
        let response = request.send().await.unwrap_or_else(|error| {
            panic!("call {call} ({method} {endpoint}) broke the connection: {error}; FUZZ_SEED={seed}")
        });
        let status = response.status();
        assert!(
            status.is_client_error() || status.is_success() || status.is_redirection(),
            "call {call} ({method} {endpoint}) got {status}: {}; FUZZ_SEED={seed}",
            response.text().await.unwrap_or_default()
        );
    }
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    assert_eq!(app.sign_in("ana@example.com", PASSWORD).await.status(), StatusCode::OK, "and still signs customers in");
}

/// One malformed call: method, content type and body.
fn malformed_call(random: &mut Random) -> (reqwest::Method, Option<&'static str>, Vec<u8>) {
    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    match random.below(12) {
        0 => (reqwest::Method::POST, FORM, random.bytes(2_000)),
        1 => {
            let name = FIELDS[random.below(FIELDS.len())];
            let size = 50_000 + random.below(150_000);
            (reqwest::Method::POST, FORM, format!("{name}={}", "9".repeat(size)).into_bytes())
        }
        2 => {
            let name = FIELDS[random.below(FIELDS.len())];
            let shapes = [format!("{name}[]=1&{name}[]=2"), format!("{name}[a][b]=c"), format!("{name}=1&{name}=2")];
            (reqwest::Method::POST, FORM, shapes[random.below(3)].clone().into_bytes())
        }
        3 => {
            let name = FIELDS[random.below(FIELDS.len())];
            let control = ["%00", "%0A", "%0D", "%1B", "%7F", "%C2%85", "\0"][random.below(7)];
            (reqwest::Method::POST, FORM, format!("{name}=ab{control}cd&password=x{control}").into_bytes())
        }
        4 => {
            let name = FIELDS[random.below(FIELDS.len())];
            let mut body = format!("{name}=").into_bytes();
            body.extend_from_slice(
                [&b"%FF%FE%FD"[..], &[0xC3, 0x28], &[0xED, 0xA0, 0x80], &b"%C3"[..]][random.below(4)],
            );
            (reqwest::Method::POST, FORM, body)
        }
        5 => {
            let json = [r#"{"code": 123456}"#, r#"{"email": null, "password": []}"#, "[1, 2", r#""text""#, "{}"];
            (reqwest::Method::POST, Some("application/json"), json[random.below(json.len())].as_bytes().to_vec())
        }
        6 => {
            let body = "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nana@example.com\r\n--b--\r\n";
            (reqwest::Method::POST, Some("multipart/form-data; boundary=b"), body.as_bytes().to_vec())
        }
        7 => (reqwest::Method::POST, [None, Some("text/plain"), Some("a/b/c; ;;")][random.below(3)], random.bytes(200)),
        8 => {
            let method = [reqwest::Method::GET, reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH];
            (method[random.below(4)].clone(), FORM, b"code=123456".to_vec())
        }
        9 => (reqwest::Method::POST, FORM, Vec::new()),
        10 => {
            // Every field present, each odd in its own way.
            let body = format!(
                "name={}&email={}%40{}&password={}&next=%2F%2Fevil.example&code={}&phone=%2B{}",
                "n".repeat(random.below(300)),
                "e".repeat(random.below(300)),
                "x".repeat(random.below(300)),
                "p".repeat(random.below(5_000)),
                random.below(10_000_000),
                "9".repeat(random.below(40)),
            );
            (reqwest::Method::POST, FORM, body.into_bytes())
        }
        _ => {
            let mut body = b"email=".to_vec();
            body.extend(random.bytes(40).into_iter().map(|byte| byte % 128));
            (reqwest::Method::POST, FORM, body)
        }
    }
}

/// A cookie value of printable junk.
fn garbage(random: &mut Random) -> String {
    random.bytes(60).into_iter().map(|byte| char::from(b'!' + byte % 90)).filter(|c| !";,\\\" ".contains(*c)).collect()
}

fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

/// xorshift64*: small, seeded, good enough to spread inputs.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn bytes(&mut self, most: usize) -> Vec<u8> {
        let length = self.below(most + 1);
        (0..length).map(|_| self.next() as u8).collect()
    }
}
