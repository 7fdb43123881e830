//! Is a network interface matching a name or glob (`wg0`, `tun*`) up, with an address in the
//! expected network?

use crate::Finding;
use crate::evidence::{Check, listed};
use ipnet::IpNet;
use nix::ifaddrs::getifaddrs;
use nix::net::if_::InterfaceFlags;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// One interface as the kernel reports it.
#[derive(Debug)]
struct Link {
    flags: InterfaceFlags,
    addrs: Vec<IpAddr>,
}

/// Passes when an interface whose name matches `pattern` is up with a carrier, and (with
/// `address_in`) holds an address in that network.
pub async fn interface(pattern: &str, address_in: Option<IpNet>) -> Finding {
    let check = Check::start(format!("interface {pattern}"));
    let glob = match glob::Pattern::new(pattern) {
        Ok(glob) => glob,
        Err(e) => return check.fail(format!("`{pattern}` is not a valid name pattern: {e}")),
    };
    let links = match links() {
        Ok(links) => links,
        Err(e) => return check.fail(format!("cannot list network interfaces: {e}")),
    };
    let verdicts: Vec<(bool, String)> = links
        .iter()
        .filter(|(name, _)| glob.matches(name))
        .map(|(name, link)| verdict(name, link, address_in))
        .collect();
    if verdicts.is_empty() {
        return check.fail(format!("no interface matches {pattern}"));
    }
    if let Some((_, good)) = verdicts.iter().find(|(ok, _)| *ok) {
        return check.pass(good.clone());
    }
    let shown: Vec<&str> = verdicts.iter().take(4).map(|(_, why)| why.as_str()).collect();
    let more = verdicts.len().saturating_sub(shown.len());
    let tail = if more > 0 { format!("; {more} more") } else { String::new() };
    check.fail(format!("{}{tail}", shown.join("; ")))
}

/// Whether one interface will do, and what to say about it.
fn verdict(name: &str, link: &Link, address_in: Option<IpNet>) -> (bool, String) {
    if !link.flags.contains(InterfaceFlags::IFF_UP) {
        return (false, format!("{name} is down"));
    }
    if !link.flags.contains(InterfaceFlags::IFF_RUNNING) {
        return (false, format!("{name} is up but has no carrier"));
    }
    let shown: Vec<IpAddr> = match address_in {
        Some(net) => link.addrs.iter().copied().filter(|a| net.contains(a)).collect(),
        None => link.addrs.iter().copied().filter(|a| !is_link_local(a)).collect(),
    };
    match (address_in, shown.is_empty()) {
        (Some(net), true) => (false, format!("{name} has no address in {net}")),
        (None, true) => (true, format!("{name} is up")),
        (_, false) => (true, format!("{name} is up with {}", listed(&shown))),
    }
}

/// IPv6 link-local addresses (fe80::/10) come with every interface and prove nothing.
fn is_link_local(addr: &IpAddr) -> bool {
    matches!(addr, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

/// Every interface by name, with its flags and IP addresses (an interface without one is listed
/// too: Linux reports each through its link-layer entry).
fn links() -> nix::Result<BTreeMap<String, Link>> {
    let mut links: BTreeMap<String, Link> = BTreeMap::new();
    for entry in getifaddrs()? {
        let link =
            links.entry(entry.interface_name).or_insert(Link { flags: InterfaceFlags::empty(), addrs: Vec::new() });
        link.flags |= entry.flags;
        let ip = entry.address.as_ref().and_then(|a| {
            a.as_sockaddr_in()
                .map(|v4| IpAddr::V4(v4.ip()))
                .or_else(|| a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip())))
        });
        link.addrs.extend(ip);
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(flags: InterfaceFlags, addrs: &[&str]) -> Link {
        Link { flags, addrs: addrs.iter().map(|a| a.parse().unwrap()).collect() }
    }

    #[test]
    fn verdicts_read_as_sentences() {
        let up = InterfaceFlags::IFF_UP | InterfaceFlags::IFF_RUNNING;
        let net: IpNet = "10.8.0.0/16".parse().unwrap();
        let wg = link(up, &["10.8.0.2", "fe80::1"]);
        assert_eq!(verdict("wg0", &wg, Some(net)), (true, "wg0 is up with 10.8.0.2".into()));
        assert_eq!(verdict("wg0", &wg, None), (true, "wg0 is up with 10.8.0.2".into()));
        let elsewhere = link(up, &["192.168.1.2"]);
        assert_eq!(verdict("tun0", &elsewhere, Some(net)), (false, "tun0 has no address in 10.8.0.0/16".into()));
        assert_eq!(verdict("tun0", &link(up, &["fe80::2"]), None), (true, "tun0 is up".into()));
        assert_eq!(verdict("tun0", &link(InterfaceFlags::empty(), &[]), None), (false, "tun0 is down".into()));
        let no_carrier = link(InterfaceFlags::IFF_UP, &["10.8.0.2"]);
        assert_eq!(verdict("tun0", &no_carrier, None), (false, "tun0 is up but has no carrier".into()));
    }

    #[tokio::test]
    async fn loopback_is_up_and_nothing_matches_a_made_up_name() {
        let lo = interface("lo", Some("127.0.0.0/8".parse().unwrap())).await;
        assert_eq!(lo.evidence.result, "lo is up with 127.0.0.1");
        let none = interface("klaxon-none*", None).await;
        assert_eq!(none.evidence.result, "no interface matches klaxon-none*");
    }
}
