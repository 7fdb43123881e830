//! The accept loop and each connection's HTTP/1 (hyper, with a header-read timeout).

use super::slots::{Slot, Slots, Throttle};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tower::ServiceExt;

/// Pause after `accept` fails for want of resources (EMFILE, ENFILE, ENOBUFS, ...).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Pause after that when an idle connection was closed to free its descriptor.
const ACCEPT_BACKOFF_AFTER_CLOSING: Duration = Duration::from_millis(5);

/// Accepts until `stop` fires (or its sender is dropped), then closes idle connections, lets busy
/// ones finish their request, and returns once all are closed.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    max_connections: usize,
    header_read_timeout: Duration,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Slots::new(max_connections);
    let (mut full, mut failing) = (Throttle::default(), Throttle::default());
    loop {
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(e) if gone_before_accept(&e) => continue,
                Err(e) => {
                    // Most likely out of file descriptors: an idle connection gives its up, as at the cap.
                    let made_room = slots.close_longest_idle();
                    if let Some(suppressed) = failing.ready() {
                        tracing::warn!(error = %e, made_room, suppressed, "intake cannot accept connections; retrying shortly");
                    }
                    let pause = if made_room { ACCEPT_BACKOFF_AFTER_CLOSING } else { ACCEPT_BACKOFF };
                    tokio::select! {
                        _ = &mut stop => break,
                        () = tokio::time::sleep(pause) => continue,
                    }
                }
            },
        };
        let slot = tokio::select! {
            _ = &mut stop => break,
            slot = slots.take(&mut full) => slot,
        };
        tokio::spawn(serve(stream, app.clone(), slot, header_read_timeout));
    }
    drop(listener);
    slots.close_all();
    slots.all_closed().await;
}

/// Errors about one connection that went away before it was accepted: accept the next one.
fn gone_before_accept(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
    )
}

/// Serves one connection until the client or a timeout closes it, or it is asked to close.
async fn serve(stream: TcpStream, app: Router, slot: Slot, header_read_timeout: Duration) {
    let _ = stream.set_nodelay(true);
    let conn = slot.conn.clone();
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let busy = conn.begin();
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await;
            drop(busy);
            response
        }
    });
    // The header-read timer runs from the moment the connection waits for a request: right after
    // accept, and again after each response, so it is also the keep-alive idle timeout.
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let connection = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let ended = tokio::select! {
        ended = connection.as_mut() => ended,
        () = slot.conn.closing() => {
            if !slot.conn.is_busy() {
                // Nothing in flight: dropping the connection closes it.
                return;
            }
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(error = %e, "intake connection closed with an error");
    }
}
