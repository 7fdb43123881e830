//! Does a name resolve (through the system's resolver or a named server), and into the expected
//! networks?

use crate::Finding;
use crate::evidence::{Check, connect_failure, listed, timed_out};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Resolves `name` (A and AAAA) through `server`, else the system's resolver (/etc/resolv.conf
/// and /etc/hosts). With `expect_in`, every address must lie in one of those networks.
pub async fn dns(name: &str, server: Option<SocketAddr>, expect_in: &[IpNet], timeout: Duration) -> Finding {
    let checked = match server {
        Some(server) => format!("dns {name} via {server}"),
        None => format!("dns {name}"),
    };
    let check = Check::start(checked);
    let resolver = match resolver(server, timeout) {
        Ok(resolver) => resolver,
        Err(e) => return check.fail(format!("cannot read the system's resolver configuration: {e}")),
    };
    let answer = match tokio::time::timeout(timeout, resolver.lookup_ip(name)).await {
        Err(_) => return check.fail(timed_out(timeout)),
        Ok(Err(e)) => return check.fail(lookup_failure(&e, server, timeout)),
        Ok(Ok(answer)) => answer,
    };
    let mut addrs: Vec<IpAddr> = answer.iter().collect();
    addrs.dedup();
    if addrs.is_empty() {
        return check.fail("no address");
    }
    let outside: Vec<IpAddr> = addrs.iter().copied().filter(|a| !expect_in.iter().any(|n| n.contains(a))).collect();
    if expect_in.is_empty() || outside.is_empty() {
        return check.pass(format!("resolved to {}", listed(&addrs)));
    }
    if outside.len() == addrs.len() {
        check.fail(format!("resolved to {}, outside {}", listed(&addrs), listed(expect_in)))
    } else {
        let verb = if outside.len() == 1 { "is" } else { "are" };
        check.fail(format!("resolved to {}; {} {verb} outside {}", listed(&addrs), listed(&outside), listed(expect_in)))
    }
}

/// A resolver of its own for this probe: no cache shared between runs, one attempt per server.
fn resolver(server: Option<SocketAddr>, timeout: Duration) -> Result<TokioResolver, NetError> {
    let mut builder = match server {
        None => TokioResolver::builder_tokio()?,
        Some(server) => {
            let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                .into_iter()
                .map(|mut c| {
                    c.port = server.port();
                    c
                })
                .collect();
            let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(server.ip(), true, connections)]);
            TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        }
    };
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    opts.cache_size = 0;
    opts.use_hosts_file = if server.is_some() { ResolveHosts::Never } else { ResolveHosts::Always };
    builder.build()
}

/// Why a lookup found no address, in plain words.
fn lookup_failure(err: &NetError, server: Option<SocketAddr>, timeout: Duration) -> String {
    match err {
        e if e.is_nx_domain() => "no such name".into(),
        e if e.is_no_records_found() => "the name exists but has no address".into(),
        NetError::Timeout => timed_out(timeout),
        NetError::Io(io) => match server {
            Some(server) => format!("{} by {server}", connect_failure(io)),
            None => connect_failure(io),
        },
        NetError::Dns(DnsError::ResponseCode(code)) => format!("the server answered {code}"),
        NetError::NoConnections => "no name server to ask".into(),
        other => format!("lookup failed: {other}"),
    }
}
