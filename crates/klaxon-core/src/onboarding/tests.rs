use super::*;

const PLAN: &str = r#"# Kim's first month
[plan]
new_hire = "kim"
mentor = "sam"
start = 2026-12-01

[[phases]]
title = "Week 1: set up"
weeks = 1
[[phases.tasks]]
id = "ready"
title = "The new-hire checklist passes"
checklist = "new-hire"
[[phases.tasks]]
id = "runbooks"
title = "Read the runbooks"
read = ["https://wiki.example.com/db", "https://wiki.example.com/api"]

[[phases]]
title = "Weeks 2-3: shadow"
weeks = "2-3"
[[phases.tasks]]
id = "shadow"
title = "Shadow 5 pages"
shadow_pages = 5
[[phases.tasks]]
id = "review"
title = "Review 10 past incidents"
review_incidents = 10

[[phases]]
title = "Week 4: reverse shadow"
weeks = "4"
[[phases.tasks]]
id = "reverse"
title = "A shift as primary, Sam following"
reverse_shadow = {}
[[phases.tasks]]
id = "signoff"
title = "Sam signs off"
sign_off = {}
"#;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn every_field_is_read() {
    assert!(is_plan(PLAN));
    assert!(!is_plan("title = \"a checklist\"\n"));
    assert!(!is_plan("not toml ["));
    assert!(is_plan("[plan]\nstart = 2026-13-01\n"), "a broken plan is still a plan");
    let p = parse("onboarding-kim", PLAN).unwrap();
    assert_eq!(
        (p.name.as_str(), p.new_hire.as_str(), p.mentor.as_str(), p.start),
        ("onboarding-kim", "kim", "sam", day("2026-12-01"))
    );
    let weeks: Vec<(u32, u32)> = p.phases.iter().map(|ph| ph.weeks).collect();
    assert_eq!(weeks, [(1, 1), (2, 3), (4, 4)]);
    let kinds: Vec<&TaskKind> = p.phases.iter().flat_map(|ph| &ph.tasks).map(|t| &t.kind).collect();
    assert_eq!(
        kinds,
        [
            &TaskKind::Checklist { name: "new-hire".into() },
            &TaskKind::Read {
                links: vec!["https://wiki.example.com/db".into(), "https://wiki.example.com/api".into()]
            },
            &TaskKind::ShadowPages { count: 5 },
            &TaskKind::ReviewIncidents { count: 10 },
            &TaskKind::ReverseShadow,
            &TaskKind::SignOff,
        ]
    );
}

#[test]
fn errors_name_their_line() {
    let with_task = |body: &str| {
        format!(
            "[plan]\nnew_hire = \"kim\"\nmentor = \"sam\"\nstart = 2026-12-01\n[[phases]]\ntitle = \"W\"\nweeks = 1\n[[phases.tasks]]\nid = \"t\"\ntitle = \"T\"\n{body}\n"
        )
    };
    let cases = [
        ("[plan]\nnew_hire = \"kim\"\nmentor = \"sam\"\nstart = 2026-12-01T09:00:00Z\n[[phases]]\ntitle = \"W\"\nweeks = 1\n".to_owned(), "4: start must be a date"),
        ("[plan]\nnew_hire = \"\"\nmentor = \"sam\"\nstart = 2026-12-01\n[[phases]]\ntitle = \"W\"\nweeks = 1\n".to_owned(), "2: new_hire must name a person"),
        ("[plan]\nnew_hire = \"kim\"\nmentor = \"sam\"\nstart = 2026-12-01\n".to_owned(), "1: a plan needs at least one [[phases]] entry"),
        (with_task("shadow_pages = 5").replace("weeks = 1", "weeks = \"3-2\""), "7: weeks must be a week number or a range"),
        (with_task(""), "9: task `t` says nothing to do"),
        (with_task("shadow_pages = 0"), "11: shadow_pages must be 1 to 1000"),
        (with_task("read = []"), "11: read needs at least one link"),
        (with_task("read = [\"wiki/db\"]"), "11: `wiki/db` is no http(s) link"),
        (with_task("sign_off = {}\nreverse_shadow = {}"), "12: task `t` has a second kind"),
        (with_task("sign_off = {}\ncolour = 1"), "12: unknown field `colour`"),
        (format!("{}[[phases.tasks]]\nid = \"t\"\ntitle = \"Again\"\nsign_off = {{}}\n", with_task("sign_off = {}")), "13: duplicate task id `t`"),
    ];
    for (text, want) in cases {
        let got = parse("p", &text).unwrap_err().to_string();
        assert!(got.starts_with(want), "for\n{text}\ngot {got:?}, wanted {want:?}");
    }
}

#[test]
fn weeks_and_the_next_task() {
    let p = parse("p", PLAN).unwrap();
    assert_eq!(p.week(day("2026-11-30")), 0, "before the start");
    assert_eq!(p.week(day("2026-12-01")), 1);
    assert_eq!(p.week(day("2026-12-07")), 1);
    assert_eq!(p.week(day("2026-12-08")), 2);
    let done = |ids: &'static [&'static str]| {
        move |t: &Task| Progress { done: u32::from(ids.contains(&t.id.as_str())), of: 1 }
    };
    assert_eq!(p.next(done(&[])).map(|(_, t)| t.id.as_str()), Some("ready"));
    assert_eq!(
        p.next(done(&["ready", "runbooks"])).map(|(ph, t)| (ph.title.as_str(), t.id.as_str())),
        Some(("Weeks 2-3: shadow", "shadow"))
    );
    assert!(p.next(done(&["ready", "runbooks", "shadow", "review", "reverse", "signoff"])).is_none());
    assert!(Progress { done: 5, of: 5 }.complete() && !Progress { done: 4, of: 5 }.complete());
}
