//! `klaxon phone`: set up, show, test and switch off the phone path (ntfy).

use crate::args::PhoneCommand;
use crate::output::out;
use klaxon_engine::core::Secret;
use klaxon_engine::core::phone::{normalize_server, topic_from};
use klaxon_engine::phone::{
    PhoneView, ROUND_TRIP_TIMEOUT, qr_text, random_16, round_trip, set_token, suggested_settings,
};
use klaxon_engine::{EngineError, Klaxon};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::time::Duration;

pub async fn run(klaxon: &Klaxon, command: Option<PhoneCommand>, json: bool) -> Result<ExitCode, EngineError> {
    let secrets = klaxon_engine::secrets::os_store();
    match command.unwrap_or(PhoneCommand::Show) {
        PhoneCommand::Show => show(&klaxon.phone_view(secrets.as_ref()).await?, json),
        PhoneCommand::Setup { server, topic, new_topic, after, when_locked, details } => {
            let current = klaxon.phone_settings().await?.map(|(s, _)| s);
            if klaxon.team_file_phone().is_none() {
                let mut s = current.unwrap_or_else(suggested_settings);
                if let Some(server) = server {
                    s.server = normalize_server(&server);
                }
                match (topic, new_topic) {
                    (Some(t), _) => s.topic = t,
                    (None, true) => s.topic = topic_from(random_16()),
                    (None, false) => {}
                }
                if let Some(after) = after {
                    let d = humantime::parse_duration(&after)
                        .map_err(|e| EngineError::InvalidInput(format!("after: `{after}`: {e} (try \"60s\")")))?;
                    s.after_secs = d.as_secs();
                }
                s.when_locked = when_locked.unwrap_or(s.when_locked);
                s.details = details.unwrap_or(s.details);
                klaxon.set_phone_settings(Some(s)).await?;
            } else if server.is_some() || topic.is_some() || new_topic || after.is_some() || when_locked.is_some() {
                return Err(EngineError::InvalidInput(format!(
                    "phone: set by [phone] in the team file ({}); edit it there",
                    klaxon.paths().config_file.display()
                )));
            }
            show(&klaxon.phone_view(secrets.as_ref()).await?, json)
        }
        PhoneCommand::Token => {
            if std::io::stdin().is_terminal() {
                eprint!("ntfy access token (an empty line forgets it): ");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| EngineError::InvalidInput(format!("token: {e}")))?;
            let token = Secret::new(line.trim());
            let store = secrets.clone();
            tokio::task::spawn_blocking(move || set_token(store.as_ref(), Some(&token)))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??;
            let set = if line.trim().is_empty() { "forgotten" } else { "kept in the OS keyring" };
            out!("klaxon: ntfy access token {set}");
            Ok(ExitCode::SUCCESS)
        }
        PhoneCommand::Test { timeout } => {
            let client = klaxon_ntfy::NtfyClient::new().map_err(|e| EngineError::Phone(e.to_string()))?;
            let wait = Duration::from_secs(timeout).min(ROUND_TRIP_TIMEOUT);
            if !json {
                out!("klaxon: test page pushed; tap Acknowledge on the phone (waiting up to {} s)", wait.as_secs());
            }
            let trip = round_trip(klaxon, secrets, &client, wait).await?;
            if json {
                out!("{}", serde_json::to_string_pretty(&trip).unwrap_or_default());
            } else {
                out!(
                    "klaxon: round trip done — push taken by the server in {} ms, Acknowledge back {} ms later",
                    trip.publish_ms,
                    trip.answer_ms
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PhoneCommand::Off => {
            klaxon.set_phone_settings(None).await?;
            out!("klaxon: pages no longer go to the phone");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn show(view: &PhoneView, json: bool) -> Result<ExitCode, EngineError> {
    if json {
        let mut value = serde_json::to_value(view).map_err(|e| EngineError::Internal(e.to_string()))?;
        if let Some(o) = value.as_object_mut() {
            o.remove("qr_svg");
        }
        out!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(s), Some(url)) = (&view.settings, &view.subscribe_url) else {
        out!("Pages do not go to a phone. Set it up with `klaxon phone setup`.");
        return Ok(ExitCode::SUCCESS);
    };
    let when = match (s.after_secs, s.when_locked) {
        (0, _) => "at once".to_owned(),
        (n, true) => format!("after {n} s unanswered, at once while the screen is locked"),
        (n, false) => format!("after {n} s unanswered"),
    };
    let source = match view.source {
        Some(klaxon_engine::phone::PhoneSource::TeamFile) => " (from [phone] in the team file)",
        _ => "",
    };
    out!("Pages go to the phone through ntfy{source}:");
    out!("  server       {}", s.server);
    out!("  topic        {}", s.topic);
    out!("  reply topic  {} (the phone's buttons post here)", s.reply_topic());
    out!("  when         {when}");
    out!(
        "  details      {}",
        if s.details { "title, severity, service, text and labels" } else { "title, severity and service only" }
    );
    out!(
        "  token        {}",
        if view.token_set { "kept in the OS keyring" } else { "none (`klaxon phone token` to add one)" }
    );
    out!("");
    out!("In the ntfy app, subscribe to {url} — or scan:");
    if let Some(code) = view.app_link.as_deref().and_then(qr_text) {
        out!("{code}");
    }
    if let Some(link) = &view.app_link {
        out!("({link})");
    }
    out!("Then run `klaxon phone test` for the round trip.");
    Ok(ExitCode::SUCCESS)
}
