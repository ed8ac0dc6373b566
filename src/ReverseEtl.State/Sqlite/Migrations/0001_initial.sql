-- What each sync last delivered, per key. hash is the payload's XxHash3 as a signed 64-bit integer.
create table sync_records (
    sync           text    not null,
    key            text    not null,
    hash           integer not null,
    matched        integer not null,
    destination_id text,
    updated_at     text    not null,
    primary key (sync, key)
) without rowid;

-- The latest failure of each key that the destination did not take; cleared when it is delivered.
create table record_failures (
    sync      text    not null,
    key       text    not null,
    run_id    integer not null,
    retryable integer not null,
    message   text    not null,
    failed_at text    not null,
    primary key (sync, key)
) without rowid;

create table sync_runs (
    id          integer primary key autoincrement,
    sync        text    not null,
    started_at  text    not null,
    finished_at text,
    status      text    not null,
    rows_read   integer not null default 0,
    rejected    integer not null default 0,
    added       integer not null default 0,
    changed     integer not null default 0,
    removed     integer not null default 0,
    sent        integer not null default 0,
    failed      integer not null default 0,
    error       text
);

create index sync_runs_by_sync on sync_runs (sync, id);
