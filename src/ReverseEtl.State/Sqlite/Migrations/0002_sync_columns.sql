-- The columns each sync read on its last run, with their warehouse types: a mapped column that changes type stops the sync.
create table sync_columns (
    sync      text not null,
    name      text not null,
    data_type text not null,
    primary key (sync, name)
);
