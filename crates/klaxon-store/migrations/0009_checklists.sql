-- Readiness checklists: every run with its items' results (history kept), manual ticks (the
-- latest row of an item counts), and the checklist files allowed to run commands (by hash).

CREATE TABLE checklist_runs (
    id          INTEGER PRIMARY KEY,
    checklist   TEXT NOT NULL,
    trigger     TEXT NOT NULL,      -- asked | pre_shift
    shift_start INTEGER,            -- the shift a pre-shift run was for
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT                -- pass | warn | needs_you | fail, once finished
);
-- A shift's pre-shift run is claimed once: a restarted pager does not run or notify it again.
CREATE UNIQUE INDEX checklist_runs_once_per_shift ON checklist_runs (checklist, shift_start)
    WHERE trigger = 'pre_shift';
CREATE INDEX checklist_runs_by_time ON checklist_runs (checklist, started_at);

CREATE TABLE checklist_results (
    run_id    INTEGER NOT NULL REFERENCES checklist_runs(id) ON DELETE CASCADE,
    checklist TEXT NOT NULL,
    item      TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    checked   TEXT NOT NULL,
    result    TEXT NOT NULL,
    took_ms   INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (run_id, item)
);
CREATE INDEX checklist_results_latest ON checklist_results (checklist, item, at);

CREATE TABLE checklist_ticks (
    id        INTEGER PRIMARY KEY,
    checklist TEXT NOT NULL,
    item      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    ticked    INTEGER NOT NULL,     -- 0: taken back
    note      TEXT
);
CREATE INDEX checklist_ticks_latest ON checklist_ticks (checklist, item, id);

CREATE TABLE allowed_checklists (
    path       TEXT PRIMARY KEY,    -- canonical path of the file
    sha256     TEXT NOT NULL,       -- hex digest of its contents when allowed
    allowed_at INTEGER NOT NULL
);
