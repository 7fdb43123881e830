//! Generates the UI's view of Rust: `ui/src/lib/bindings.ts` (the types, by ts-rs) and
//! `ui/src/lib/commands.ts` (a typed wrapper per command and a listener per event, from their
//! signatures). The test fails when a committed file differs from what Rust generates;
//! `KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings` rewrites them.

use crate::commands::{ActionSupport, KindCapabilities};
use crate::events::DeliveryFailure;
use klaxon_engine::checklists::{ChecklistView, ItemView, Readiness, ReadinessBadge, ToReview};
use klaxon_engine::control::{ActionOutcome, IpcError, IpcErrorCode, TestPagePath};
use klaxon_engine::core::checklist::{Evidence, ItemResult, Outcome};
use klaxon_engine::core::onboarding::{Progress, TaskKind};
use klaxon_engine::core::phone::PhoneSettings;
use klaxon_engine::core::{
    Account, AccountKind, Action, ActionKind, ContactMethod, Details, FairnessRow, Incident, IncidentDetail,
    IncidentId, IncidentPage, IncidentRow, IncidentStatus, LogEntry, LogKind, LogLine, OnCallEntry, OnCallStatus,
    OutboxEntry, OutboxState, Override, OverrideEntry, Person, PersonRef, ReassignTo, RemoteUser, Responder,
    ResponderKind, Responders, Severity, ShadowChoice, ShadowSettings, ShadowSource, Urgency, pager::RingState,
    pager::WaitingPage,
};
use klaxon_engine::onboarding::{Onboarding, PhaseView, PlanView, TaskView};
use klaxon_engine::phone::{PhoneSource, PhoneView, RoundTrip};
use klaxon_engine::schedule_view::{LevelView, PolicyView, RowView, ScheduleRows, ScheduleView, SpanView};
use klaxon_engine::{Resource, ResponderFetch};
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
        decl::<ChecklistView>(&cfg),
        decl::<ContactMethod>(&cfg),
        decl::<DeliveryFailure>(&cfg),
        decl::<Details>(&cfg),
        decl::<Evidence>(&cfg),
        decl::<FairnessRow>(&cfg),
        decl::<Incident>(&cfg),
        decl::<IncidentDetail>(&cfg),
        decl::<IncidentId>(&cfg),
        decl::<IncidentPage>(&cfg),
        decl::<IncidentRow>(&cfg),
        decl::<IncidentStatus>(&cfg),
        decl::<IpcError>(&cfg),
        decl::<ItemResult>(&cfg),
        decl::<ItemView>(&cfg),
        decl::<IpcErrorCode>(&cfg),
        decl::<KindCapabilities>(&cfg),
        decl::<LevelView>(&cfg),
        decl::<LogEntry>(&cfg),
        decl::<LogKind>(&cfg),
        decl::<LogLine>(&cfg),
        decl::<Onboarding>(&cfg),
        decl::<OnCallEntry>(&cfg),
        decl::<OnCallStatus>(&cfg),
        decl::<Outcome>(&cfg),
        decl::<OutboxEntry>(&cfg),
        decl::<OutboxState>(&cfg),
        decl::<Override>(&cfg),
        decl::<OverrideEntry>(&cfg),
        decl::<Person>(&cfg),
        decl::<PhaseView>(&cfg),
        decl::<PhoneSettings>(&cfg),
        decl::<PhoneSource>(&cfg),
        decl::<PhoneView>(&cfg),
        decl::<PlanView>(&cfg),
        decl::<PolicyView>(&cfg),
        decl::<Progress>(&cfg),
        decl::<PersonRef>(&cfg),
        decl::<Readiness>(&cfg),
        decl::<ReadinessBadge>(&cfg),
        decl::<ReassignTo>(&cfg),
        decl::<RemoteUser>(&cfg),
        decl::<Responder>(&cfg),
        decl::<ResponderFetch>(&cfg),
        decl::<ResponderKind>(&cfg),
        decl::<Responders>(&cfg),
        decl::<Resource>(&cfg),
        decl::<RingState>(&cfg),
        decl::<RoundTrip>(&cfg),
        decl::<RowView>(&cfg),
        decl::<ScheduleRows>(&cfg),
        decl::<ScheduleView>(&cfg),
        decl::<TaskKind>(&cfg),
        decl::<TaskView>(&cfg),
        decl::<TestPagePath>(&cfg),
        decl::<ToReview>(&cfg),
        decl::<Severity>(&cfg),
        decl::<ShadowChoice>(&cfg),
        decl::<ShadowSettings>(&cfg),
        decl::<ShadowSource>(&cfg),
        decl::<SpanView>(&cfg),
        decl::<Urgency>(&cfg),
        decl::<WaitingPage>(&cfg),
    ];
    decls.sort();
    let mut out = String::from(
        "// Generated from Rust by ts-rs (KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings). Do not edit.\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push('\n');
    }
    out
}

