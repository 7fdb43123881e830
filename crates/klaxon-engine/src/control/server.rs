//! The pager's side of the control socket: a private Unix socket in the data dir (mode 0600, and
//! only peers of the same user), served while the engine runs.

use super::{AttachWindow, Attached, ClientFrame, Dispatcher, IpcError, MAX_LINE, Request, ServerFrame, Windows};
use crate::EngineError;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Serving the control socket.
#[derive(Debug)]
pub struct ControlServer {
    path: PathBuf,
    accept: JoinHandle<()>,
}

struct Shared {
    dispatcher: Arc<Dispatcher>,
    windows: Arc<Windows>,
    next_conn: AtomicU64,
    /// The uid that owns the socket file (this process's).
    owner: Option<u32>,
}

impl ControlServer {
    /// Listens on `path` (a stale socket left by a crash is replaced: the caller owns the data
    /// dir's lock through the dispatcher's engine, so no other pager can be using it). Windows
    /// attach to `windows`; every other call goes to `dispatcher`.
    pub async fn start(dispatcher: Arc<Dispatcher>, windows: Arc<Windows>, path: &Path) -> Result<Self, EngineError> {
        let io = |source| EngineError::Io { path: path.to_owned(), source };
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
        let listener = UnixListener::bind(path).map_err(io)?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
        let owner = {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path).map(|m| m.uid()).ok()
        };
        let shared = Arc::new(Shared { dispatcher, windows, next_conn: AtomicU64::new(1), owner });
        let accept = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(serve(shared.clone(), stream));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "control socket: accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                }
            }
        });
        Ok(Self { path: path.to_owned(), accept })
    }

    /// Where it listens.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops accepting and removes the socket file (open connections end with the process).
    pub fn stop(&self) {
        self.accept.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The same user only: the peer's uid is the socket file's owner, i.e. ours (the socket's mode
/// says so too; this also covers a permissive umask race).
fn same_user(stream: &UnixStream, owner: Option<u32>) -> bool {
    match (stream.peer_cred(), owner) {
        (Ok(cred), Some(owner)) => cred.uid() == owner,
        _ => false,
    }
}

async fn serve(shared: Arc<Shared>, stream: UnixStream) {
    if !same_user(&stream, shared.owner) {
        tracing::warn!("control socket: refused a peer of another user");
        return;
    }
    let conn = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let (read, mut write) = stream.into_split();
    let (out, mut outgoing) = mpsc::unbounded_channel::<ServerFrame>();
    let writer = tokio::spawn(async move {
        while let Some(frame) = outgoing.recv().await {
            let Ok(mut line) = serde_json::to_vec(&frame) else { continue };
            line.push(b'\n');
            if write.write_all(&line).await.is_err() {
                break;
            }
        }
    });
    let events_out = out.clone();
    let events = tokio::spawn(super::pump_events(shared.dispatcher.engine().subscribe(), move |e| {
        events_out.send(ServerFrame::Event(e)).is_ok()
    }));
    let mut lines = BufReader::new(read);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match (&mut lines).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) if buf.len() > MAX_LINE => {
                let error = IpcError::invalid_input(format!("request: longer than {MAX_LINE} bytes"));
                let _ = out.send(ServerFrame::Reply { id: 0, result: Err(error) });
                break;
            }
            Ok(_) => {}
        }
        match serde_json::from_slice::<ClientFrame>(&buf) {
            Ok(frame) => {
                let (shared, out) = (shared.clone(), out.clone());
                tokio::spawn(async move {
                    let result = answer(&shared, conn, &out, frame.request).await;
                    let _ = out.send(ServerFrame::Reply { id: frame.id, result });
                });
            }
            Err(e) => {
                let error = IpcError::invalid_input(format!("request: {e}"));
                let _ = out.send(ServerFrame::Reply { id: 0, result: Err(error) });
            }
        }
    }
    shared.windows.detach(conn);
    events.abort();
    drop(out);
    let _ = writer.await;
}

/// The window's attach is this connection's own; every other call goes to the dispatcher.
async fn answer(
    shared: &Shared,
    conn: u64,
    out: &mpsc::UnboundedSender<ServerFrame>,
    request: Request,
) -> Result<serde_json::Value, IpcError> {
    match request {
        Request::AttachWindow(AttachWindow {}) => {
            let first = shared.windows.attach(conn, out.clone());
            serde_json::to_value(Attached { first })
                .map_err(|e| IpcError::new(super::IpcErrorCode::Internal, e.to_string()))
        }
        request => shared.dispatcher.handle(request).await,
    }
}
