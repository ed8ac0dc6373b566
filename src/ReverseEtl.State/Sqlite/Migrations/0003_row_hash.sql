-- The warehouse's hash of the whole row, for syncs that diff in the warehouse (0: unknown).
alter table sync_records add column row_hash integer not null default 0;
