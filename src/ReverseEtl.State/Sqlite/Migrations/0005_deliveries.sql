-- Sends under way (write-ahead): stored before a batch goes out, removed once its outcome is known. A row left behind
-- (a timeout, a stop, the process killed) makes the next send of the same change ask the vendor first, where it can.
create table pending_sends (
    sync         text    not null,
    key          text    not null,
    action       text    not null,
    hash         integer not null,
    run_id       integer not null,
    attempted_at text    not null,
    primary key (sync, key)
) without rowid;

-- What each failure was about, so that a permanently rejected record is parked (not resent) until its row changes,
-- and how often it failed.
alter table record_failures add column attempts integer not null default 1;
alter table record_failures add column first_failed_at text;
alter table record_failures add column hash integer;
alter table record_failures add column matched integer;

-- Plans held back because they passed a sync's limits; approve releases each once, for the next run.
create table held_plans (
    id          integer primary key autoincrement,
    sync        text    not null,
    run_id      integer not null,
    kind        text    not null,
    count       integer not null,
    limit_count integer not null,
    reason      text    not null,
    samples     text    not null,
    held_at     text not null,
    approved_at text,
    used_by_run integer
);

create index held_plans_by_sync on held_plans (sync, kind);

-- What a run recorded without sending (initial: skip), left parked, and held back by limits.
alter table sync_runs add column baselined integer not null default 0;
alter table sync_runs add column parked integer not null default 0;
alter table sync_runs add column withheld integer not null default 0;
