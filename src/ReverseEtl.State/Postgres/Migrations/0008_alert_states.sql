-- The last alerted state of each sync, alert route and condition (failed, held, rejected): an alert goes out when it
-- changes, none while it stays the same. A row moves only once its alert was posted (or needed none).
create table alert_states (
    sync       text        not null,
    route      text        not null,
    condition  text        not null,
    active     boolean     not null,
    run_id     bigint      not null,
    changed_at timestamptz not null,
    primary key (sync, route, condition)
);
