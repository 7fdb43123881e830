//! The dns probe against a real DNS server on 127.0.0.1 (hickory-server, in process).
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use ipnet::IpNet;
use klaxon_core::checklist::Outcome;
use klaxon_probes::dns;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;

const GENEROUS: Duration = Duration::from_secs(5);

/// An authoritative server for `test.` on a free loopback port, stopped by [`Dns::stop`].
struct Dns {
    addr: SocketAddr,
    server: Server<Catalog>,
}

impl Dns {
    async fn start() -> Self {
        let origin = Name::from_str("test.").unwrap();
        let mut zone =
            InMemoryZoneHandler::<TokioRuntimeProvider>::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa =
            SOA::new(Name::from_str("ns.test.").unwrap(), Name::from_str("admin.test.").unwrap(), 1, 60, 60, 60, 60);
        assert!(zone.upsert_mut(Record::from_rdata(origin.clone(), 60, RData::SOA(soa)), 1));
        let records: [(&str, IpAddr); 5] = [
            ("private.test.", "10.1.2.3".parse().unwrap()),
            ("private.test.", "fd00::3".parse().unwrap()),
            ("public.test.", "8.8.8.8".parse().unwrap()),
            ("mixed.test.", "10.1.2.4".parse().unwrap()),
            ("mixed.test.", "8.8.4.4".parse().unwrap()),
        ];
        for (name, ip) in records {
            let rdata = match ip {
                IpAddr::V4(v4) => RData::A(A(v4)),
                IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
            };
            assert!(zone.upsert_mut(Record::from_rdata(Name::from_str(name).unwrap(), 60, rdata), 1));
        }
        let mut catalog = Catalog::new();
        catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone) as Arc<dyn ZoneHandler>]);
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let mut server = Server::new(catalog);
        server.register_socket(socket);
        Self { addr, server }
    }

    async fn stop(mut self) {
        self.server.shutdown_gracefully().await.unwrap();
    }
}

fn nets(list: &[&str]) -> Vec<IpNet> {
    list.iter().map(|n| n.parse().unwrap()).collect()
}

#[tokio::test]
async fn resolves_a_and_aaaa_inside_the_expected_networks() {
    let dns_server = Dns::start().await;
    let f = dns("private.test", Some(dns_server.addr), &nets(&["10.0.0.0/8", "fd00::/8"]), GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert_eq!(f.evidence.checked, format!("dns private.test via {}", dns_server.addr));
    assert_eq!(f.evidence.result, "resolved to 10.1.2.3 and fd00::3");
    let any = dns("public.test", Some(dns_server.addr), &[], GENEROUS).await;
    assert_eq!((any.outcome, any.evidence.result.as_str()), (Outcome::Pass, "resolved to 8.8.8.8"));
    dns_server.stop().await;
}

#[tokio::test]
async fn an_address_outside_the_expected_networks_fails() {
    let dns_server = Dns::start().await;
    let public = dns("public.test", Some(dns_server.addr), &nets(&["10.0.0.0/8"]), GENEROUS).await;
    assert_eq!(public.outcome, Outcome::Fail);
    assert_eq!(public.evidence.result, "resolved to 8.8.8.8, outside 10.0.0.0/8");
    let mixed = dns("mixed.test", Some(dns_server.addr), &nets(&["10.0.0.0/8"]), GENEROUS).await;
    assert_eq!(mixed.outcome, Outcome::Fail);
    assert_eq!(mixed.evidence.result, "resolved to 10.1.2.4 and 8.8.4.4; 8.8.4.4 is outside 10.0.0.0/8");
    let v4_only = dns("private.test", Some(dns_server.addr), &nets(&["10.0.0.0/8"]), GENEROUS).await;
    assert_eq!(v4_only.outcome, Outcome::Fail, "the AAAA record lies outside: {v4_only:?}");
    dns_server.stop().await;
}

#[tokio::test]
async fn a_missing_name_is_no_such_name() {
    let dns_server = Dns::start().await;
    let f = dns("missing.test", Some(dns_server.addr), &[], GENEROUS).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert_eq!(f.evidence.result, "no such name");
    dns_server.stop().await;
}

#[tokio::test]
async fn a_server_that_is_down_times_out_or_refuses() {
    let addr = {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        socket.local_addr().unwrap()
    };
    let f = dns("private.test", Some(addr), &[], Duration::from_millis(500)).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert!(
        f.evidence.result == "timed out after 500 ms" || f.evidence.result.starts_with("connection refused"),
        "{f:?}"
    );
    assert!(f.evidence.took_ms < 3000, "{f:?}");
}

#[tokio::test]
async fn the_system_resolver_reads_the_hosts_file() {
    let f = dns("localhost", None, &nets(&["127.0.0.0/8", "::1/128"]), GENEROUS).await;
    assert_eq!(f.evidence.checked, "dns localhost");
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
}
