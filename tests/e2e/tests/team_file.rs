//! Risky team files, through the real `klaxon config check`: what would make the pager dangerous
//! is a configuration error (exit 2) at `file:line`, what is allowed but risky is a warning.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_e2e::binary;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BASE: &str = "me = \"alex\"\n[[people]]\nid = \"alex\"\n";

fn check(config: &Path) -> Output {
    Command::new(binary("klaxon"))
        .env("KLAXON_CONFIG", config)
        .env("KLAXON_DATA_DIR", config.with_extension("data"))
        .args(["config", "check"])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn refused(config: &Path, text: &str) -> String {
    std::fs::write(config, text).unwrap();
    let out = check(config);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{text}\n{err}");
    err
}

#[test]
#[ignore = "needs the built klaxon binary; run by scripts/test.sh"]
fn dangerous_team_files_are_refused_at_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    let at = |line: usize| format!("klaxon: {}:{line}: ", config.display());

    let err = refused(&config, &format!("{BASE}[intake]\nlisten = \"0.0.0.0:9797\"\n"));
    assert!(err.starts_with(&(at(5) + "`listen = \"0.0.0.0:9797\"` accepts alerts from other machines")), "{err}");
    let err = refused(&config, &format!("{BASE}[intake]\nlisten = \"[::]:9797\"\n"));
    assert!(err.contains("allow_remote = true"), "{err}");
    let err = refused(&config, &format!("{BASE}[intake]\ntoken = \"  \"\n"));
    assert!(err.starts_with(&(at(5) + "`token` is blank")), "{err}");
    let policy = "[[escalation_policies]]\nid = \"p\"\nrepeat = REPEAT\n[[escalation_policies.levels]]\n\
                  delay = \"DELAY\"\ntargets = [\"person:alex\"]\n";
    let err = refused(&config, &format!("{BASE}{}", policy.replace("REPEAT", "0").replace("DELAY", "0s")));
    assert!(err.starts_with(&(at(8) + "escalation `delay` must be at least 1 minute")), "{err}");
    let err = refused(&config, &format!("{BASE}{}", policy.replace("REPEAT", "1000").replace("DELAY", "5m")));
    assert!(err.starts_with(&(at(6) + "`repeat` must be at most 9")), "{err}");

    std::fs::write(&config, [BASE.as_bytes(), b"# caf\xe9\n"].concat()).unwrap();
    let out = check(&config);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(&(at(4) + "not valid UTF-8 text")));

    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(2), "a directory is a configuration error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the team file: is a directory"));
}

#[test]
#[ignore = "needs the built klaxon binary; run by scripts/test.sh"]
fn risky_but_allowed_settings_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("klaxon.toml");
    std::fs::write(
        &config,
        format!("{BASE}[intake]\nlisten = \"0.0.0.0:9797\"\nallow_remote = true\ntoken = \"s3cret\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = check(&config);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("readable by other users (mode 644)") && err.contains("chmod 600"), "{err}");
    assert!(err.contains("reachable from other machines"), "{err}");
    assert!(!err.contains("s3cret"), "the token itself is never printed");

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let err = String::from_utf8_lossy(&check(&config).stderr).into_owned();
    assert!(!err.contains("readable by other users"), "{err}");
}
