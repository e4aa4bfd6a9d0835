//! What moves on a connection: bytes either way, and requests the server is
//! working on. A connection on which nothing moved for the idle timeout while no
//! request was being worked on is closed: kept alive and unused, or with a client
//! that stopped reading its answer. Waiting on the server (an Argon2 queue, the
//! database) is not the client's idleness and never counts.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// One connection's activity.
#[derive(Debug)]
pub struct Activity {
    opened: Instant,
    /// When bytes last moved or a request last ended, in milliseconds since `opened`.
    last_moved: AtomicU64,
    working: AtomicUsize,
}

impl Activity {
    pub fn new() -> Arc<Self> {
        Arc::new(Self { opened: Instant::now(), last_moved: AtomicU64::new(0), working: AtomicUsize::new(0) })
    }

    fn moved(&self) {
        let since = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_moved.store(since, Ordering::Relaxed);
    }

    fn last_moved(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_moved.load(Ordering::Relaxed))
    }

    /// Marks a request as being worked on until the guard is dropped.
    pub fn working(self: &Arc<Self>) -> Working {
        self.working.fetch_add(1, Ordering::Relaxed);
        Working(self.clone())
    }

    /// Whether a request on it is being worked on now.
    pub fn is_working(&self) -> bool {
        self.working.load(Ordering::Relaxed) > 0
    }

    /// Resolves once nothing moved for `idle` while no request was worked on.
    pub async fn idle_for(&self, idle: Duration) {
        loop {
            tokio::time::sleep_until(self.last_moved() + idle).await;
            if self.working.load(Ordering::Relaxed) > 0 {
                // The request's end counts as a move, so this waits at most `idle` past it.
                tokio::time::sleep(idle).await;
            } else if self.last_moved() + idle <= Instant::now() {
                return;
            }
        }
    }
}

/// A request being worked on.
#[derive(Debug)]
pub struct Working(Arc<Activity>);

impl Drop for Working {
    fn drop(&mut self) {
        self.0.moved();
        self.0.working.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that tells its [`Activity`] whenever bytes move.
#[derive(Debug)]
pub struct Watched<S> {
    stream: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub fn new(stream: S, activity: Arc<Activity>) -> Self {
        Self { stream, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.moved();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.moved_if_written(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.moved_if_written(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl<S> Watched<S> {
    fn moved_if_written(&self, polled: &Poll<io::Result<usize>>) {
        if matches!(polled, Poll::Ready(Ok(written)) if *written > 0) {
            self.activity.moved();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idleness_waits_for_the_request_being_worked_on() {
        let activity = Activity::new();
        let working = activity.working();
        let idle = tokio::spawn({
            let activity = activity.clone();
            async move { activity.idle_for(Duration::from_secs(10)).await }
        });
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert!(!idle.is_finished(), "a request in the works is not idleness");
        drop(working);
        tokio::time::sleep(Duration::from_secs(9)).await;
        assert!(!idle.is_finished());
        tokio::time::sleep(Duration::from_secs(11)).await;
        assert!(idle.is_finished(), "idle within the timeout past the request's end, give or take one wait");
    }
}
