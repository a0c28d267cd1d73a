//! The connections: hyper's HTTP/1 server with a header-read timeout (which also closes a
//! connection idle between requests), a cap on open connections in all and per client address,
//! and graceful shutdown (hyper-util's `GracefulShutdown`).
//!
//! A client that trickles its headers or says nothing is closed after `header_timeout`; one
//! that trickles a body is answered 408 by the request timeout of the router. A connection
//! over either cap is closed at once, so slow clients cannot exhaust the file descriptors and
//! the collector keeps answering everyone else.

use crate::cli::{MAX_CONNECTIONS, MAX_PER_ADDRESS};
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Default of `--header-timeout`.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for connections to finish their requests at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// The connection limits of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's headers must arrive within this time; an idle connection is closed after it.
    pub header_timeout: Duration,
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections from one client address (addresses of trusted proxies are exempt).
    pub max_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { header_timeout: HEADER_TIMEOUT, max_connections: MAX_CONNECTIONS, max_per_address: MAX_PER_ADDRESS }
    }
}

/// Open connections per client address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection counted in [`PerAddress`]; uncounted when dropped.
struct Slot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl Slot {
    fn take(table: &Arc<PerAddress>, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut map = table.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot { table: table.clone(), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.table.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the connections finish
/// their requests (at most [`DRAIN`]). `exempt` says which peers the per-address cap spares
/// (trusted proxies, whose connections carry many clients).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    exempt: impl Fn(IpAddr) -> bool,
    shutdown: impl Future<Output = ()>,
) {
    let total = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a little
                    // instead of spinning; open connections close by their timeouts.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = total.clone().try_acquire_owned() else {
            tracing::warn!(peer = %peer.ip(), "connection refused: {} connections are open", limits.max_connections);
            continue;
        };
        let slot = if exempt(peer.ip()) {
            None
        } else {
            match Slot::take(&per_address, peer.ip(), limits.max_per_address) {
                Some(slot) => Some(slot),
                None => {
                    tracing::warn!(peer = %peer.ip(), "connection refused: {} open from this address", limits.max_per_address);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(req)
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(DRAIN) => tracing::warn!("connections still open after {} s: closing them", DRAIN.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_count_per_address_and_free_on_drop() {
        let table = Arc::new(PerAddress::default());
        let ip: IpAddr = "10.0.0.1".parse().expect("ip");
        let a = Slot::take(&table, ip, 2).expect("first");
        let b = Slot::take(&table, ip, 2).expect("second");
        assert!(Slot::take(&table, ip, 2).is_none());
        assert!(Slot::take(&table, "10.0.0.2".parse().expect("ip"), 2).is_some());
        drop(a);
        assert!(Slot::take(&table, ip, 2).is_some());
        drop(b);
        assert!(table.0.lock().expect("lock").is_empty());
    }
}
