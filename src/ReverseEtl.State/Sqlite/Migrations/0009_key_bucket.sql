-- Each key's bucket for diff: warehouse: the first 32 bits of the md5 of its UTF-8 text (retl_key_bucket, registered by
-- the worker on each connection). Only the column here: the records already stored get theirs from the first bucket
-- sum of their sync, in batches of a few thousand keys, each its own short write (SqlSyncStateStore.FillKeyBucketsAsync),
-- so that the upgrade does not hold SQLite's write lock for as long as hashing every key takes. A database that an
-- earlier build of this migration filled in one go has nothing left to fill.
alter table sync_records add column key_bucket integer;
