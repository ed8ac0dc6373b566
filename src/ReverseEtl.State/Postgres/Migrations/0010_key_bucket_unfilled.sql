-- The records still without their key bucket, per sync in key order: where the fill (SqlSyncStateStore.FillKeyBucketsAsync)
-- starts and all it reads, instead of walking a whole sync from its first key whenever one record lacks its bucket
-- (about 35 s for a million keys). Partial: a record is in it only while it has no bucket (stored before 0009, or
-- written since by a worker of an older version), so once the buckets are filled it is empty, a write of this version
-- (which always sets the bucket) never adds to it, and the fill's first look finds nothing at once.
-- Building it scans sync_records once under a lock that holds off writes (no CONCURRENTLY: migrations run in one
-- transaction); as 0009, it gives up waiting for that lock after 10 s rather than queue every replica behind an old run.
-- Upgrading from before 0009 in one start, 0009's exclusive lock (which holds off reads too) lasts until this build
-- ends, every record then being without a bucket: about 0.5 s per million records. The fill's updates from null to a
-- bucket are not HOT (the column is in this index's predicate): a one-off growth of the primary key's index.
set local lock_timeout = '10s';
create index if not exists sync_records_no_bucket on sync_records (sync, key) where key_bucket is null;
