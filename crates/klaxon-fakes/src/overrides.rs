//! Overrides on the fakes' schedules: who is on call once they are applied (what every fake
//! renders), and adding one after the checks every platform makes.

use crate::model::{FakeOverride, FakeSchedule, Platform};
use chrono::{DateTime, Utc};

/// One rendered shift: (user id, start, end).
pub type Span = (String, DateTime<Utc>, DateTime<Utc>);

/// Why a platform refuses an override; each fake words it in its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownSchedule,
    /// The user (the one put on, or the one replaced) the platform does not know.
    UnknownUser(String),
    EndNotAfterStart,
    /// The one put on is the one replaced.
    SameUser,
}

impl FakeSchedule {
    /// The shifts with every override applied, in start order: an override cuts the shifts it
    /// covers (only its `replaces` user's, when it names one) and puts its user there instead;
    /// one that replaces whoever is on also fills the gaps of its range.
    pub fn rendered(&self) -> Vec<Span> {
        let mut spans = self.shifts.clone();
        for o in &self.overrides {
            let mut next = Vec::with_capacity(spans.len() + 2);
            for (who, start, end) in spans {
                let hit = start < o.end && o.start < end && o.replaces.as_ref().is_none_or(|r| *r == who);
                if !hit {
                    next.push((who, start, end));
                    continue;
                }
                if start < o.start {
                    next.push((who.clone(), start, o.start));
                }
                if o.replaces.is_some() {
                    next.push((o.user.clone(), start.max(o.start), end.min(o.end)));
                }
                if o.end < end {
                    next.push((who, o.end, end));
                }
            }
            if o.replaces.is_none() {
                next.push((o.user.clone(), o.start, o.end));
            }
            next.sort_by_key(|s| s.1);
            spans = next;
        }
        spans
    }

    /// Who is on call at `t`, overrides applied.
    pub fn on_call_at(&self, t: DateTime<Utc>) -> Option<String> {
        self.rendered().into_iter().find(|(_, start, end)| *start <= t && t < *end).map(|(who, _, _)| who)
    }
}

impl Platform {
    /// Puts `user` on `schedule` for `[start, end)` (in place of `replaces`, or of whoever is
    /// on); returns the override's id.
    pub fn add_override(
        &mut self,
        schedule: &str,
        user: &str,
        replaces: Option<&str>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<String, Refusal> {
        for u in std::iter::once(user).chain(replaces) {
            if self.user(u).is_none() {
                return Err(Refusal::UnknownUser(u.to_owned()));
            }
        }
        if replaces == Some(user) {
            return Err(Refusal::SameUser);
        }
        if end <= start {
            return Err(Refusal::EndNotAfterStart);
        }
        let s = self.schedules.iter_mut().find(|s| s.id == schedule).ok_or(Refusal::UnknownSchedule)?;
        let id = format!("OV{}{}", s.id.replace('_', ""), s.overrides.len() + 1);
        s.overrides.push(FakeOverride {
            id: id.clone(),
            user: user.to_owned(),
            replaces: replaces.map(str::to_owned),
            start,
            end,
        });
        Ok(id)
    }

    /// A schedule by id.
    pub fn schedule(&self, id: &str) -> Option<&FakeSchedule> {
        self.schedules.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Shared;
    use chrono::{Duration, TimeZone};

    fn h(n: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(n)
    }

    fn platform() -> Shared {
        let shared = Shared::new("t", h(0));
        if let Some(s) = shared.lock().schedules.first_mut() {
            s.shifts = vec![("U_ME".into(), h(0), h(10)), ("U_OTHER".into(), h(10), h(20))];
        }
        shared
    }

    fn rendered(shared: &Shared) -> Vec<(String, i64, i64)> {
        let p = shared.lock();
        let hours = |t: DateTime<Utc>| (t - h(0)).num_hours();
        p.schedules[0].rendered().into_iter().map(|(w, a, b)| (w, hours(a), hours(b))).collect()
    }

    fn s(who: &str, a: i64, b: i64) -> (String, i64, i64) {
        (who.to_owned(), a, b)
    }

    #[test]
    fn an_override_of_whoever_is_on_splits_the_shifts_it_covers() {
        let shared = platform();
        let id = shared.lock().add_override("S_PRIMARY", "U_OTHER", None, h(8), h(12)).unwrap();
        assert_eq!(id, "OVSPRIMARY1");
        assert_eq!(rendered(&shared), [s("U_ME", 0, 8), s("U_OTHER", 8, 12), s("U_OTHER", 12, 20)]);
        shared.lock().add_override("S_PRIMARY", "U_ME", None, h(18), h(25)).unwrap();
        assert_eq!(rendered(&shared).last(), Some(&s("U_ME", 18, 25)), "the gap after the shifts is filled too");
        assert_eq!(shared.lock().schedules[0].on_call_at(h(9)).as_deref(), Some("U_OTHER"));
    }

    #[test]
    fn a_replacing_override_only_takes_its_users_shifts() {
        let shared = platform();
        shared.lock().add_override("S_PRIMARY", "U_OTHER", Some("U_ME"), h(5), h(15)).unwrap();
        assert_eq!(rendered(&shared), [s("U_ME", 0, 5), s("U_OTHER", 5, 10), s("U_OTHER", 10, 20)]);
    }

    #[test]
    fn bad_overrides_are_refused() {
        let shared = platform();
        let mut p = shared.lock();
        assert_eq!(p.add_override("S_NOPE", "U_OTHER", None, h(1), h(2)), Err(Refusal::UnknownSchedule));
        assert_eq!(p.add_override("S_PRIMARY", "U_X", None, h(1), h(2)), Err(Refusal::UnknownUser("U_X".into())));
        assert_eq!(p.add_override("S_PRIMARY", "U_OTHER", None, h(2), h(2)), Err(Refusal::EndNotAfterStart));
        assert_eq!(p.add_override("S_PRIMARY", "U_ME", Some("U_ME"), h(1), h(2)), Err(Refusal::SameUser));
        assert!(p.schedules[0].overrides.is_empty());
    }
}
