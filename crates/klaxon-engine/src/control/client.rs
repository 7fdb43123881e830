//! A window's side of the control socket: typed calls and the pager's events.

use super::{Call, ClientFrame, IpcError, IpcErrorCode, MAX_LINE, ServerFrame, WireEvent};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::OwnedWriteHalf;
use tokio::sync::{mpsc, oneshot};

/// How long one call may take (adding an account asks the platform first; a phone round trip
/// waits up to 2 minutes for a human to tap Acknowledge).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(150);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<serde_json::Value, IpcError>>>>>;

/// Connected to a pager.
#[derive(Debug)]
pub struct ControlClient {
    write: tokio::sync::Mutex<OwnedWriteHalf>,
    pending: Pending,
    next_id: AtomicU64,
}

fn stopped() -> IpcError {
    IpcError::new(IpcErrorCode::Pager, "Klaxon's pager stopped; start Klaxon again")
}

impl ControlClient {
    /// Connects to the socket at `path`; events arrive on the receiver until the pager goes away
    /// (then it closes).
    pub async fn connect(path: &Path) -> std::io::Result<(Self, mpsc::UnboundedReceiver<WireEvent>)> {
        let stream = UnixStream::connect(path).await?;
        let (read, write) = stream.into_split();
        let pending: Pending = Arc::default();
        let (events_tx, events) = mpsc::unbounded_channel();
        tokio::spawn(read_frames(BufReader::new(read), pending.clone(), events_tx));
        Ok((Self { write: tokio::sync::Mutex::new(write), pending, next_id: AtomicU64::new(1) }, events))
    }

    /// Sends `call` to the pager and decodes its answer.
    pub async fn call<C: Call>(&self, call: C) -> Result<C::Reply, IpcError> {
        let request = call.into();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().map_err(|_| stopped())?.insert(id, tx);
        let mut line = serde_json::to_vec(&ClientFrame { id, request })
            .map_err(|e| IpcError::new(IpcErrorCode::Internal, e.to_string()))?;
        line.push(b'\n');
        if self.write.lock().await.write_all(&line).await.is_err() {
            self.forget(id);
            return Err(stopped());
        }
        let value = match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(result)) => result?,
            Ok(Err(_)) => return Err(stopped()),
            Err(_) => {
                self.forget(id);
                return Err(IpcError::new(IpcErrorCode::Pager, "Klaxon's pager did not answer in time"));
            }
        };
        serde_json::from_value(value)
            .map_err(|e| IpcError::new(IpcErrorCode::Internal, format!("the pager's answer: {e}")))
    }

    fn forget(&self, id: u64) {
        if let Ok(mut p) = self.pending.lock() {
            p.remove(&id);
        }
    }
}

async fn read_frames(
    mut read: BufReader<tokio::net::unix::OwnedReadHalf>,
    pending: Pending,
    events: mpsc::UnboundedSender<WireEvent>,
) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match (&mut read).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) if buf.len() > MAX_LINE => break,
            Ok(_) => {}
        }
        match serde_json::from_slice::<ServerFrame>(&buf) {
            Ok(ServerFrame::Reply { id, result }) => {
                let waiter = pending.lock().ok().and_then(|mut p| p.remove(&id));
                match waiter {
                    Some(tx) => drop(tx.send(result)),
                    None => tracing::warn!(id, ?result, "control socket: an answer nobody waits for"),
                }
            }
            Ok(ServerFrame::Event(event)) => {
                let _ = events.send(event);
            }
            Err(e) => tracing::warn!(error = %e, "control socket: unreadable line from the pager"),
        }
    }
    // Every waiting call fails now (their senders drop).
    if let Ok(mut p) = pending.lock() {
        p.clear();
    }
}
