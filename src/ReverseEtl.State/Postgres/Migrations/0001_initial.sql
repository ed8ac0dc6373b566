-- What each sync last delivered, per key. hash is the payload's XxHash3 as a signed 64-bit integer.
create table sync_records (
    sync           text        not null,
    key            text        not null,
    hash           bigint      not null,
    matched        boolean     not null,
    destination_id text,
    updated_at     timestamptz not null,
    primary key (sync, key)
);

-- The latest failure of each key that the destination did not take; cleared when it is delivered.
create table record_failures (
    sync      text        not null,
    key       text        not null,
    run_id    bigint      not null,
    retryable boolean     not null,
    message   text        not null,
    failed_at timestamptz not null,
    primary key (sync, key)
);

create table sync_runs (
    id          bigint generated always as identity primary key,
    sync        text        not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status      text        not null,
    rows_read   bigint      not null default 0,
    rejected    bigint      not null default 0,
    added       bigint      not null default 0,
    changed     bigint      not null default 0,
    removed     bigint      not null default 0,
    sent        bigint      not null default 0,
    failed      bigint      not null default 0,
    error       text
);

create index sync_runs_by_sync on sync_runs (sync, id);
