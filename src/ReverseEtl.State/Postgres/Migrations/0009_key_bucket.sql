-- Each key's bucket for diff: warehouse: the first 32 bits of the md5 of its UTF-8 text, big-endian, as an unsigned
-- number (0 to 2^32 - 1, hence bigint). The worker computes it and writes it with every record: PostgreSQL's md5() is
-- refused on a FIPS server, and a generated column would rewrite and lock the table for the whole upgrade.
-- A nullable column without a default is added without rewriting the table, but under an exclusive lock, which waits
-- for every open transaction on the table (an older replica's run holds its read for the run's length) while every
-- later query on it queues behind: so it gives up after 10 s, failing this start with PostgreSQL's "lock timeout"
-- (the next start tries again) rather than holding up every replica. Records
-- stored before have none: the first bucket sum of a sync fills them in batches of a few thousand keys, each its own
-- short transaction (SqlSyncStateStore.FillKeyBucketsAsync), never here. No index: the read of the buckets that differ
-- selects a good part of a sync's keys and reads them in key order, which the primary key already serves; an index
-- built here would hold off every write to sync_records for as long as it takes to build.
set local lock_timeout = '10s';
alter table sync_records add column key_bucket bigint;
