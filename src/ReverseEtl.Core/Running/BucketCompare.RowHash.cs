using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

// A key of several columns, or of a type, whose text the warehouse cannot write as the worker does: rows bucketed by
// their row hash (ModelQuery.BuildRowHashBuckets), the state's alike, by the store where it sums them, else streamed here.
// A changed row leaves the bucket of its stored row hash and enters that of its new one, so both differ: reading the
// model's rows and the stored keys of the differing buckets only finds every change. Not so for a key on two rows (in
// two buckets, maybe one that does not differ), so a model with one reads every key.
internal sealed partial class BucketCompare
{
    // Key types no warehouse buckets by key text (DuckDB's, PostgreSQL's and Snowflake's names, as the last run saved
    // the key column's): by row hash at once, without a key-bucket query that would only find so. Any other type is
    // asked of the warehouse (BucketableKey). Row hashes compare any key alike, so a name wrongly listed costs speed only.
    private static readonly HashSet<string> RowHashTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "timestamp", "timestamp_s", "timestamps", "timestamp_ms", "timestampms", "timestamp_ns", "timestampns", "timestamptz",
        "timestamp with time zone", "timestamp without time zone", "timestamp_ntz", "timestamp_ltz", "timestamp_tz",
        "time", "timetz", "time with time zone", "time without time zone", "interval",
        "decimal", "numeric", "double", "double precision", "float", "real", "boolean", "blob", "bytea", "binary",
    };

    private bool _byRowHash = context.Model.PrimaryKey.Count > 1 || SavedTypeIsRowHash(context);

    private bool ByRowHash => _byRowHash;

    private static bool SavedTypeIsRowHash(SyncRunContext context) =>
        context.Saved.Columns.FirstOrDefault(c => c.Key.Equals(context.Model.PrimaryKey[0], StringComparison.OrdinalIgnoreCase)).Value is { } type
        && RowHashTypes.Contains(type.Split('(')[0].Trim());

    private string BucketsQuery(int bits) => ByRowHash
        ? ModelQuery.BuildRowHashBuckets(context.Model, context.Sync, dialect, bits)
        : ModelQuery.BuildBuckets(context.Model, context.Sync, dialect, bits);

    private void LogCompared(int differing, int buckets, long nullKeys)
    {
        if (ByRowHash)
        {
            context.Log.RowHashBucketsCompared(context.Sync.Name, differing, buckets, nullKeys);
        }
        else
        {
            context.Log.BucketsCompared(context.Sync.Name, differing, buckets, nullKeys);
        }
    }

    private async Task<BucketSums> SumStateByRowHashAsync(int bits, CancellationToken cancellationToken)
    {
        var sums = new BucketSums(bits);
        if (context.Saved.Records.Buckets is { } store && await store.SumRowHashBucketsAsync(context.Saved.Records.Sync, bits, sums, cancellationToken))
        {
            return sums;
        }

        sums.Clear(); // whatever a store that gave up may have added
        await foreach (var record in stored(cancellationToken))
        {
            sums.AddByRowHash(record.State);
        }

        return sums;
    }

    // The rows of the differing buckets (and those whose key has a null or empty part), against the stored keys of
    // those buckets; every key where some stored key has no row hash (all such are in bucket 0) or some key is on
    // several rows (the warehouse's equality may also join keys the worker tells apart: case-insensitive text, 1.5 and 1.50).
    private async Task<BucketChanges> InRowHashBucketsAsync(BucketSums state, List<int> differing, bool badKeys, int bits, CancellationToken cancellationToken)
    {
        if (state.AnyUnknown || await HasDuplicatedKeyAsync(cancellationToken))
        {
            return AllKeys;
        }

        var where = ModelQuery.InRowHashBuckets(context.Model, context.Sync, dialect, bits, differing, badKeys);
        // Asking the store creates its stream without reading it: null where it does not filter.
        if (context.Saved.Records.Buckets is { } store && store.ReadRecordsByRowHashAsync(context.Saved.Records.Sync, bits, differing, CancellationToken.None) is not null)
        {
            // The store filters: the records of other buckets never reach the worker.
            return new BucketChanges(true, where, Wanted: null, Stored: token => store.ReadRecordsByRowHashAsync(context.Saved.Records.Sync, bits, differing, token)!);
        }

        var wanted = new bool[state.Count];
        foreach (var bucket in differing)
        {
            wanted[bucket] = true;
        }

        return new BucketChanges(true, where, record => wanted[BucketSums.OfRowHash(record.State.RowHash, bits)]);
    }

    // Whether more than one row of the model has some key, usually not.
    private async Task<bool> HasDuplicatedKeyAsync(CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(ModelQuery.BuildDuplicatedKeys(context.Model, dialect, limit: 1), context.QueryTag);
        await using var result = await context.Warehouse.QueryAsync(query, cancellationToken);
        await foreach (var _ in result.ReadRowsAsync(cancellationToken))
        {
            return true;
        }

        return false;
    }
}
