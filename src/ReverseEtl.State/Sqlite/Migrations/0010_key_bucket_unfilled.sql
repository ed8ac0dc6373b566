-- The records still without their key bucket, per sync in key order: where the fill (SqlSyncStateStore.FillKeyBucketsAsync)
-- starts and all it reads, instead of walking a whole sync from its first key whenever one record lacks its bucket.
-- Partial: a record is in it only while it has no bucket, so once the buckets are filled it is empty, a write of this
-- version (which always sets the bucket) never adds to it, and the fill's first look finds nothing at once.
create index if not exists sync_records_no_bucket on sync_records (sync, key) where key_bucket is null;
