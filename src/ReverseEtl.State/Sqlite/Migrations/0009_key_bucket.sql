-- Each key's bucket for diff: warehouse: the first 32 bits of the md5 of its UTF-8 text (retl_key_bucket, registered by
-- the worker on each connection). Computed once here for the records already stored; null only for a record that a
-- worker of an older version writes later, and then the bucket sums fall back to hashing every key.
alter table sync_records add column key_bucket integer;
update sync_records set key_bucket = retl_key_bucket(key);
