//! The GraphQL operations Klaxon sends to GoAlert. Every argument travels in `variables` (never
//! inlined), and every operation has a name, so GoAlert's logs and the test fake can tell them apart.

/// One named GraphQL operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub name: &'static str,
    pub document: &'static str,
}

/// The fields of an alert that Klaxon maps (see `map::incident`).
macro_rules! alert_fields {
    () => {
        "alertID status summary details createdAt \
         service { name escalationPolicyID onCallUsers { userID stepNumber } } \
         state { lastEscalation stepNumber } \
         metrics { closedAt } \
         meta { key value }"
    };
}

/// The session's user with contact methods.
pub const CURRENT_USER: Op = Op {
    name: "KlaxonCurrentUser",
    document: "query KlaxonCurrentUser { user { id name email contactMethods { type name value disabled } } }",
};

/// One page of alerts (`$input: AlertSearchOptions`).
pub const ALERTS: Op = Op {
    name: "KlaxonAlerts",
    document: concat!(
        "query KlaxonAlerts($input: AlertSearchOptions) { alerts(input: $input) { nodes { ",
        alert_fields!(),
        " } pageInfo { endCursor hasNextPage } } }"
    ),
};

/// One alert by its number (`$id: Int!`); null when there is none.
pub const ALERT: Op = Op {
    name: "KlaxonAlert",
    document: concat!("query KlaxonAlert($id: Int!) { alert(id: $id) { ", alert_fields!(), " } }"),
};

/// One page of an alert's log, newest first (`$id: Int!`, `$input: AlertRecentEventsOptions`).
pub const ALERT_LOG: Op = Op {
    name: "KlaxonAlertLog",
    document: "query KlaxonAlertLog($id: Int!, $input: AlertRecentEventsOptions) { alert(id: $id) { \
               recentEvents(input: $input) { nodes { id timestamp message } pageInfo { endCursor hasNextPage } } } }",
};

/// Moves alerts forward to a status (`$input: UpdateAlertsInput!`); returns the ones it changed.
pub const UPDATE_ALERTS: Op = Op {
    name: "KlaxonUpdateAlerts",
    document: "mutation KlaxonUpdateAlerts($input: UpdateAlertsInput!) { updateAlerts(input: $input) { alertID } }",
};

/// Escalates one alert by one step (`$input: [Int!]`, exactly one id).
pub const ESCALATE_ALERTS: Op = Op {
    name: "KlaxonEscalateAlerts",
    document: "mutation KlaxonEscalateAlerts($input: [Int!]) { escalateAlerts(input: $input) { alertID } }",
};

/// One page of schedules with their shifts in `[$start, $end]` (at most 50 days apart).
pub const SCHEDULES: Op = Op {
    name: "KlaxonSchedules",
    document: "query KlaxonSchedules($input: ScheduleSearchOptions, $start: ISOTimestamp!, $end: ISOTimestamp!) { \
               schedules(input: $input) { nodes { id name shifts(start: $start, end: $end) { \
               userID user { name } start end truncated } } pageInfo { endCursor hasNextPage } } }",
};

/// One page of escalation policies with their steps and targets.
pub const POLICIES: Op = Op {
    name: "KlaxonPolicies",
    document: "query KlaxonPolicies($input: EscalationPolicySearchOptions) { escalationPolicies(input: $input) { \
               nodes { id name repeat steps { stepNumber delayMinutes targets { id type name } } } \
               pageInfo { endCursor hasNextPage } } }",
};

/// One page of rotations with who is on now and the next handoff.
pub const ROTATIONS: Op = Op {
    name: "KlaxonRotations",
    document: "query KlaxonRotations($input: RotationSearchOptions) { rotations(input: $input) { \
               nodes { id name activeUserIndex users { id name } nextHandoffTimes(num: 1) } \
               pageInfo { endCursor hasNextPage } } }",
};

/// Puts `addUserID` on a schedule in place of `removeUserID` for a while
/// (`$input: CreateUserOverrideInput!`).
pub const CREATE_USER_OVERRIDE: Op = Op {
    name: "KlaxonCreateUserOverride",
    document: "mutation KlaxonCreateUserOverride($input: CreateUserOverrideInput!) { \
               createUserOverride(input: $input) { id } }",
};

/// One page of user overrides (`$input: UserOverrideSearchOptions`).
pub const USER_OVERRIDES: Op = Op {
    name: "KlaxonUserOverrides",
    document: "query KlaxonUserOverrides($input: UserOverrideSearchOptions) { userOverrides(input: $input) { \
               nodes { id start end addUserID removeUserID } pageInfo { endCursor hasNextPage } } }",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_document_declares_its_own_name() {
        for op in [
            CURRENT_USER,
            ALERTS,
            ALERT,
            ALERT_LOG,
            UPDATE_ALERTS,
            ESCALATE_ALERTS,
            SCHEDULES,
            POLICIES,
            ROTATIONS,
            CREATE_USER_OVERRIDE,
            USER_OVERRIDES,
        ] {
            let head = op.document.split(['(', ' ', '{']).filter(|w| !w.is_empty()).nth(1);
            assert_eq!(head, Some(op.name), "{}", op.document);
            assert_eq!(op.document.matches('{').count(), op.document.matches('}').count(), "{}", op.name);
        }
    }
}
