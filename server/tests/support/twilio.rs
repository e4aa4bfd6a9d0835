//! A stand-in for Twilio's Messages endpoint: a real HTTP server on a loopback port
//! that checks what Twilio checks (the path's account, basic auth, the form's
//! fields) and keeps each accepted message for the test to read its code from.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
use axum::routing::post;
use base64::Engine as _;
use portal_core::outbox::sms::TwilioConfig;

pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "stand-in-auth-token";
pub const FROM: &str = "+15005550006";

#[derive(Clone, Debug)]
pub struct TextMessage {
    pub to: String,
    pub body: String,
}

#[derive(Clone)]
pub struct TwilioStandIn {
    addr: SocketAddr,
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    accepted: Mutex<Vec<TextMessage>>,
    /// Requests refused for what they carried (never expected from the portal).
    malformed: Mutex<Vec<String>>,
    /// Answers 503 to everything while set, as an outage would.
    down: AtomicBool,
    /// How many messages the test has read, per number.
    read: Mutex<HashMap<String, usize>>,
}

impl TwilioStandIn {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner::default());
        let router = axum::Router::new()
            .route("/2010-04-01/Accounts/{sid}/Messages.json", post(create_message))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { addr, inner }
    }

    /// The portal's configuration for this server.
    pub fn config(&self) -> TwilioConfig {
        TwilioConfig {
            api_base: format!("http://{}", self.addr),
            account_sid: ACCOUNT_SID.into(),
            auth_token: AUTH_TOKEN.into(),
            from: FROM.into(),
        }
    }

    pub fn set_down(&self, down: bool) {
        self.inner.down.store(down, Ordering::SeqCst);
    }

    /// Every message accepted so far.
    pub fn accepted(&self) -> Vec<TextMessage> {
        self.inner.accepted.lock().unwrap().clone()
    }

    /// The code of the next message to `to` not read yet, waiting up to 15 s for it.
    pub async fn next_code(&self, to: &str) -> String {
        for _ in 0..300 {
            if let Some(message) = self.take_unread(to) {
                return message.body.chars().take_while(char::is_ascii_digit).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no SMS to {to} arrived; malformed requests: {:?}", self.inner.malformed.lock().unwrap());
    }

    /// How many messages `to` received, once there are at least `expected` (or after
    /// 15 s, whichever comes first).
    pub async fn count_to(&self, to: &str, expected: usize) -> usize {
        let count = || self.accepted().iter().filter(|message| message.to == to).count();
        for _ in 0..300 {
            if count() >= expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        count()
    }

    fn take_unread(&self, to: &str) -> Option<TextMessage> {
        let mut read = self.inner.read.lock().unwrap();
        let seen = read.entry(to.to_owned()).or_default();
        let message = self.accepted().into_iter().filter(|message| message.to == to).nth(*seen)?;
        *seen += 1;
        Some(message)
    }
}

async fn create_message(
    State(inner): State<Arc<Inner>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, String) {
    if inner.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, r#"{"message":"Service Unavailable"}"#.into());
    }
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}"));
    let authorized = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok())
        == Some(format!("Basic {credentials}").as_str());
    let refuse = |status: StatusCode, problem: String| {
        inner.malformed.lock().unwrap().push(problem.clone());
        (status, format!(r#"{{"message":"{problem}"}}"#))
    };
    if sid != ACCOUNT_SID {
        return refuse(StatusCode::NOT_FOUND, format!("unknown account {sid}"));
    }
    if !authorized {
        return refuse(StatusCode::UNAUTHORIZED, "authenticate".into());
    }
    let (Some(to), Some(from), Some(body)) = (form.get("To"), form.get("From"), form.get("Body")) else {
        return refuse(StatusCode::BAD_REQUEST, format!("To, From and Body are required: {form:?}"));
    };
    if from != FROM || !to.starts_with('+') || body.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, format!("bad fields: {form:?}"));
    }
    inner.accepted.lock().unwrap().push(TextMessage { to: to.clone(), body: body.clone() });
    (StatusCode::CREATED, r#"{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"#.into())
}
