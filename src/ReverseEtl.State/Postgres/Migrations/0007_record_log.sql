-- The per-record log: what each run decided for each record and what came of it (explain shows it). Kept for
-- RETL_RECORD_LOG_DAYS and at most RETL_RECORD_LOG_MAX_ROWS per sync; the worker prunes it after each run.
create table record_log (
    id           bigint generated always as identity primary key,
    sync         text        not null,
    key          text        not null,
    run_id       bigint      not null,
    at           timestamptz not null,
    action       text        not null,
    decision     text        not null,
    outcome      text        not null,
    message      text,
    vendor_id    text,
    request      text,
    field_hashes text
);

create index record_log_by_key on record_log (sync, key, id);
create index record_log_by_time on record_log (sync, at, id);