/// `list_incidents` → `listIncidents` (Tauri's names for command arguments too).
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

fn jsdoc(doc: &str, indent: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let body: String = many.iter().map(|l| format!("{indent} * {l}\n")).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

/// The names `bindings` exports that `text` uses.
fn used_types(bindings: &str, text: &str) -> Vec<String> {
    let words: std::collections::BTreeSet<&str> =
        text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    bindings
        .lines()
        .filter_map(|l| l.strip_prefix("export type ")?.split([' ', '<']).next())
        .filter(|name| words.contains(name))
        .map(str::to_owned)
        .collect()
}

pub fn render_commands(bindings: &str) -> String {
    let cfg = Config::new();
    let mut body = String::new();
    for c in crate::commands::signatures(&cfg) {
        let params: Vec<String> = c.args.iter().map(|(name, ty)| format!("{}: {ty}", camel(name))).collect();
        let names: Vec<String> = c.args.iter().map(|(name, _)| camel(name)).collect();
        let args = if names.is_empty() { String::new() } else { format!(", {{ {} }}", names.join(", ")) };
        body.push_str(&format!(
            "\n{}export function {}({}): Promise<{}> {{\n  return invoke<{}>('{}'{args});\n}}\n",
            jsdoc(c.doc, ""),
            camel(c.name),
            params.join(", "),
            c.reply,
            c.reply,
            c.name,
        ));
    }
    for e in crate::events::signatures(&cfg) {
        let constant = format!("{}_EVENT", e.event.trim_start_matches("klaxon://").replace('-', "_").to_uppercase());
        body.push_str(&format!(
            "\nexport const {constant} = '{}';\n{}export function on{}(handler: (payload: {}) => void): Promise<UnlistenFn> {{\n  return listen<{}>({constant}, (event) => handler(event.payload));\n}}\n",
            e.event,
            jsdoc(e.doc, ""),
            e.name,
            e.payload,
            e.payload,
        ));
    }
    let types = used_types(bindings, &body);
    format!(
        "// Generated from the Rust commands and events (KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings). Do not edit.\n\
         import {{ invoke }} from '@tauri-apps/api/core';\n\
         import {{ listen, type UnlistenFn }} from '@tauri-apps/api/event';\n\
         import type {{ {} }} from './bindings';\n{body}",
        types.join(", ")
    )
}

/// The committed file at `name` under ui/src/lib matches `text`, or (with
/// `KLAXON_WRITE_BINDINGS=1`) is rewritten to it.
fn check(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib").join(name);
    if std::env::var_os("KLAXON_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, text).expect("write the generated file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "ui/src/lib/{name} is stale: run `KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings` and commit it"
    );
}

#[test]
fn bindings_are_current() {
    let types = render();
    assert!(types.contains("export type Incident = {"), "{types}");
    let commands = render_commands(&types);
    assert!(commands.contains("export function listIncidents(all: boolean): Promise<IncidentPage>"), "{commands}");
    assert!(commands.contains("return invoke<Account>('add_account', { kind, name, baseUrl,"), "{commands}");
    check("bindings.ts", &types);
    check("commands.ts", &commands);
}

#[test]
fn names_become_camel_case() {
    assert_eq!(camel("list_incidents"), "listIncidents");
    assert_eq!(camel("poll_secs"), "pollSecs");
    assert_eq!(camel("all"), "all");
}
