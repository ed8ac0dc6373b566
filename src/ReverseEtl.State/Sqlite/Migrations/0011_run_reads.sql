-- What a run read besides its rows, kept with its other counts so that status and the status page show them: full rows
-- fetched (or read again), key + row-hash rows and bucket sums read (diff: warehouse), and the keys held at its start.
alter table sync_runs add column rows_fetched integer not null default 0;
alter table sync_runs add column keys_read integer not null default 0;
alter table sync_runs add column buckets_read integer not null default 0;
alter table sync_runs add column held integer not null default 0;
