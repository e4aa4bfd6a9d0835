//! A real SMTP server on a loopback port, in the test process: lettre talks to it
//! over TCP exactly as to a production relay. It keeps every message it accepts.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message: the envelope and the raw data.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The data with quoted-printable soft line breaks and `=3D` undone, enough to
    /// match the ASCII text of the portal's emails.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    accepting: JoinHandle<()>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::listen(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// On a socket bound before (and refusing connections meanwhile): a mail
    /// server that comes (back) up there. Bound all along, its port cannot be
    /// taken by another test in between.
    pub async fn start_on(socket: tokio::net::TcpSocket) -> Self {
        Self::listen(socket.listen(64).unwrap())
    }

    fn listen(listener: TcpListener) -> Self {
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&received);
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(converse(stream, Arc::clone(&store)));
            }
        });
        Self { addr, received, accepting }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The messages accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until `count` messages have arrived; returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} messages, got {:?}", self.received());
    }

    /// Waits (up to 20 s) for a message whose subject has `subject` in it; returns it.
    pub async fn wait_for_subject(&self, subject: &str) -> Received {
        let line = format!("Subject: Customer Portal: {subject}");
        for _ in 0..200 {
            // A long subject is folded onto a second header line.
            let has_subject = |message: &Received| message.text().replace("\r\n ", " ").contains(&line);
            if let Some(found) = self.received().into_iter().find(has_subject) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected a message about {subject:?}, got {:?}", self.received());
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// The server side of one SMTP session (RFC 5321), enough for any client.
async fn converse(stream: TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    let mut to = Vec::new();
    let _ = writer.write_all(b"220 localhost test SMTP\r\n").await;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-localhost\r\n250 8BITMIME\r\n"
        } else if command.starts_with("RCPT TO:") {
            to.push(line.trim_end()[8..].trim_matches(|c| c == '<' || c == '>' || c == ' ').to_owned());
            b"250 OK\r\n"
        } else if command == "DATA" {
            let _ = writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().unwrap().push(Received { to: std::mem::take(&mut to), data });
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            let _ = writer.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            b"250 OK\r\n"
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}
