using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>The queries of the bucket comparison (<c>diff: warehouse</c>: by key bucket for a single-column key, by row-hash bucket for a key of several columns).</summary>
public static partial class ModelQuery
{
    /// <summary>The column of a bucket's number (null for rows whose key is null).</summary>
    public const string BucketColumn = "retl_bucket__";

    /// <summary>The column of a bucket's row count.</summary>
    public const string BucketRowsColumn = "retl_rows__";

    /// <summary>The column of a bucket's sum of row parts (see <see cref="BuildBuckets"/>), as text: a whole number of up to 128 bits.</summary>
    public const string BucketSumColumn = "retl_sum__";

    /// <summary>The column of a bucket's count of rows whose key is of a type that cannot be bucketed.</summary>
    public const string BucketOtherColumn = "retl_other__";

    /// <summary>All 60 bits set: a row that matches the trigger condition counts as this minus its row-hash part.</summary>
    public const ulong PartMask = (1UL << 60) - 1;

    /// <summary>
    /// Per bucket of keys: the row count, the sum of each row's part (the first 60 bits of its row hash, or
    /// <see cref="PartMask"/> minus them when the row matches the trigger condition) and the rows whose key cannot be
    /// bucketed. One row per bucket that holds a row, in no order.
    /// </summary>
    public static string BuildBuckets(ModelDefinition model, SyncDefinition sync, IWarehouseBuckets dialect, int bits)
    {
        var key = $"retl_model__.{model.PrimaryKey[0]}";
        return $"""
            select {BucketColumn}, count(*) as {BucketRowsColumn},
                   cast(sum(case when retl_matches__ then {PartMask} - retl_part__ else retl_part__ end) as varchar) as {BucketSumColumn},
                   cast(sum(case when retl_bucketable__ then 0 else 1 end) as bigint) as {BucketOtherColumn}
            from (
            select {dialect.KeyBucket(dialect.KeyText(key), bits)} as {BucketColumn}, {dialect.RowHashPart("retl_model__", RowHashSalt.Of(sync))} as retl_part__,
                   ({Condition(sync)}) as retl_matches__, {dialect.BucketableKey(key)} as retl_bucketable__
            from (
            {Body(model)}
            ) as retl_model__
            ) as retl_buckets__
            group by {BucketColumn}
            """;
    }

    /// <summary>
    /// As <see cref="BuildBuckets"/>, for a key of several columns, or of a type whose text the warehouse cannot give as
    /// the worker writes it: the rows are bucketed by the lowest <paramref name="bits"/> bits of their own part instead of
    /// by key, in the null bucket where the key has a null or empty part (<see cref="BadKey"/>). A changed row moves from
    /// one bucket to another, so buckets that differ tell how much changed, not which keys.
    /// </summary>
    public static string BuildRowHashBuckets(ModelDefinition model, SyncDefinition sync, IWarehouseBuckets dialect, int bits) => $"""
        select {BucketColumn}, count(*) as {BucketRowsColumn},
               cast(sum(case when retl_matches__ then {PartMask} - retl_part__ else retl_part__ end) as varchar) as {BucketSumColumn},
               0 as {BucketOtherColumn}
        from (
        select case when retl_bad_key__ then null else retl_part__ % {1L << bits} end as {BucketColumn}, retl_part__, retl_matches__
        from (
        select {dialect.RowHashPart("retl_model__", RowHashSalt.Of(sync))} as retl_part__, ({Condition(sync)}) as retl_matches__,
               ({BadKey(model, dialect)}) as retl_bad_key__
        from (
        {Body(model)}
        ) as retl_model__
        ) as retl_parts__
        ) as retl_buckets__
        group by {BucketColumn}
        """;

    /// <summary>
    /// The condition that selects the rows of the given row-hash buckets (<see cref="BuildRowHashBuckets"/>), and those
    /// whose key has a null or empty part when asked.
    /// </summary>
    public static string InRowHashBuckets(ModelDefinition model, SyncDefinition sync, IWarehouseBuckets dialect, int bits, IReadOnlyCollection<int> buckets, bool badKeys)
    {
        var inBuckets = InList($"{dialect.RowHashPart("retl_model__", RowHashSalt.Of(sync))} % {1L << bits}", buckets, dialect.MaxListItems);
        return badKeys ? $"{inBuckets} or ({BadKey(model, dialect)})" : inBuckets;
    }

