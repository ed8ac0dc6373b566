-- What a run read besides its rows, kept with its other counts so that status and the status page show them: full rows
-- fetched (or read again), key + row-hash rows and bucket sums read (diff: warehouse), and the keys held at its start.
alter table sync_runs add column rows_fetched bigint not null default 0;
alter table sync_runs add column keys_read bigint not null default 0;
alter table sync_runs add column buckets_read bigint not null default 0;
alter table sync_runs add column held bigint not null default 0;
