using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The statements of the in-warehouse snapshot (<c>SCHEMA.retl_snapshot</c>: per sync and key, the row hash and match
/// the state holds, and a check number), written so that DuckDB, PostgreSQL and Snowflake all read them as they are.
/// </summary>
internal sealed class SnapshotSql(IWarehouseDialect dialect, string schema, string sync)
{
    public const string Gone = "retl_gone__";
    public const string ModelRows = "retl_model_rows__";
    public const string KeyColumn = "retl_key__";

    /// <summary>Columns the diff returns, last, besides the model's own, its row hash and its match.</summary>
    public static IReadOnlyList<string> Extra { get; } = [KeyColumn, Gone, ModelRows];

    public string Table => $"{schema}.retl_snapshot";

    /// <summary>
    /// The table, with a primary key on (sync, key) unless the writer loads in bulk (DuckDB): DuckDB's index makes
    /// deleting many keys slow (35 s for 1M keys, 0.03 s without it), and the writes never need it (a key is deleted
    /// before it is inserted; the check at a run's start rebuilds a snapshot that differs from the state). A DuckDB
    /// table made before keeps its key.
    /// </summary>
    public string CreateFor(IWarehouseWriter writer) => Create(primaryKey: writer is not IWarehouseBulkWriter);

    private string Create(bool primaryKey) => $"""
        create table if not exists {Table} (
            sync_name varchar(64) not null,
            key_text varchar not null,
            state_key varchar not null,
            row_hash varchar(16) not null,
            matched boolean not null,
            mix bigint not null{(primaryKey ? ",\n    primary key (sync_name, key_text)" : string.Empty)}
        )
        """;

    /// <summary>How many keys the snapshot holds for the sync, and the sum of their check numbers (as text: it outgrows 64 bits).</summary>
    public string Check => $"select count(*) as retl_count__, cast(coalesce(sum(mix), 0) as varchar) as retl_sum__ from {Table} where sync_name = {dialect.Literal(sync)}";

    public string Clear => $"delete from {Table} where sync_name = {dialect.Literal(sync)}";

    /// <summary>
    /// Per bucket of keys (of <paramref name="bits"/> bits, over the key's text), the snapshot's keys as the state store
    /// sums its own (<see cref="IKeyBucketStore.SumKeyBucketsAsync"/>): their count and the sum of their parts (the first
    /// 60 bits of the stored row hash, or <see cref="ModelQuery.PartMask"/> minus them when matched), in the columns of
    /// <see cref="ModelQuery.BuildBuckets"/>; the last counts rows that cannot be checked so (a row hash that is not hex,
    /// a state key that is not the key's text), whose bucket then differs. One row per bucket that holds a key.
    /// </summary>
    public string BucketSums(IWarehouseSnapshotBuckets buckets, int bits) => $"""
        select {ModelQuery.BucketColumn}, count(*) as {ModelQuery.BucketRowsColumn},
               cast(coalesce(sum(case when matched then {ModelQuery.PartMask} - retl_part__ else retl_part__ end), 0) as varchar) as {ModelQuery.BucketSumColumn},
               cast(sum(case when retl_part__ is null or state_key <> key_text then 1 else 0 end) as bigint) as {ModelQuery.BucketOtherColumn}
        from (
        select {buckets.KeyBucket("key_text", bits)} as {ModelQuery.BucketColumn}, {buckets.StoredHashPart("row_hash")} as retl_part__, matched, key_text, state_key
        from {Table} where sync_name = {dialect.Literal(sync)}
        ) as retl_snapshot_buckets__
        group by {ModelQuery.BucketColumn}
        """;

    /// <summary>Removes the snapshot's keys of the given buckets (of <paramref name="bits"/> bits, as <see cref="BucketSums"/>).</summary>
    public string ClearBuckets(IWarehouseSnapshotBuckets buckets, int bits, IEnumerable<int> which) =>
        $"delete from {Table} where sync_name = {dialect.Literal(sync)} and {ModelQuery.InList(buckets.KeyBucket("key_text", bits), which, buckets.MaxListItems)}";

    /// <summary>
    /// The one-statement diff: the model's rows whose key is new, null or duplicated, or whose row hash or match differ
    /// from the snapshot (whole, with <see cref="ModelQuery.RowHashColumn"/> and <see cref="ModelQuery.MatchColumn"/>),
    /// then the snapshot's keys the model no longer has (<see cref="Gone"/>, every model column null); each row also
    /// says whether the model has any row (<see cref="ModelRows"/>: 0 or 1). Ordered by key, ties broken by the key's
    /// text in binary order: rows the key's own type or collation holds equal but whose texts differ ('a' and 'A' under a
    /// case-insensitive collation, 1.0 and 1.00) could otherwise come interleaved, and the diff relies on the rows of one
    /// key text coming together to reject a duplicate without holding every key (<see cref="Diff.DiffEngine"/>).
    /// The join holds only the snapshot's key text, row hash (as the warehouse holds it cheapest: <see cref="IWarehouseSnapshotBuckets.StoredHash"/>)
    /// and match, and its state key only for a key of several columns: at a million keys DuckDB's join then fits its
    /// memory limit instead of spilling. Duplicated keys are those of <paramref name="duplicates"/> (found by
    /// <see cref="Duplicates"/> before), or, when null, found by the statement itself.
    /// </summary>
    public string Diff(ModelDefinition model, SyncDefinition definition, IReadOnlyCollection<string>? duplicates)
    {
        var body = model.Sql.Trim().TrimEnd(';').TrimEnd();
        var key = KeyText(model, "retl_model__");
        var single = model.PrimaryKey.Count == 1;
        var salt = RowHashSalt.Of(definition);
        var number = HashNumber("retl_model__", salt);
        var modelHash = number is null ? StoredHash($"substr(retl_m__.{ModelQuery.RowHashColumn}, 1, 16)") : $"retl_m__.{ModelQuery.RowHashColumn}";
        return $"""
            with retl_m__ as (
            select retl_model__.*, {number ?? dialect.RowHash("retl_model__", salt)} as {ModelQuery.RowHashColumn}, ({Condition(definition)}) as {ModelQuery.MatchColumn}, {key} as {KeyColumn}
            from (
            {body}
            ) as retl_model__
            ),
            retl_s__ as (select key_text, {(single ? string.Empty : "state_key, ")}{StoredHash("row_hash")} as row_hash, matched from {Table} where sync_name = {dialect.Literal(sync)})
            select retl_m__.*, retl_s__.{(single ? "key_text" : "state_key")} as {Gone},
            (select count(*) from (select 1 as retl_one__ from (
            {body}
            ) as retl_any__ limit 1) as retl_some__) as {ModelRows}
            from retl_m__ full outer join retl_s__ on retl_m__.{KeyColumn} = retl_s__.key_text
            where retl_m__.{KeyColumn} is null or retl_s__.key_text is null
            or not coalesce(retl_s__.row_hash = {modelHash}, false)
            or retl_s__.matched <> coalesce(retl_m__.{ModelQuery.MatchColumn}, false)
            {DuplicatedIn(model, body, key, duplicates)}
            order by {string.Join(", ", model.PrimaryKey.Select(k => $"retl_m__.{k} nulls last"))}, retl_m__.{KeyColumn} nulls last
            """;
    }

    /// <summary>
    /// The texts of the model's keys that more than one row has (at most <paramref name="limit"/> of them): read before
    /// the diff, so that the warehouse never holds the snapshot's join and the model's keys at once.
    /// </summary>
    public string Duplicates(ModelDefinition model, int limit) => $"""
        select {KeyText(model, "retl_model__")} as {KeyColumn} from (
        {model.Sql.Trim().TrimEnd(';').TrimEnd()}
        ) as retl_model__ group by 1 having count(*) > 1 limit {limit}
        """;

    // The duplicated keys' condition: their texts, or the statement's own group by when there were too many to list.
    private string DuplicatedIn(ModelDefinition model, string body, string key, IReadOnlyCollection<string>? duplicates) => duplicates switch
    {
        null => $"""
            or retl_m__.{KeyColumn} in (select {key} from (
            {body}
            ) as retl_model__ group by 1 having count(*) > 1)
            """,
        { Count: 0 } => string.Empty,
        _ => $"or retl_m__.{KeyColumn} in ({string.Join(", ", duplicates.Select(dialect.Literal))})",
    };

    // A row hash's 16 hex digits as the warehouse compares them cheapest (its text where it has nothing cheaper).
    private string StoredHash(string hexText) => dialect is IWarehouseSnapshotBuckets buckets ? buckets.StoredHash(hexText) : hexText;

    // The model row's hash as a number, which the join compares and the worker reads (no row's text printed, 0.25 s of
    // 0.9 at a million rows on DuckDB), where the warehouse has it cheaper than the hash's text; null: the text.
    private string? HashNumber(string rowName, string salt) => dialect is IWarehouseSnapshotBuckets buckets ? buckets.RowHashNumber(rowName, salt) : null;

    /// <summary>Replaces the snapshot rows of the given keys (a null state removes the key): a delete, then an insert.</summary>
    public IReadOnlyList<string> Replace(IReadOnlyCollection<SnapshotEntry> entries) =>
        [$"delete from {Table} where sync_name = {dialect.Literal(sync)} and key_text in ({string.Join(", ", entries.Select(e => dialect.Literal(e.KeyText)))})", .. Insert(entries)];

    /// <summary>Adds the rows of the keys that have a state (none, or one statement).</summary>
    public IReadOnlyList<string> Insert(IReadOnlyCollection<SnapshotEntry> entries)
    {
        var rows = entries.Where(e => e.State is not null).Select(e => string.Create(CultureInfo.InvariantCulture,
            $"({dialect.Literal(sync)}, {dialect.Literal(e.KeyText)}, {dialect.Literal(e.StateKey)}, '{e.State!.Value.RowHash:x16}', {(e.State.Value.Matched ? "true" : "false")}, {e.Mix})")).ToList();
        return rows.Count == 0 ? [] : [$"insert into {Table} (sync_name, key_text, state_key, row_hash, matched, mix) values {string.Join(", ", rows)}"];
    }

    /// <summary>The temporary table of <see cref="Staged"/>: a key's text, its state key, and its state (all null for a key to remove).</summary>
    public const string Stage = "retl_stage__";

    /// <summary>The keys as rows for <see cref="Stage"/>, then the statements that replace the snapshot's rows of those keys with them.</summary>
    public (StagedRows Rows, IReadOnlyList<string> Statements) Staged(IEnumerable<SnapshotEntry> entries) => (
        new StagedRows(Stage, $"create temp table {Stage} (key_text varchar not null, state_key varchar not null, row_hash varchar(16), matched boolean, mix bigint)",
            entries.Select(e => e.State is { } state
                ? new object?[] { e.KeyText, e.StateKey, state.RowHash.ToString("x16", CultureInfo.InvariantCulture), state.Matched, e.Mix }
                : [e.KeyText, e.StateKey, null, null, null])),
        [
            $"delete from {Table} where sync_name = {dialect.Literal(sync)} and key_text in (select key_text from {Stage})",
            $"insert into {Table} (sync_name, key_text, state_key, row_hash, matched, mix) select {dialect.Literal(sync)}, key_text, state_key, row_hash, matched, mix from {Stage} where row_hash is not null",
        ]);

    // One key column: its text, as the state has it; several: their texts, each with U+001E and U+001F escaped by a
    // U+001E, joined by U+001F (as SnapshotEntry.TextOf), so that no two keys meet: ['a\u001Fb', 'c'] and ['a', 'b\u001Fc'].
    private string KeyText(ModelDefinition model, string row) => model.PrimaryKey.Count == 1
        ? dialect.KeyText($"{row}.{model.PrimaryKey[0]}")
        : string.Join(" || chr(31) || ", model.PrimaryKey.Select(k => $"replace(replace({dialect.KeyText($"{row}.{k}")}, chr(30), chr(30) || chr(30)), chr(31), chr(30) || chr(31))"));

    // As ModelQuery: the warehouse evaluates a trigger sync's condition, every other sync's rows all match.
    private static string Condition(SyncDefinition definition) =>
        definition.Mode == SyncMode.Trigger && definition.Trigger.When is { } when ? when : "1 = 1";
}