    /// <summary>The values of the keys (none with a null or empty part) that more than one row of the model has, at most <paramref name="limit"/> of them.</summary>
    public static string BuildDuplicatedKeys(ModelDefinition model, IWarehouseDialect dialect, int limit) => $"""
        select {Keys(model)}
        from (
        {Body(model)}
        ) as retl_model__
        where not ({BadKey(model, dialect)})
        group by {Keys(model)}
        having count(*) > 1
        limit {limit}
        """;

    /// <summary>The condition on a model row (<c>retl_model__</c>) that its key has a null or empty part: a row the diff rejects, never stored.</summary>
    public static string BadKey(ModelDefinition model, IWarehouseDialect dialect) => string.Join(
        " or ",
        model.PrimaryKey.Select(column => $"retl_model__.{column} is null or {dialect.KeyText($"retl_model__.{column}")} = ''"));

    /// <summary>
    /// One row: for each of <paramref name="keys"/> (each key's values in primary-key order, any of them null), how many
    /// rows sort before it in <see cref="Build"/>'s order (each key column's text in turn, nulls last): the numbers the
    /// diff in the worker gives rows in key order.
    /// </summary>
    public static string BuildRanks(ModelDefinition model, IWarehouseDialect dialect, IReadOnlyList<object?[]> keys)
    {
        var before = keys.Select((k, i) => $"sum(case when {SortsBefore(model, dialect, k)} then 1 else 0 end) as retl_before_{i}__");
        return $"""
            select {string.Join(", ", before)}
            from (
            {Body(model)}
            ) as retl_model__
            """;
    }

    // A model row sorts before `key` at the first column whose text is less (a null after every text), the ones ahead equal.
    private static string SortsBefore(ModelDefinition model, IWarehouseDialect dialect, object?[] key)
    {
        var (terms, equal) = (new List<string>(), new List<string>());
        foreach (var (column, value) in model.PrimaryKey.Select(c => $"retl_model__.{c}").Zip(key))
        {
            var less = value is null ? $"{column} is not null" : $"{Sortable(dialect, column)} < {Sortable(dialect, dialect.Literal(value))}";
            terms.Add(equal.Count == 0 ? less : $"({string.Join(" and ", equal)} and {less})");
            equal.Add(value is null ? $"{column} is null" : $"{Sortable(dialect, column)} = {Sortable(dialect, dialect.Literal(value))}");
        }

        return terms.Count == 1 ? terms[0] : $"({string.Join(" or ", terms)})";
    }

    private static string Sortable(IWarehouseDialect dialect, string value) => dialect.SortableKey(dialect.KeyText(value));

    /// <summary>
    /// <paramref name="expression"/> in <paramref name="values"/>, as lists of at most <paramref name="maxItems"/>
    /// (<see cref="IWarehouseBuckets.MaxListItems"/>) joined by <c>or</c>: with buckets of about 16 keys, up to half of
    /// them (32,768 at a million keys) may differ.
    /// </summary>
    public static string InList(string expression, IEnumerable<int> values, int maxItems)
    {
        var lists = values.Chunk(maxItems).Select(chunk => $"{expression} in ({string.Join(", ", chunk)})").ToList();
        return lists.Count == 1 ? lists[0] : $"({string.Join(" or ", lists)})";
    }

    /// <summary>The condition that selects the rows of the given buckets (and, when asked, the rows whose key is null).</summary>
    public static string InBuckets(ModelDefinition model, IWarehouseBuckets dialect, int bits, IReadOnlyCollection<int> buckets, bool nullKeys)
    {
        var key = $"retl_model__.{model.PrimaryKey[0]}";
        var parts = new List<string>(2);
        if (buckets.Count > 0)
        {
            parts.Add(InList(dialect.KeyBucket(dialect.KeyText(key), bits), buckets, dialect.MaxListItems));
        }

        if (nullKeys || parts.Count == 0)
        {
            parts.Add($"{key} is null");
        }

        return string.Join(" or ", parts);
    }
}
