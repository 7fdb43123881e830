// Generated from Rust by ts-rs (cargo test -p klaxon-app export_bindings). Do not edit.
export type Details = { text: string | null, labels: { [key in string]?: string }, };
export type Incident = { id: IncidentId, account: string, provider_ref: string, web_url: string | null, title: string, service: string | null, severity: Severity, urgency: Urgency, status: IncidentStatus, assignees: Array<string>, escalation_level: number, escalation_pass: number, escalation_policy: string | null, next_escalation_at: string | null, created_at: string, acknowledged_at: string | null, resolved_at: string | null, updated_at: string, dedup_key: string | null, details: Details, trigger_seq: number, alert_count: number, };
export type IncidentDetail = { incident: Incident, log: Array<LogEntry>, };
export type IncidentId = number;
export type IncidentStatus = "triggered" | "acknowledged" | "resolved";
export type IpcError = { code: IpcErrorCode, message: string, };
export type IpcErrorCode = "not_found" | "invalid_state" | "invalid_input" | "storage" | "config" | "internal";
export type LogEntry = { at: string, kind: LogKind, message: string, actor: string | null, };
export type LogKind = "triggered" | "alert_repeated" | "acknowledged" | "escalated" | "resolved" | "notified" | "note";
export type OnCallEntry = { policy: string, level: number, person_id: string, person_name: string, rotation: string | null, until: string | null, };
export type OnCallStatus = { me: Person, me_on_call: boolean, entries: Array<OnCallEntry>, };
export type Person = { id: string, name: string, email: string | null, phone: string | null, chat: string | null, };
export type Severity = "sev1" | "sev2" | "sev3" | "sev4";
export type Urgency = "high" | "low";
