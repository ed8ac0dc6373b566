-- Which process (RETL_INSTANCE_ID, or host name and process id) ran each run.
alter table sync_runs add column instance text;
