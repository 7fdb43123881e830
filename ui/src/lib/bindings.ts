// Generated from Rust by ts-rs (KLAXON_WRITE_BINDINGS=1 cargo test -p klaxon-app bindings). Do not edit.
export type Account = { 
/**
 * The user's name for it; also its id (incidents carry it).
 */
name: string, kind: AccountKind, base_url: string | null, 
/**
 * The platform's id of me (assignments to it page me).
 */
user_id: string | null, user_name: string | null, 
/**
 * The platform's email of me (PagerDuty's `From` header on writes).
 */
user_email: string | null, poll_secs: number, created_at: string, last_synced_at: string | null, 
/**
 * Why the last sync failed, if it did (cleared by the next success).
 */
last_error: string | null, };
export type AccountKind = "local" | "pagerduty" | "grafana-oncall" | "goalert";
export type Action = { "type": "acknowledge" } | { "type": "resolve" } | { "type": "escalate", to_level: number, } | { "type": "reassign", to: ReassignTo, } | { "type": "snooze", minutes: number, } | { "type": "note", text: string, };
export type ActionKind = "acknowledge" | "resolve" | "escalate" | "reassign" | "snooze" | "note";
export type ActionOutcome = { incident: Incident, queued: OutboxEntry | null, };
export type ActionSupport = { action: ActionKind, 
/**
 * Why the platform cannot do it; `null` when it can.
 */
unsupported: string | null, };
export type ChecklistView = { name: string, title: string, description: string | null, file: string, 
/**
 * Minutes before each of my shifts it runs by itself (None: only when asked).
 */
before_shift_minutes: number | null, items: Array<ItemView>, 
/**
 * The worst of the items' latest results (an item never run needs me).
 */
outcome: Outcome, 
/**
 * Titles of the required items failing now.
 */
failing: Array<string>, last_run: string | null, };
export type ContactMethod = { 
/**
 * `email`, `phone`, `sms`, `push`, `slack`, … as the platform names it.
 */
kind: string, label: string | null, address: string, };
export type DeliveryFailure = { 
/**
 * The delivery path's name, e.g. `ringtone`, `desktop-notification`, `page-screen`.
 */
path: string, incident: IncidentId, error: string, };
export type Details = { text: string | null, labels: { [key in string]: string }, };
export type Evidence = { 
/**
 * What was checked ("tcp vpn.internal:443").
 */
checked: string, 
/**
 * What came of it ("connected in 12 ms", "timed out after 5 s", "connection refused").
 */
result: string, took_ms: number, };
export type FairnessRow = { person_id: string, name: string, 
/**
 * Minutes on call in all (overlapping layers count once).
 */
minutes: number, 
/**
 * Of which between 22:00 and 07:00.
 */
night_minutes: number, 
/**
 * Of which on a Saturday or Sunday.
 */
weekend_minutes: number, 
/**
 * How many separate stretches.
 */
shifts: number, };
export type Incident = { id: IncidentId, 
/**
 * The account it belongs to (`local` for the embedded intake).
 */
account: string, 
/**
 * The platform's own id for it.
 */
provider_ref: string, web_url: string | null, title: string, service: string | null, severity: Severity, urgency: Urgency, status: IncidentStatus, 
/**
 * Person ids currently responsible.
 */
assignees: Array<string>, 
/**
 * 1-based level in the escalation policy.
 */
escalation_level: number, 
/**
 * How many times the policy has wrapped around (0 on the first pass).
 */
escalation_pass: number, escalation_policy: string | null, 
/**
 * When the local escalation timer moves it on, if it stays unacknowledged.
 */
next_escalation_at: string | null, created_at: string, acknowledged_at: string | null, resolved_at: string | null, updated_at: string, dedup_key: string | null, details: Details, 
/**
 * Bumped on every (re-)trigger or escalation; the pager pages each value at most once.
 */
trigger_seq: number, 
/**
 * How many alerts were folded into this incident.
 */
alert_count: number, };
export type IncidentDetail = { incident: IncidentRow, log: Array<LogLine>, 
/**
 * Whom an escalation goes to next, by name (empty: nobody, the last level); `None` when
 * Klaxon does not know (a platform policy with nobody cached at the next level).
 */
escalates_to: Array<string> | null, };
export type IncidentId = number;
export type IncidentPage = { 
/**
 * The incidents, people by name and whether each is mine (see [`crate::names`]).
 */
incidents: Array<IncidentRow>, 
/**
 * How many incidents the whole list has (may exceed `incidents.len()`).
 */
total: number, 
/**
 * What the user must know about the cache itself (e.g. it was found empty, so earlier
 * incidents are gone); shown above the list until dismissed.
 */
warnings: Array<string>, };
export type IncidentRow = { 
/**
 * Open (triggered or acknowledged) and assigned to me on its account.
 */
mine: boolean, 
/**
 * `incident.assignees`, by name, in the same order.
 */
assigned_to: Array<PersonRef>, 
/**
 * `incident.escalation_policy`, by name (its id when no name is known).
 */
policy_name: string | null, id: IncidentId, 
/**
 * The account it belongs to (`local` for the embedded intake).
 */
account: string, 
/**
 * The platform's own id for it.
 */
provider_ref: string, web_url: string | null, title: string, service: string | null, severity: Severity, urgency: Urgency, status: IncidentStatus, 
/**
 * Person ids currently responsible.
 */
assignees: Array<string>, 
/**
 * 1-based level in the escalation policy.
 */
escalation_level: number, 
/**
 * How many times the policy has wrapped around (0 on the first pass).
 */
escalation_pass: number, escalation_policy: string | null, 
/**
 * When the local escalation timer moves it on, if it stays unacknowledged.
 */
next_escalation_at: string | null, created_at: string, acknowledged_at: string | null, resolved_at: string | null, updated_at: string, dedup_key: string | null, details: Details, 
/**
 * Bumped on every (re-)trigger or escalation; the pager pages each value at most once.
 */
trigger_seq: number, 
/**
 * How many alerts were folded into this incident.
 */
alert_count: number, };
export type IncidentStatus = "triggered" | "acknowledged" | "resolved";
export type IpcError = { code: IpcErrorCode, message: string, };
export type IpcErrorCode = "not_found" | "invalid_state" | "invalid_input" | "storage" | "config" | "internal" | "unsupported" | "unauthorized" | "unreachable" | "rate_limited" | "platform" | "keyring" | "account" | "pager" | "refused";
export type ItemResult = { item: string, outcome: Outcome, evidence: Evidence, at: string, };
export type ItemView = { id: string, title: string, help: string | null, runbook: string | null, required: boolean, 
/**
 * The probe kind (`tcp`, `manual`, …).
 */
kind: string, 
/**
 * Answered by a person (a tick, the test page confirmed, incidents reviewed).
 */
by_hand: boolean, 
/**
 * The latest result (None: never run).
 */
result: ItemResult | null, 
/**
 * For a `recent_incidents` item: the incidents to review (the last days' and the open ones).
 */
incidents: Array<ToReview>, };
export type KindCapabilities = { kind: AccountKind, 
/**
 * Where the platform's API is when the user gives no base URL (none: a base URL is required).
 */
default_base_url: string | null, 
/**
 * Signs in with a username and password instead of an API token.
 */
login: boolean, min_poll_secs: number, actions: Array<ActionSupport>, };
export type LevelView = { level: number, 
/**
 * Minutes before the next level (unknown for platforms).
 */
delay_minutes: number | null, 
/**
 * What it targets, by name ("Ops · Primary", "Sam").
 */
targets: Array<string>, 
/**
 * Who it reaches now (empty: nobody, a gap).
 */
now: Array<PersonRef>, };
export type LogEntry = { at: string, kind: LogKind, message: string, 
/**
 * Who did it (a person id, `klaxon`, or the sender), when known.
 */
actor: string | null, };
export type LogKind = "triggered" | "alert_repeated" | "acknowledged" | "escalated" | "reassigned" | "resolved" | "notified" | "note";
export type LogLine = { 
/**
 * `entry.actor`, by name.
 */
by: PersonRef | null, 
/**
 * The line as the user reads it: the message with its "by <id>" (or "by <name>") saying
 * who by name ("by you"), or, when the message does not say who, followed by " — <name>".
 */
said: string, at: string, kind: LogKind, message: string, 
/**
 * Who did it (a person id, `klaxon`, or the sender), when known.
 */
actor: string | null, };
export type OnCallEntry = { policy: string, level: number, person_id: string, person_name: string, 
/**
 * The schedule (and layer) that put them there, if any, by name.
 */
rotation: string | null, 
/**
 * When that schedule hands over next.
 */
until: string | null, 
/**
 * Whether this is me (the team file's `me`, or my user on that platform); the UI says "you".
 */
me: boolean, };
export type OnCallStatus = { me: Person, 
/**
 * True when I am at level 1 of any policy right now.
 */
me_on_call: boolean, entries: Array<OnCallEntry>, };
export type Onboarding = { plans: Array<PlanView>, problems: Array<string>, };
export type OutboxEntry = { id: number, account: string, incident: IncidentId, 
/**
 * The platform's id of the incident.
 */
provider_ref: string, incident_title: string, action: Action, state: OutboxState, attempts: number, 
/**
 * A request may have reached the platform: check whether it took effect before sending again.
 */
maybe_sent: boolean, 
/**
 * The platform's reason for the last failure.
 */
last_error: string | null, 
/**
 * How a done action ended when it was not simply applied (e.g. "already acknowledged on the
 * platform", or found applied after its answer was lost).
 */
note: string | null, 
/**
 * Since when it is unknown whether a request arrived (a timeout, a connection lost after
 * sending): the platform is asked again, with back-off, before anything is sent again.
 */
uncertain_since: string | null, 
/**
 * How many times since then the platform said it had not taken effect.
 */
checks: number, 
/**
 * When a pending action is tried next (after a transient failure).
 */
next_attempt_at: string | null, created_at: string, updated_at: string, };
export type OutboxState = "pending" | "sending" | "done" | "failed";
export type Outcome = "pass" | "warn" | "needs_you" | "fail";
export type Override = { id: number, schedule: string, layer: string | null, 
/**
 * The person id who is on call instead.
 */
person: string, start: string, end: string, 
/**
 * Who made it, when known (a person id).
 */
created_by: string | null, };
export type OverrideEntry = { account: string, cover: Override, state: OutboxState, remote_id: string | null, last_error: string | null, attempts: number, };
export type Person = { id: string, name: string, email: string | null, phone: string | null, 
/**
 * Chat handle, e.g. `@alex`.
 */
chat: string | null, };
export type PersonRef = { 
/**
 * The id on the incident's account.
 */
id: string, 
/**
 * "you" for me, else the name known for `id`, else `id` itself.
 */
name: string, 
/**
 * Whether this is me (on that account).
 */
me: boolean, };
export type PhaseView = { title: string, weeks: [number, number], 
/**
 * The plan is in this phase's weeks today.
 */
current: boolean, tasks: Array<TaskView>, };
export type PhoneSettings = { 
/**
 * The ntfy server's base URL (`https://ntfy.sh`, or a self-hosted one), no trailing slash.
 */
server: string, 
/**
 * The topic pages are published to (the phone's ntfy app subscribes to it).
 */
topic: string, 
/**
 * Seconds a page stays unanswered on the laptop before it goes to the phone (0: at once).
 */
after_secs: number, 
/**
 * Push at once while the screen is locked or the session idle.
 */
when_locked: boolean, 
/**
 * Include the incident's text and labels (topics are public by name on shared servers).
 */
details: boolean, };
export type PhoneSource = "team_file" | "settings";
export type PhoneView = { 
/**
 * `None`: pages do not go to a phone.
 */
settings: PhoneSettings | null, source: PhoneSource | null, 
/**
 * Whether an access token is in the keyring (never the token itself).
 */
token_set: boolean, 
/**
 * What the phone's ntfy app subscribes to (`https://ntfy.sh/TOPIC`).
 */
subscribe_url: string | null, 
/**
 * The same as an `ntfy://` link: the QR code's content, opened by the ntfy app.
 */
app_link: string | null, 
/**
 * `app_link` as an SVG QR code, for the app's Settings → Phone.
 */
qr_svg: string | null, };
export type PlanView = { name: string, new_hire: string, mentor: string, 
/**
 * The mentor's person id (a sign-off is ticked in it).
 */
mentor_id: string, start: string, 
/**
 * 0 before it starts.
 */
week: number, phases: Array<PhaseView>, 
/**
 * "Week 2-3: Shadow 5 pages", or None when all is done.
 */
next: string | null, done: number, of: number, };
export type PolicyView = { account: string, name: string, repeat: number | null, levels: Array<LevelView>, };
export type Progress = { done: number, of: number, };
export type Readiness = { checklists: Array<ChecklistView>, 
/**
 * `file:line: message` of each file that did not load.
 */
problems: Array<string>, 
/**
 * Over the pre-shift checklists (those with `before_shift`; all when none has it).
 */
badge: ReadinessBadge, directory: string, };
export type ReadinessBadge = { outcome: Outcome, failing: number, waiting: number, 
/**
 * Nothing was ever run.
 */
never_run: boolean, };
export type ReassignTo = Array<string> | { escalation_policy: string, };
export type RemoteUser = { id: string, name: string, email: string | null, contact_methods: Array<ContactMethod>, };
export type Resource = "incidents" | "accounts" | "outbox" | "on_call" | "shadow" | "readiness" | "phone";
export type Responder = { kind: ResponderKind, id: string, name: string, 
/**
 * A second line to tell people apart (a user's email).
 */
detail: string | null, };
export type ResponderFetch = "cached" | "if_stale" | "now";
export type ResponderKind = "user" | "escalation_policy";
export type Responders = { account: string, 
/**
 * People first, then escalation policies; each by name.
 */
entries: Array<Responder>, 
/**
 * When the platform was last asked (None: never).
 */
fetched_at: string | null, 
/**
 * Why the last refresh failed, when it did (the entries are the last good copy).
 */
error: string | null, };
export type RingState = { 
/**
 * The loud page ringing now (the worst unanswered: highest severity, then the oldest).
 */
current: Incident | null, 
/**
 * How many loud pages are unanswered (including the current one).
 */
unanswered: number, 
/**
 * The current page's ringtone is muted for a while (re-alerts still happen; a new page
 * rings at once).
 */
muted: boolean, 
/**
 * Until when the current page is muted.
 */
muted_until: string | null, 
/**
 * The other unanswered loud pages, in the order they would ring.
 */
waiting: Array<WaitingPage>, 
/**
 * Who the current page escalates to next, by name (empty at the last level).
 */
next_up: Array<string>, 
/**
 * Whether `next_up` is known: the team file's policies decide for local incidents; a
 * platform's incidents follow its own policy, which Klaxon does not see (`next_up` empty).
 */
next_known: boolean, };
export type RoundTrip = { 
/**
 * From sending the push to the server taking it.
 */
publish_ms: number, 
/**
 * From the server taking it to the Acknowledge coming back.
 */
answer_ms: number, };
export type RowView = { id: string, name: string, spans: Array<SpanView>, };
export type ScheduleRows = { 
/**
 * `local` for the team file's, else the platform account's name.
 */
account: string, id: string, name: string, time_zone: string | null, rows: Array<RowView>, };
export type ScheduleView = { from: string, to: string, schedules: Array<ScheduleRows>, 
/**
 * My shifts in the range, every source merged.
 */
mine: Array<[string, string]>, policies: Array<PolicyView>, overrides: Array<OverrideEntry>, 
/**
 * The next 12 weeks, most loaded first.
 */
fairness: Array<FairnessRow>, 
/**
 * The team file's people (me as "you"): whom a team-file shift can be handed to.
 */
people: Array<PersonRef>, };
export type Severity = "sev1" | "sev2" | "sev3" | "sev4";
export type ShadowChoice = { 
/**
 * `person:ID`, `rotation:ID` or `level:POLICY:N`.
 */
target: string, label: string, };
export type ShadowSettings = { follow: Array<ShadowChoice>, source: ShadowSource, choices: Array<ShadowChoice>, };
export type ShadowSource = "team_file" | "app";
export type SpanView = { start: string, end: string, 
/**
 * `None`: nobody covers this stretch (a gap).
 */
who: PersonRef | null, overridden: boolean, };
export type TaskKind = { "type": "checklist", name: string, } | { "type": "shadow_pages", count: number, } | { "type": "review_incidents", count: number, } | { "type": "read", links: Array<string>, } | { "type": "reverse_shadow" } | { "type": "sign_off" };
export type TaskView = { id: string, title: string, kind: TaskKind, progress: Progress, 
/**
 * Ticked by hand (reading, reverse shadow, the mentor's sign-off); else Klaxon counts it.
 */
by_hand: boolean, 
/**
 * How Klaxon knows, in words ("3 of 5 pages shadowed", "signed off by Sam Lee").
 */
detail: string, 
/**
 * For a reading task: which links are ticked, in order.
 */
read: Array<boolean>, };
export type TestPagePath = { path: string, ok: boolean, error: string | null, };
export type ToReview = { id: IncidentId, title: string, severity: Severity, status: IncidentStatus, created_at: string, };
export type Urgency = "high" | "low";
export type WaitingPage = { id: IncidentId, severity: Severity, title: string, 
/**
 * When it was first paged.
 */
since: string, };
