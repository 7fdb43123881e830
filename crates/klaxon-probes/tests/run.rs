//! `run` carries out the five machine probes from a checklist's `Probe` and leaves the rest to
//! the engine.

use klaxon_core::checklist::{ContactChannel, Outcome, Probe, TickValidity};
use klaxon_probes::{HttpProbeOptions, run};
use std::time::Duration;
use tokio::net::TcpListener;

const TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn machine_probes_run() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let opts = HttpProbeOptions::default();
    let probes = [
        (Probe::Tcp { host: "127.0.0.1".into(), port }, format!("tcp 127.0.0.1:{port}")),
        (Probe::Dns { name: "localhost".into(), server: None, expect_in: vec![] }, "dns localhost".into()),
        (Probe::Interface { name: "lo".into(), address_in: None }, "interface lo".into()),
        (Probe::Command { argv: vec!["true".into()], shell: false }, "command true".into()),
    ];
    for (probe, checked) in probes {
        let f = run(&probe, TIMEOUT, None, &opts).await.expect("a machine probe");
        assert_eq!(f.evidence.checked, checked);
        assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    }
    let url = format!("http://127.0.0.1:{port}/health");
    let http = Probe::Http { url: url.clone(), status: vec![], token_key: Some("k".into()), cert_days: 14 };
    let f = run(&http, Duration::from_millis(300), None, &opts).await.expect("a machine probe");
    assert_eq!(f.evidence.checked, format!("GET {url}"));
    assert_eq!(f.evidence.result, "timed out after 300 ms", "the listener never answers");
}

#[tokio::test]
async fn the_engines_own_kinds_are_left_to_it() {
    let opts = HttpProbeOptions::default();
    for probe in [
        Probe::Provider { account: None },
        Probe::Contacts { channel: ContactChannel::Phone },
        Probe::Schedule { within_days: 7 },
        Probe::TestPage,
        Probe::RecentIncidents { days: 7 },
        Probe::Manual { valid_for: TickValidity::Shift },
    ] {
        assert_eq!(run(&probe, TIMEOUT, None, &opts).await, None, "{}", probe.kind());
    }
}
