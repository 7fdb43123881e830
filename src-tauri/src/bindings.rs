//! Generates ui/src/lib/bindings.ts from the Rust types the UI sees. CI fails if it is stale
//! (`git diff --exit-code ui/src/lib/bindings.ts` after the tests).

use crate::commands::{ActionSupport, KindCapabilities};
use klaxon_engine::Resource;
use klaxon_engine::control::{ActionOutcome, IpcError, IpcErrorCode, TestPagePath};
use klaxon_engine::core::{
    Account, AccountKind, Action, ActionKind, ContactMethod, Details, Incident, IncidentDetail, IncidentId,
    IncidentPage, IncidentStatus, LogEntry, LogKind, OnCallEntry, OnCallStatus, OutboxEntry, OutboxState, Person,
    RemoteUser, Severity, ShadowChoice, ShadowSettings, ShadowSource, Urgency, pager::RingState,
};
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

pub fn render() -> String {
    let cfg = Config::new();
    let mut decls = vec![
        decl::<Account>(&cfg),
        decl::<AccountKind>(&cfg),
        decl::<Action>(&cfg),
        decl::<ActionKind>(&cfg),
        decl::<ActionOutcome>(&cfg),
        decl::<ActionSupport>(&cfg),
        decl::<ContactMethod>(&cfg),
        decl::<Details>(&cfg),
        decl::<Incident>(&cfg),
        decl::<IncidentDetail>(&cfg),
        decl::<IncidentId>(&cfg),
        decl::<IncidentPage>(&cfg),
        decl::<IncidentStatus>(&cfg),
        decl::<IpcError>(&cfg),
        decl::<IpcErrorCode>(&cfg),
        decl::<KindCapabilities>(&cfg),
        decl::<LogEntry>(&cfg),
        decl::<LogKind>(&cfg),
        decl::<OnCallEntry>(&cfg),
        decl::<OnCallStatus>(&cfg),
        decl::<OutboxEntry>(&cfg),
        decl::<OutboxState>(&cfg),
        decl::<Person>(&cfg),
        decl::<RemoteUser>(&cfg),
        decl::<Resource>(&cfg),
        decl::<RingState>(&cfg),
        decl::<TestPagePath>(&cfg),
        decl::<Severity>(&cfg),
        decl::<ShadowChoice>(&cfg),
        decl::<ShadowSettings>(&cfg),
        decl::<ShadowSource>(&cfg),
        decl::<Urgency>(&cfg),
    ];
    decls.sort();
    let mut out =
        String::from("// Generated from Rust by ts-rs (cargo test -p klaxon-app export_bindings). Do not edit.\n");
    for d in decls {
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[test]
fn export_bindings() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let text = render();
    std::fs::write(&path, &text).expect("write bindings.ts");
    assert!(text.contains("export type Incident = {"), "{text}");
}
