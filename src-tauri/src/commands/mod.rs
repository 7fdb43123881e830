//! Thin commands, one file per domain.

mod accounts;
mod app;
mod incidents;
mod outbox;
mod paging;
mod phone;
mod readiness;
mod schedule;
#[cfg(desktop)]
mod settings;
mod shadow;
mod signature;

#[cfg(test)]
pub use accounts::{ActionSupport, KindCapabilities};
#[cfg(test)]
pub use signature::Signature;

/// Every command's signature, for the generated TypeScript wrappers.
#[cfg(test)]
pub fn signatures(cfg: &ts_rs::Config) -> Vec<Signature> {
    let mut all = [
        incidents::signatures(cfg),
        accounts::signatures(cfg),
        outbox::signatures(cfg),
        schedule::signatures(cfg),
        paging::signatures(cfg),
        phone::signatures(cfg),
        shadow::signatures(cfg),
        readiness::signatures(cfg),
        app::signatures(cfg),
    ]
    .concat();
    #[cfg(desktop)]
    all.extend(settings::signatures(cfg));
    all
}

/// Every command the webview may call.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        incidents::list_incidents,
        incidents::get_incident,
        incidents::dismiss_warnings,
        incidents::acknowledge_incident,
        incidents::escalate_incident,
        incidents::resolve_incident,
        incidents::note_incident,
        incidents::snooze_incident,
        incidents::reassign_incident,
        incidents::open_incident_link,
        accounts::capabilities,
        accounts::list_accounts,
        accounts::add_account,
        accounts::remove_account,
        accounts::test_account,
        accounts::sync_account,
        accounts::list_responders,
        outbox::list_outbox,
        outbox::retry_outbox,
        outbox::discard_outbox,
        schedule::on_call_status,
        schedule::get_schedule,
        schedule::add_override,
        schedule::remove_override,
        schedule::export_shifts,
        paging::ring_state,
        paging::mute_ringing,
        paging::unmute_ringing,
        paging::acknowledge_all,
        paging::test_page,
        phone::get_phone,
        phone::suggest_phone,
        phone::set_phone,
        phone::test_phone,
        shadow::shadow_settings,
        shadow::set_shadow,
        shadow::reset_shadow,
        readiness::get_readiness,
        readiness::run_checklist,
        readiness::tick_checklist_item,
        readiness::get_onboarding,
        readiness::tick_onboarding_task,
        readiness::mark_incident_reviewed,
        #[cfg(desktop)]
        settings::autostart_enabled,
        #[cfg(desktop)]
        settings::set_autostart,
        app::ui_ready,
    ]
}
