//! One test's world: a private D-Bus session with a keyring and a notification server, a team
//! file with the intake on a free loopback port, and a data dir — all under a temp dir.

use crate::dbus::Session;
use crate::{binary, free_port, team_file};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

#[derive(Debug)]
pub struct Env {
    pub session: Session,
    pub port: u16,
    pub config: PathBuf,
    pub data: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// With the e2e team file (`team_file`).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut session = Session::start(dir.path());
        session.start_keyring();
        session.start_notification_server();
        let port = free_port();
        let config = dir.path().join("klaxon.toml");
        std::fs::write(&config, team_file(port)).expect("write the team file");
        let data = dir.path().join("data");
        Self { session, port, config, data, dir }
    }

    /// A workspace binary on this session, team file, data dir and home.
    pub fn command(&self, name: &str) -> Command {
        let mut cmd = self.session.command(binary(name));
        cmd.env("KLAXON_CONFIG", &self.config)
            .env("KLAXON_DATA_DIR", &self.data)
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// `klaxon` on this world.
    pub fn klaxon(&self) -> Command {
        self.command("klaxon")
    }

    /// Runs `klaxon ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.klaxon().args(args).output().expect("run klaxon")
    }

    /// Runs `klaxon ARGS` (with `--json` among them) and parses what it printed.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(out.status.success(), "klaxon {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("klaxon printed JSON")
    }

    /// A file for a process's output, under the temp dir.
    pub fn log(&self, name: &str) -> std::fs::File {
        std::fs::File::create(self.dir.path().join(name)).expect("create a log file")
    }

    /// Whether the intake accepts connections.
    pub fn listening(&self) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }

    /// Posts a plain JSON alert to the intake with the keyring's token; returns the HTTP status.
    pub async fn alert(&self, title: &str, severity: &str) -> u16 {
        let token = String::from_utf8(self.run(&["intake", "token"]).stdout).expect("utf-8 token");
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{}/v1/alerts", self.port))
            .bearer_auth(token.trim())
            .json(&serde_json::json!({"title": title, "severity": severity}))
            .send()
            .await
            .expect("the intake answers")
            .status()
            .as_u16()
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}
