-- Sends under way (write-ahead): stored before a batch goes out, removed once its outcome is known. A row left behind
-- (a timeout, a stop, the process killed) makes the next send of the same change ask the vendor first, where it can.
create table pending_sends (
    sync         text        not null,
    key          text        not null,
    action       text        not null,
    hash         bigint      not null,
    run_id       bigint      not null,
    attempted_at timestamptz not null,
    primary key (sync, key)
);

-- What each failure was about, so that a permanently rejected record is parked (not resent) until its row changes,
-- and how often it failed.
alter table record_failures add column attempts integer not null default 1;
alter table record_failures add column first_failed_at timestamptz;
alter table record_failures add column hash bigint;
alter table record_failures add column matched boolean;

-- Plans held back because they passed a sync's limits; approve releases each once, for the next run.
create table held_plans (
    id          bigint generated always as identity primary key,
    sync        text    not null,
    run_id      bigint not null,
    kind        text    not null,
    count       bigint not null,
    limit_count bigint not null,
    reason      text    not null,
    samples     text    not null,
    held_at     timestamptz not null,
    approved_at timestamptz,
    used_by_run bigint
);

create index held_plans_by_sync on held_plans (sync, kind);

-- What a run recorded without sending (initial: skip), left parked, and held back by limits.
alter table sync_runs add column baselined bigint not null default 0;
alter table sync_runs add column parked bigint not null default 0;
alter table sync_runs add column withheld bigint not null default 0;
