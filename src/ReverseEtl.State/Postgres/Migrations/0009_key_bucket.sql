-- Each key's bucket for diff: warehouse: the first 32 bits of the md5 of its text. Generated, so that every statement
-- that writes a record (of this version or an older one) keeps it right; computed once here for the records already
-- stored. md5 hashes the text in the database's encoding: the store uses the column only where that is UTF-8.
alter table sync_records add column key_bucket bigint generated always as (('x' || substr(md5(key), 1, 8))::bit(32)::bigint) stored;
