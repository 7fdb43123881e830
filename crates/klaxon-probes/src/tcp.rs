//! Does `host:port` accept a TCP connection?

use crate::Finding;
use crate::evidence::{Check, connect_failure, host_port, human, timed_out};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::{TcpStream, lookup_host};

/// Connects to `host:port` (each address the name resolves to, in turn) within `timeout`, then
/// closes the connection.
pub async fn tcp(host: &str, port: u16, timeout: Duration) -> Finding {
    let check = Check::start(format!("tcp {}", host_port(host, port)));
    match tokio::time::timeout(timeout, connect(host, port)).await {
        Err(_) => check.fail(timed_out(timeout)),
        Ok(Err(failure)) => check.fail(failure),
        Ok(Ok(peer)) => {
            let took = human(check.elapsed());
            let literal = host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok();
            if literal {
                check.pass(format!("connected in {took}"))
            } else {
                check.pass(format!("connected in {took} to {}", peer.ip()))
            }
        }
    }
}

/// The address connected to, or why none was.
async fn connect(host: &str, port: u16) -> Result<SocketAddr, String> {
    let bare = host.trim_matches(['[', ']']);
    let addrs: Vec<SocketAddr> = match lookup_host((bare, port)).await {
        Ok(addrs) => addrs.collect(),
        Err(_) => return Err(format!("{host} does not resolve")),
    };
    if addrs.is_empty() {
        return Err(format!("{host} does not resolve"));
    }
    let mut last: Option<io::Error> = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream.peer_addr().unwrap_or(addr)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| "cannot connect".into(), |e| connect_failure(&e)))
}
