//! What slow, silent and greedy clients cost: a request whose headers trickle in,
//! a connection left silent or idle, a body that never finishes, and a crowd of
//! connections from one network. Each is closed within its limit while another
//! client is answered at once. The limits are server-wide, not per database, so
//! these run on SQLite only.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use server::{Config, ConnectionLimits};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::{Backend, TestApp};

/// Limits a test can watch act: one second each.
fn quick(config: &mut Config) {
    config.connections = ConnectionLimits {
        header_read: SECOND,
        body_read: SECOND,
        idle: SECOND,
        max_connections: ConnectionLimits::default().max_connections,
    };
}

const SECOND: Duration = Duration::from_secs(1);
/// Far past every limit here: a server that never closes fails the test instead
/// of hanging it.
const NEVER: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_a_byte_at_a_time_are_cut_off_while_another_client_is_answered() {
    let app = TestApp::start_with(Backend::Sqlite, quick).await.unwrap();
    let (mut reading, mut writing) = TcpStream::connect(app.addr).await.unwrap().into_split();
    writing.write_all(b"GET /login HT").await.unwrap();
    let started = Instant::now();
    tokio::spawn(async move {
        for byte in b"TP/1.1\r\nHost: portal\r\nX-Slow: " {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writing.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
        std::future::pending::<()>().await;
    });

    let page = app.get(app::routes::SIGN_IN, None).await;
    assert_eq!(page.status(), StatusCode::OK, "the customer is answered meanwhile");
    let read = tokio::time::timeout(NEVER, reading.read(&mut [0; 64])).await.expect("the server closes it");
    assert!(matches!(read, Ok(0) | Err(_)), "closed without an answer: {read:?}");
    assert!(started.elapsed() < 3 * SECOND, "closed after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_connections_are_closed() {
    let app = TestApp::start_with(Backend::Sqlite, quick).await.unwrap();
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    let answer = exchange(&mut idle, "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    for stream in [&mut silent, &mut idle] {
        let read = tokio::time::timeout(NEVER, stream.read(&mut [0; 64])).await.expect("the server closes it");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_finishes_gets_408_and_a_closed_connection() {
    let app = TestApp::start_with(Backend::Sqlite, quick).await.unwrap();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = "POST /api/sign_in HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 100\r\n\r\nemail=ana";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(NEVER, stream.read_to_string(&mut answer)).await.expect("the server closes it").unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    assert!(answer.contains("took too long to arrive"), "the page can say why: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_a_crowd_from_one_network_displaces_only_itself() {
    let app = TestApp::start_with(Backend::Sqlite, |config| {
        config.connections.max_connections = 4;
    })
    .await
    .unwrap();
    let mut crowd = Vec::new();
    for _ in 0..4 {
        let mut stream = connect_from("127.0.0.2", app.addr).await;
        let answer = exchange(&mut stream, "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        crowd.push(stream);
    }

    let mut customer = connect_from("127.0.0.3", app.addr).await;
    let answer = exchange(&mut customer, "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "the customer gets in: {answer}");
    let oldest = tokio::time::timeout(NEVER, crowd[0].read(&mut [0; 64])).await.expect("displaced");
    assert!(matches!(oldest, Ok(0) | Err(_)), "the crowd's oldest made room: {oldest:?}");

    let mut one_more = connect_from("127.0.0.2", app.addr).await;
    let _ = one_more.write_all(b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    let refused = tokio::time::timeout(NEVER, one_more.read(&mut [0; 64])).await.expect("refused at once");
    assert!(matches!(refused, Ok(0) | Err(_)), "the crowd cannot displace the customer: {refused:?}");
    let answer = exchange(&mut crowd[1], "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "the crowd's other connections still work: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_displaced_connection_first_answers_the_request_it_is_working_on() {
    let app = TestApp::start_with(Backend::Sqlite, |config| {
        config.connections.max_connections = 2;
    })
    .await
    .unwrap();
    // The crowd's oldest connection is signing in: its body is on its way.
    let mut signing_in = connect_from("127.0.0.2", app.addr).await;
    let head = "POST /api/sign_in HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 49\r\n\r\nemail=ana%40example.com";
    signing_in.write_all(head.as_bytes()).await.unwrap();
    let mut crowd = connect_from("127.0.0.2", app.addr).await;
    let answer = exchange(&mut crowd, "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let mut customer = connect_from("127.0.0.3", app.addr).await;
    let answer = exchange(&mut customer, "GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "the customer gets in: {answer}");

    // Displaced, the sign-in still gets its answer, and then the connection closes.
    signing_in.write_all(b"&password=not-the-password").await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(NEVER, signing_in.read_to_string(&mut answer)).await.expect("closed after").unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "answered, not cut off: {answer}");
}

/// A connection from `source`, one of loopback's many addresses, as if from
/// another network.
async fn connect_from(source: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(source.parse().unwrap(), 0)).unwrap();
    socket.connect(server).await.unwrap()
}

/// Sends `request` and reads its whole answer, which has a `Content-Length`.
async fn exchange(stream: &mut TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = tokio::time::timeout(NEVER, stream.read(&mut chunk)).await.expect("an answer").unwrap();
        answer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
                .and_then(|length| length.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return text.into_owned();
            }
        }
        if read == 0 {
            return String::from_utf8_lossy(&answer).into_owned();
        }
    }
}
