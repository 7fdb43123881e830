//! The command line: a contract that later versions extend, never break.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Klaxon: the on-call engineer's companion.
#[derive(Debug, Parser)]
#[command(name = "klaxon", version, about, propagate_version = true)]
pub struct Cli {
    /// Team file (default: $XDG_CONFIG_HOME/klaxon/klaxon.toml; env KLAXON_CONFIG).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Data directory (default: $XDG_DATA_HOME/klaxon; env KLAXON_DATA_DIR).
    #[arg(long, global = true, value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
    /// Print data as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pager: intake, sync, escalation timers, desktop notifications and ringtone; the
    /// app's window attaches to it over the control socket.
    Watch {
        /// Also show the tray icon and open the app's window for pages (what the app runs).
        #[arg(long)]
        tray: bool,
    },
    /// Stop the running pager (`klaxon watch`, or the app's) for this data dir, and its window.
    Stop,
    /// List open incidents (all recent ones with --all).
    Incidents {
        /// Include incidents resolved in the last 7 days.
        #[arg(long)]
        all: bool,
    },
    /// Show one incident with its timeline.
    Show { id: i64 },
    /// Acknowledge incidents.
    Ack {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Resolve incidents.
    Resolve {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Escalate incidents to the next level of their policy.
    Escalate {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Add a note to an incident's timeline (platform incidents).
    Note {
        id: i64,
        /// The note's text.
        text: String,
    },
    /// Silence an acknowledged incident's notifications for a while (platform incidents).
    Snooze {
        id: i64,
        /// Minutes (1 to 1440).
        #[arg(long, default_value_t = 60)]
        minutes: u32,
    },
    /// Give an incident to other people, or to an escalation policy (platform ids; `klaxon
    /// responders ACCOUNT` lists them).
    Reassign {
        id: i64,
        #[arg(long = "to", value_name = "USER_ID", required_unless_present = "policy", conflicts_with = "policy")]
        to: Vec<String>,
        /// An escalation policy instead of people.
        #[arg(long, value_name = "POLICY_ID")]
        policy: Option<String>,
    },
    /// The platform users and escalation policies of an account an incident can be reassigned to
    /// (cached; fetched again when older than an hour or with --refresh).
    Responders {
        account: String,
        /// Only those whose name, email or id has every word of this.
        #[arg(long)]
        search: Option<String>,
        /// Ask the platform now.
        #[arg(long)]
        refresh: bool,
    },
    /// Who is on call: the team file's policies and schedules (each layer, gaps shown) and every
    /// platform account's (as last synced).
    Oncall {
        /// At this time instead of now (2026-12-07T09:00:00Z, or local "2026-12-07 09:00").
        #[arg(long)]
        at: Option<String>,
    },
    /// The team file's schedules: zone, layers, windows, and who holds each layer now.
    Schedules,
    /// Overrides: someone takes a team-file schedule (or one layer) for a while.
    Override {
        #[command(subcommand)]
        command: OverrideCommand,
    },
    /// Upcoming on-call shifts from every source (the team file's schedules with overrides and
    /// calendars, and the platform accounts' as last synced).
    Shifts {
        /// How many days ahead.
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=120))]
        days: i64,
        /// Whose: `me`, `all`, or a person id (default: all; with --ics, me).
        #[arg(long)]
        who: Option<String>,
        /// Print an iCalendar file (RFC 5545) to import into a calendar app.
        #[arg(long, conflicts_with = "fairness")]
        ics: bool,
        /// Everyone's load over the next 12 weeks: hours, nights, weekends.
        #[arg(long)]
        fairness: bool,
    },
    /// Paging platform accounts (PagerDuty, Grafana OnCall, GoAlert); lists them without a subcommand.
    Accounts {
        #[command(subcommand)]
        command: Option<AccountsCommand>,
    },
    /// Actions waiting to reach (or refused by) a paging platform; lists them without a subcommand.
    Outbox {
        #[command(subcommand)]
        command: Option<OutboxCommand>,
        /// Also list actions already sent.
        #[arg(long)]
        all: bool,
    },
    /// Send a test page through every delivery path on this machine and report which fired.
    TestPage,
    /// Send an alert to the running intake (to try Klaxon out).
    Fire(FireArgs),
    /// Team file commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Local intake commands.
    Intake {
        #[command(subcommand)]
        command: IntakeCommand,
    },
    /// The phone: pages pushed through an ntfy server, answered from the notification.
    Phone {
        #[command(subcommand)]
        command: Option<PhoneCommand>,
    },
    /// Shadowing (new hires following someone's pages; see [shadow] in the team file).
    Shadow {
        #[command(subcommand)]
        command: ShadowCommand,
    },
    /// New-hire onboarding plans (plan files among the checklists): progress and what is next.
    Onboarding {
        #[command(subcommand)]
        command: Option<OnboardingCommand>,
    },
    /// Mark an incident reviewed (a new hire's review task counts these).
    Review { id: i64 },
    /// Readiness checklists (checklists/*.toml next to the team file): run them now.
    /// Exit 0 when every required item passes, 1 when one fails or waits for you, 2 for a bad file.
    ///
    /// Examples: `klaxon check` runs them all; `klaxon check pre-shift`; `klaxon check tick
    /// pre-shift handover --note "read Sam's notes"`; `klaxon check allow checklists/pre-shift.toml`.
    Check {
        #[command(subcommand)]
        command: Option<CheckCommand>,
        /// Only this checklist (its file name without .toml).
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OnboardingCommand {
    /// Tick a task done by hand: a link of a reading task (--part, from 0), a reverse shadow, or
    /// (as the mentor, --by) the sign-off.
    Tick {
        plan: String,
        task: String,
        #[arg(long, default_value_t = 0)]
        part: u32,
        /// Who ticks it (default: me); the sign-off counts only in the mentor's name.
        #[arg(long)]
        by: Option<String>,
        /// Take the tick back.
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Tick an item answered by hand (a manual item, the test page heard, incidents reviewed).
    Tick {
        checklist: String,
        item: String,
        #[arg(long)]
        note: Option<String>,
        /// Take the tick back.
        #[arg(long)]
        undo: bool,
    },
    /// Past runs, newest first.
    History {
        checklist: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Let this checklist file, as it is now, run its `command` probes (read it first: a changed
    /// file must be allowed again).
    Allow { file: std::path::PathBuf },
    /// Keep the bearer token an http probe names (`token_key = "KEY"`) in the OS keyring, read
    /// from stdin (never from the command line); --delete removes it.
    Token {
        key: String,
        #[arg(long, required_unless_present = "delete")]
        token_stdin: bool,
        #[arg(long, conflicts_with = "token_stdin")]
        delete: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShadowCommand {
    /// The pages I shadowed, with what the primary did and when.
    Log {
        /// How many days back.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(i64).range(1..=3650))]
        days: i64,
    },
    /// Whom I shadow (and where that list comes from), and whom I could.
    Show,
    /// Shadow these instead of the team file's [shadow] list: person:ID, rotation:ID, level:POLICY:N.
    Follow {
        #[arg(required = true, value_name = "TARGET")]
        targets: Vec<String>,
    },
    /// Go back to the team file's [shadow] list.
    Reset,
}

#[derive(Debug, Args)]
pub struct FireArgs {
    /// Alert title.
    #[arg(long)]
    pub title: String,
    #[arg(long, value_enum, default_value = "sev2")]
    pub severity: SeverityArg,
    /// Service the alert is about.
    #[arg(long)]
    pub service: Option<String>,
    /// Alerts with the same key update one incident.
    #[arg(long)]
    pub dedup_key: Option<String>,
    /// Resolve the incident with this --dedup-key instead of triggering.
    #[arg(long, requires = "dedup_key")]
    pub resolve: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the team file; errors as `file:line: message`.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum IntakeCommand {
    /// Print the intake's bearer token (for configuring senders such as Alertmanager).
    Token,
    /// Print the intake's base URL.
    Url,
}

#[derive(Debug, Subcommand)]
pub enum PhoneCommand {
    /// Where pages go to the phone, and the code to scan (the default).
    Show,
    /// Set up the phone (a new unguessable topic on ntfy.sh unless told otherwise) and print
    /// the subscription with a QR code for the ntfy app. Keeps what is set unless told.
    Setup {
        /// The ntfy server (self-hosted, or https://ntfy.sh).
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// Use this topic instead of a generated one.
        #[arg(long, conflicts_with = "new_topic")]
        topic: Option<String>,
        /// Generate a new topic (the phone must subscribe again).
        #[arg(long)]
        new_topic: bool,
        /// Push only after a page is unanswered this long on the laptop ("60s"; "0s": at once).
        #[arg(long, value_name = "DURATION")]
        after: Option<String>,
        /// Push at once while the screen is locked or the session idle (true or false).
        #[arg(long, value_name = "BOOL")]
        when_locked: Option<bool>,
        /// Include the incident's text and labels in pushes (true or false).
        #[arg(long, value_name = "BOOL")]
        details: Option<bool>,
    },
    /// Keep the ntfy access token in the OS keyring (read from standard input; empty forgets it).
    Token,
    /// Push a test page and wait for its Acknowledge from the phone: the round trip, timed.
    Test {
        /// How long to wait for the Acknowledge, in seconds (at most 120).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// Stop pushing pages to the phone.
    Off,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List accounts with their sync state.
    List,
    /// Add an account; the token is read from standard input and kept in the OS keyring only.
    Add(AddAccountArgs),
    /// Remove an account, its cached incidents and outbox, and its token.
    Remove { name: String },
    /// Check an account's token and address by asking the platform who the token belongs to.
    Test { name: String },
}

#[derive(Debug, Args)]
pub struct AddAccountArgs {
    #[arg(value_enum)]
    pub kind: KindArg,
    /// A short name for it (letters, digits, '-', '_', '.'); shown as the incidents' badge.
    #[arg(long)]
    pub name: String,
    /// The platform's address (required for Grafana OnCall and GoAlert).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Read the API token (GoAlert with --username: the password) from standard input.
    #[arg(long, required = true)]
    pub token_stdin: bool,
    /// GoAlert: log in as this user (the password comes from standard input) to get a session token.
    #[arg(long)]
    pub username: Option<String>,
    /// Seconds between polls (raised to the platform's floor; default 15).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub poll_secs: Option<u32>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    #[value(name = "pagerduty")]
    PagerDuty,
    GrafanaOncall,
    #[value(name = "goalert")]
    GoAlert,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Queue a failed action again.
    Retry { id: i64 },
    /// Drop a failed or pending action (the platform's state wins at the next sync).
    Discard { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum OverrideCommand {
    /// `--who` holds SCHEDULE (its first layer, or `--layer`) from `--from` to `--to`. A platform's
    /// schedule is `ACCOUNT:SCHEDULE_ID` with `--who` its user id; the running pager sends it.
    Add {
        schedule: String,
        /// The person id who covers.
        #[arg(long)]
        who: String,
        /// 2026-12-07T09:00:00Z, or local "2026-12-07 09:00".
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        layer: Option<String>,
    },
    /// Overrides not yet over.
    List,
    /// Removes an override by id.
    Remove { id: i64 },
}
