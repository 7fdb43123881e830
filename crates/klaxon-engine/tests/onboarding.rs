//! A new hire's onboarding plan in the engine, on real files and a real SQLite file: each task's
//! progress comes from what Klaxon knows (the checklist's results, the shadow log, incidents marked
//! reviewed) or from ticks, the mentor alone signs off, and "next" walks the phases in order.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod common;

use chrono::Utc;
use common::Setup;
use klaxon_engine::checklists::{CheckContext, HttpProbeOptions};
use klaxon_engine::core::checklist::RunTrigger;
use klaxon_engine::core::pager::PageKey;
use klaxon_engine::core::{LogEntry, LogKind, Severity};
use klaxon_engine::{HttpOptions, Klaxon};
use std::sync::Arc;

fn plan(start: chrono::NaiveDate) -> String {
    format!(
        "[plan]\nnew_hire = \"alex\"\nmentor = \"sam\"\nstart = {start}\n\
         [[phases]]\ntitle = \"Week 1: set up\"\nweeks = 1\n\
         [[phases.tasks]]\nid = \"ready\"\ntitle = \"Ready to shadow\"\nchecklist = \"new-hire\"\n\
         [[phases.tasks]]\nid = \"runbooks\"\ntitle = \"Read the runbooks\"\nread = [\"https://wiki.example.com/db\", \"https://wiki.example.com/api\"]\n\
         [[phases]]\ntitle = \"Weeks 2-3: shadow\"\nweeks = \"2-3\"\n\
         [[phases.tasks]]\nid = \"shadow\"\ntitle = \"Shadow 2 pages\"\nshadow_pages = 2\n\
         [[phases.tasks]]\nid = \"review\"\ntitle = \"Review an incident\"\nreview_incidents = 1\n\
         [[phases]]\ntitle = \"Week 4: primary\"\nweeks = 4\n\
         [[phases.tasks]]\nid = \"reverse\"\ntitle = \"A shift as primary\"\nreverse_shadow = {{}}\n\
         [[phases.tasks]]\nid = \"signoff\"\ntitle = \"Sam signs off\"\nsign_off = {{}}\n"
    )
}

async fn progress(klaxon: &Klaxon) -> (u32, Option<String>, Vec<String>) {
    let (plans, problems) = klaxon.onboarding(Utc::now()).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let p = &plans[0];
    let details = p.phases.iter().flat_map(|ph| &ph.tasks).map(|t| t.detail.clone()).collect();
    (p.done, p.next.clone(), details)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_fills_in_from_what_klaxon_knows_and_from_ticks() {
    let setup = Setup::new("5m");
    let dir = setup.dir.path().join("checklists");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("new-hire.toml"),
        "title = \"New hire\"\n[[items]]\nid = \"apps\"\ntitle = \"Apps\"\nmanual = {}\n",
    )
    .unwrap();
    let start = (Utc::now() - chrono::Duration::days(10)).date_naive();
    std::fs::write(dir.join("onboarding-alex.toml"), plan(start)).unwrap();
    std::fs::write(dir.join("onboarding-bad.toml"), "[plan]\nnew_hire = \"x\"\nmentor = \"y\"\nstart = \"soon\"\n")
        .unwrap();
    let klaxon = Arc::new(setup.klaxon().await);

    let (plans, problems) = klaxon.onboarding(Utc::now()).await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("onboarding-bad.toml:"), "{problems:?}");
    assert_eq!(klaxon.checklists().1.len(), 0, "plans are not reported as bad checklists");
    std::fs::remove_file(dir.join("onboarding-bad.toml")).unwrap();
    let p = &plans[0];
    assert_eq!((p.new_hire.as_str(), p.mentor.as_str(), p.week, p.done, p.of), ("Alex", "Sam", 2, 0, 6));
    assert!(p.phases[1].current && !p.phases[0].current, "week 2 is in the second phase");
    assert_eq!(p.next.as_deref(), Some("Week 1: set up: Ready to shadow"));

    // The checklist passes once its manual item is ticked and it ran.
    klaxon.tick("new-hire", "apps", true, None).await.unwrap();
    let ctx = CheckContext {
        secrets: setup.secrets.clone(),
        http: HttpOptions::default(),
        deliveries: vec![],
        probes: HttpProbeOptions::default(),
        phone: None,
    };
    let list = klaxon.checklist("new-hire").unwrap();
    klaxon.run_checklist(&list, RunTrigger::Asked, None, &ctx).await.unwrap();
    // Two shadowed pages and one incident reviewed, as the pager and the app record them.
    let team = klaxon.team().clone();
    let mut ids = Vec::new();
    for title in ["db down", "api slow"] {
        let incident = klaxon
            .store()
            .ingest_alert(&common::alert(title, Severity::Sev2), &team, Utc::now())
            .await
            .unwrap()
            .incident
            .unwrap();
        let log = LogEntry::new(Utc::now(), LogKind::Notified, "Shadowed", None);
        klaxon
            .store()
            .record_shadow(PageKey { incident: incident.id, trigger_seq: 1 }, "person:sam", &["sam".into()], &log)
            .await
            .unwrap();
        ids.push(incident.id);
    }
    klaxon.mark_reviewed(ids[0]).await.unwrap();
    klaxon.mark_reviewed(ids[0]).await.unwrap();
    let (done, next, details) = progress(&klaxon).await;
    assert_eq!(done, 3, "{details:?}");
    assert_eq!(next.as_deref(), Some("Week 1: set up: Read the runbooks"));
    assert_eq!(details[2], "2 of 2 pages shadowed");
    assert_eq!(details[3], "1 of 1 incidents reviewed");

    // By hand: each link, the reverse shadow; the sign-off only in the mentor's name.
    assert!(klaxon.onboarding_tick("onboarding-alex", "shadow", 0, None, true).await.is_err(), "counted, not ticked");
    assert!(klaxon.onboarding_tick("onboarding-alex", "runbooks", 2, None, true).await.is_err(), "only two links");
    klaxon.onboarding_tick("onboarding-alex", "runbooks", 0, None, true).await.unwrap();
    let (_, _, details) = progress(&klaxon).await;
    assert_eq!(details[1], "1 of 2 read");
    klaxon.onboarding_tick("onboarding-alex", "runbooks", 1, None, true).await.unwrap();
    klaxon.onboarding_tick("onboarding-alex", "reverse", 0, None, true).await.unwrap();
    assert!(klaxon.onboarding_tick("onboarding-alex", "signoff", 0, Some("alex"), true).await.is_err());
    assert!(klaxon.onboarding_tick("onboarding-alex", "signoff", 0, None, true).await.is_err(), "me is not the mentor");
    let (done, next, _) = progress(&klaxon).await;
    assert_eq!((done, next.as_deref()), (5, Some("Week 4: primary: Sam signs off")));
    klaxon.onboarding_tick("onboarding-alex", "signoff", 0, Some("sam"), true).await.unwrap();
    let (done, next, details) = progress(&klaxon).await;
    assert_eq!((done, next), (6, None));
    assert!(details[5].starts_with("signed off by Sam on "), "{details:?}");
}
