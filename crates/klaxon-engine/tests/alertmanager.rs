//! A real Prometheus Alertmanager (Debian package prometheus-alertmanager) as the sender.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use common::{Setup, wait_for};
use klaxon_engine::core::{IncidentStatus, Severity};
use serde_json::json;
use std::process::{Child, Command, Stdio};

const BINARY: &str = "prometheus-alertmanager";

struct Alertmanager {
    child: Child,
    url: String,
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_alertmanager(dir: &std::path::Path, intake: std::net::SocketAddr, token: &str) -> Alertmanager {
    let config = format!(
        r#"
route:
  receiver: klaxon
  group_by: ['alertname', 'instance']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: klaxon
    webhook_configs:
      - url: http://{intake}/v1/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"#
    );
    let config_path = dir.join("alertmanager.yml");
    std::fs::write(&config_path, config).unwrap();
    let port = free_port();
    let child = Command::new(BINARY)
        .arg(format!("--config.file={}", config_path.display()))
        .arg(format!("--storage.path={}", dir.join("am-data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("alertmanager.log")).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BINARY} (apt-get install prometheus-alertmanager): {e}"));
    Alertmanager { child, url: format!("http://127.0.0.1:{port}") }
}

async fn send(am: &Alertmanager, http: &reqwest::Client, ends_at: Option<&str>) -> bool {
    let mut alert = json!({
        "labels": {"alertname": "DiskFull", "severity": "critical", "instance": "db1", "job": "node"},
        "annotations": {"summary": "Disk full on db1", "description": "/var is 99% used"},
        "generatorURL": "http://127.0.0.1:9090/graph"
    });
    if let Some(t) = ends_at {
        alert["endsAt"] = json!(t);
    }
    let resp = http.post(format!("{}/api/v2/alerts", am.url)).json(&json!([alert])).send().await;
    matches!(resp, Ok(r) if r.status().is_success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs prometheus-alertmanager; run by scripts/test.sh"]
async fn alertmanager_fires_and_resolves_an_incident() {
    let setup = Setup::new("10m");
    let engine = setup.engine(vec![]).await;
    let am = start_alertmanager(setup.dir.path(), engine.intake_addr().unwrap(), &setup.token());
    let http = reqwest::Client::new();
    wait_for(30, "alertmanager to accept alerts", || async { send(&am, &http, None).await }).await;

    let k = engine.klaxon();
    wait_for(30, "the incident from alertmanager", || async { !k.incidents(false).await.unwrap().is_empty() }).await;
    let list = k.incidents(false).await.unwrap();
    assert_eq!(list.len(), 1);
    let inc = &list[0];
    assert_eq!(inc.title, "Disk full on db1");
    assert_eq!(inc.severity, Severity::Sev1);
    assert_eq!(inc.service.as_deref(), Some("node"));
    assert_eq!(inc.details.text.as_deref(), Some("/var is 99% used"));
    assert!(inc.dedup_key.as_deref().unwrap().starts_with("alertmanager:"));

    let past = (chrono::Utc::now() - chrono::Duration::seconds(1)).to_rfc3339();
    assert!(send(&am, &http, Some(&past)).await);
    let id = inc.id;
    wait_for(30, "alertmanager's resolved notification", || async {
        k.incident(id).await.unwrap().incident.status == IncidentStatus::Resolved
    })
    .await;
    assert_eq!(k.incidents(true).await.unwrap().len(), 1, "resolve did not open a second incident");
    drop(am);
    engine.shutdown().await.unwrap();
}
