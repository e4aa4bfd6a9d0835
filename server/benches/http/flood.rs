//! The customer's own browser signing in while strangers flood sign-in with
//! unknown emails, 300 at a time, from one address and then from 200 (loopback's
//! 127.0.x.y, bound as source addresses, stand for other networks). The browser
//! holds a device cookie for its account, so it spends no network's budget and
//! waits in an Argon2 lane of its own; the strangers meet their networks' budgets
//! (429) and the bound on strangers waiting for Argon2 (503). Prints the customer's
//! p50 and p99, and what the strangers were answered.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

use super::{Connection, PASSWORD, post};

/// Strangers' sign-ins in flight at once.
pub const STRANGERS: usize = 300;

/// Where the flood comes from.
pub enum Origin {
    /// No flood: the customer alone.
    Nobody,
    /// Every stranger from one address.
    OneAddress,
    /// Strangers spread over 200 addresses.
    Addresses(usize),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Self::Nobody => "no flood".to_owned(),
            Self::OneAddress => "flood from one address".to_owned(),
            Self::Addresses(count) => format!("flood from {count} addresses"),
        }
    }

    /// The address stranger `n` connects from.
    fn source(&self, n: usize) -> IpAddr {
        match self {
            Self::Nobody | Self::OneAddress => IpAddr::V4(Ipv4Addr::new(127, 0, 1, 1)),
            Self::Addresses(count) => {
                let n = n % count;
                IpAddr::V4(Ipv4Addr::new(127, 0, 2 + (n / 250) as u8, 1 + (n % 250) as u8))
            }
        }
    }
}

/// The customer's sign-ins for `duration` while the flood from `origin` runs,
/// one after another with a pause between, each with the browser's device cookie.
pub async fn measure(server: SocketAddr, origin: Origin, customer: (&str, &str), duration: Duration) {
    let (email, device_cookie) = customer;
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
    let strangers = match origin {
        Origin::Nobody => Vec::new(),
        _ => (0..STRANGERS)
            .map(|n| tokio::spawn(stranger(server, origin.source(n), n, stop.clone(), answers.clone())))
            .collect(),
    };
    // The flood builds up before the customer arrives.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let cookie = format!("portal_device={device_cookie}");
    let mut connection = Connection::open(server).await;
    let (mut latencies, mut refused) = (Vec::new(), 0);
    let started = Instant::now();
    while started.elapsed() < duration {
        let sent = Instant::now();
        let answer = connection.send(post("/api/sign_in", &cookie, &[("email", email), ("password", PASSWORD)])).await;
        latencies.push(sent.elapsed());
        refused += usize::from(answer.status != StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for stranger in strangers {
        let _ = stranger.await;
    }

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let answered: Vec<String> =
        answers.lock().unwrap().iter().map(|(status, count)| format!("{status}: {count}")).collect();
    print!("{:<34}{:>10}{:>10.1}{:>10.1}", origin.describe(), latencies.len(), ms(at(0.5)), ms(at(0.99)));
    if refused > 0 {
        print!("   (customer refused {refused} times)");
    }
    if !answered.is_empty() {
        print!("   strangers answered {}", answered.join(", "));
    }
    println!();
}

/// One stranger: sign-ins with unknown emails back to back from `source`, on a
/// kept-alive connection (a new one whenever the server closes it), until `stop`.
async fn stranger(
    server: SocketAddr,
    source: IpAddr,
    n: usize,
    stop: Arc<AtomicBool>,
    answers: Arc<Mutex<BTreeMap<u16, usize>>>,
) {
    let mut tries = 0;
    while !stop.load(Ordering::Relaxed) {
        let Some(mut sender) = connect_from(source, server).await else {
            *answers.lock().unwrap().entry(0).or_default() += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        while !stop.load(Ordering::Relaxed) {
            tries += 1;
            let email = format!("stranger-{n}-{tries}@example.com");
            let request = post("/api/sign_in", "", &[("email", &email), ("password", "password123")]);
            let Ok(()) = sender.ready().await.map_err(drop) else { break };
            let Ok(response) = sender.send_request(request).await else { break };
            let status = response.status().as_u16();
            let _ = response.into_body().collect().await;
            *answers.lock().unwrap().entry(status).or_default() += 1;
        }
    }
}

/// A connection from `source`, one of loopback's addresses, or `None` if refused.
async fn connect_from(source: IpAddr, server: SocketAddr) -> Option<http1::SendRequest<Full<Bytes>>> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::new(source, 0)).ok()?;
    let stream = socket.connect(server).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    Some(sender)
}
