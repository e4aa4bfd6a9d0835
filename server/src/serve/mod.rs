//! Serving the portal on a listening socket, the one way the server, the tests and
//! the benchmarks do it. What one client may cost is bounded: its request's headers
//! must arrive within a timeout, a connection on which nothing moves is closed, and
//! past a cap of open connections a newcomer displaces the biggest network's oldest
//! (`admission`). Each request knows its peer's address (security events and the
//! network budgets use it), and every connection gets `TCP_NODELAY`: without it,
//! Nagle's algorithm holds back a response's last small segment until the client
//! acknowledges the one before, and every response after the first on a
//! kept-alive connection stalled about 40 ms.

mod activity;
mod admission;
mod open_files;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use portal_core::vocabulary::Network;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt as _;

use self::activity::{Activity, Watched};
use self::admission::Admission;

/// What one slow, silent or greedy client may cost; the README lists their variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's headers must all arrive within this, counted from when the
    /// connection is ready for one: just opened, or idle after an answer.
    pub header_read: Duration,
    /// A server function's body must all arrive within this once its headers did.
    pub body_read: Duration,
    /// A connection on which nothing moved for this long, while no request on it
    /// was being worked on, is closed.
    pub idle: Duration,
    /// How many connections may be open at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            idle: Duration::from_secs(10),
            max_connections: 4096,
        }
    }
}

/// Headers and buffered body larger than this get `431` or a closed connection:
/// far above any browser's request, and bounds the memory a connection may hold.
const MAX_BUFFER_BYTES: usize = 64 * 1024;

/// How long a displaced connection may go on answering the request it is working on.
const DISPLACED_GRACE: Duration = Duration::from_secs(10);
/// How long nothing moves on a displaced connection before it is closed: its
/// answer has been written by then.
const QUIET_AFTER_ANSWER: Duration = Duration::from_millis(100);
/// Displaced connections finishing their request at once, at most: past it, a
/// displaced connection closes at once whatever it was doing.
const MAX_DRAINING: usize = 32;

/// A displaced connection finishing its request, counted until dropped.
struct Draining(Arc<AtomicUsize>);

impl Draining {
    /// A place among the draining connections, if there is one.
    fn start(count: &Arc<AtomicUsize>) -> Option<Self> {
        let draining = Self(Arc::clone(count));
        // Counted before it checks, so two displaced at once cannot both pass it.
        (count.fetch_add(1, Ordering::AcqRel) < MAX_DRAINING).then_some(draining)
    }
}

impl Drop for Draining {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let admission = Admission::new(open_files::connections_that_fit(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let draining = Arc::new(AtomicUsize::new(0));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read).max_buf_size(MAX_BUFFER_BYTES);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(mut ticket) = admission.admit(Network::of(peer.ip())) else {
            metrics::counter!("portal_connections_closed_total", "reason" => "refused").increment(1);
            continue;
        };
        metrics::gauge!("portal_connections_open").set(admission.count() as f64);
        set_nodelay(&stream);
        let activity = Activity::new();
        let service = hyper::service::service_fn({
            let (router, activity) = (router.clone(), activity.clone());
            move |request| answer(router.clone(), activity.working(), peer, request)
        });
        let connection =
            graceful.watch(http.serve_connection(TokioIo::new(Watched::new(stream, activity.clone())), service));
        let (idle, admission, draining) = (limits.idle, admission.clone(), draining.clone());
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let reason = tokio::select! {
                served = &mut connection => match served {
                    Err(error) if error.is_timeout() => "header_timeout",
                    _ => "ended",
                },
                () = activity.idle_for(idle) => "idle",
                () = ticket.displaced() => {
                    // A request being answered is answered first (for a while at
                    // most, and only so many at once: a draining connection has
                    // left the count); a connection that only waits closes at once.
                    if let Some(_draining) = activity.is_working().then(|| Draining::start(&draining)).flatten() {
                        let answered = async {
                            tokio::select! {
                                _ = &mut connection => {},
                                () = activity.idle_for(QUIET_AFTER_ANSWER) => {},
                            }
                        };
                        let _ = tokio::time::timeout(DISPLACED_GRACE, answered).await;
                    }
                    "displaced"
                }
            };
            drop(ticket);
            metrics::counter!("portal_connections_closed_total", "reason" => reason).increment(1);
            metrics::gauge!("portal_connections_open").set(admission.count() as f64);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One request, with its peer's address, marked as worked on until answered.
async fn answer(
    router: Router,
    _working: activity::Working,
    peer: SocketAddr,
    mut request: hyper::Request<Incoming>,
) -> Result<axum::response::Response, Infallible> {
    request.extensions_mut().insert(ConnectInfo(peer));
    router.oneshot(request.map(axum::body::Body::new)).await
}

/// After a failed accept: at once if only that connection failed; a moment if the
/// process ran out of file descriptors, so the loop does not spin meanwhile.
async fn pause_after(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tracing::warn!(%error, "cannot accept a connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn set_nodelay(stream: &TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
    }
}
