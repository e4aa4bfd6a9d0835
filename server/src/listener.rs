//! The listening socket. Every accepted connection gets `TCP_NODELAY`: without it,
//! Nagle's algorithm holds back a response's last small segment until the client
//! acknowledges the one before, and clients delay that acknowledgement, so every
//! response after the first on a kept-alive connection stalled about 40 ms.

use axum::serve::{ListenerExt as _, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// A listener whose connections send at once.
pub type Accepting = TapIo<TcpListener, fn(&mut TcpStream)>;

/// `listener`, with `TCP_NODELAY` on every connection it accepts.
pub fn without_delay(listener: TcpListener) -> Accepting {
    listener.tap_io(set_nodelay as fn(&mut TcpStream))
}

fn set_nodelay(stream: &mut TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
    }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener as _;

    use super::*;

    #[tokio::test]
    async fn accepted_connections_send_without_delay() {
        let mut listener = without_delay(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await;
        assert!(accepted.nodelay().unwrap());
    }
}
