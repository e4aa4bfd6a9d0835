//! Serving the portal on a listening socket, the one way the server, the tests and
//! the benchmarks do it. Each request knows its peer's address (security events
//! record it), and every accepted connection gets `TCP_NODELAY`: without it,
//! Nagle's algorithm holds back a response's last small segment until the client
//! acknowledges the one before, and clients delay that acknowledgement, so every
//! response after the first on a kept-alive connection stalled about 40 ms.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::serve::{ListenerExt as _, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// Serves `router` on `listener` until `shutdown` resolves, letting requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(without_delay(listener), service).with_graceful_shutdown(shutdown).await
}

/// `listener`, with `TCP_NODELAY` on every connection it accepts.
fn without_delay(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
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
