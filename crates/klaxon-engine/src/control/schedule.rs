//! The dispatcher's schedule calls: the Schedule view and overrides.

use super::Dispatcher;
use super::IpcError;
use super::calls::{AddOverride, ExportShifts, GetSchedule, RemoveOverride};
use crate::schedule_view::ScheduleView;
use klaxon_core::OverrideEntry;

impl Dispatcher {
    pub(super) async fn schedule(&self, c: GetSchedule) -> Result<ScheduleView, IpcError> {
        Ok(self.engine().klaxon().schedule_view(c.from, c.to).await?)
    }

    pub(super) async fn add_override(&self, c: AddOverride) -> Result<OverrideEntry, IpcError> {
        let o = self.engine().add_override(&c.schedule, c.layer.as_deref(), &c.person, c.start, c.end).await?;
        self.engine().changed(&[crate::Resource::OnCall]);
        Ok(o)
    }

    pub(super) async fn remove_override(&self, c: RemoveOverride) -> Result<OverrideEntry, IpcError> {
        let o = self.engine().klaxon().remove_override(c.id).await?;
        self.engine().changed(&[crate::Resource::OnCall]);
        Ok(o)
    }

    pub(super) async fn export_shifts(&self, c: ExportShifts) -> Result<String, IpcError> {
        let klaxon = self.engine().klaxon();
        let now = chrono::Utc::now();
        let days = i64::from(c.days.clamp(1, 120));
        let mine = klaxon.shifts_of(&crate::shifts::Whose::Me, now, now + chrono::TimeDelta::days(days)).await?;
        let folder = c.folder.as_deref().map(std::path::Path::new);
        Ok(klaxon.export_shifts_file(&mine, now, folder)?.display().to_string())
    }
}
