using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// Where a snapshot that failed the start-of-run check differs from the state, bucket by bucket of keys, each side summed
/// where it is kept: the warehouse sums the snapshot's keys (<see cref="SnapshotSql.BucketSums"/>), the state store the
/// state's from the bucket it keeps (<see cref="IKeyBucketStore"/>); no key crosses to the worker. It applies to a
/// single-column key (the snapshot's key text is then the state's key) on a warehouse that reads a stored row hash back
/// (<see cref="IWarehouseSnapshotBuckets"/>) with a store that keeps each key's bucket. It compares what
/// <c>diff: warehouse</c>'s own buckets compare (count, and the sum of 60-bit row-hash parts, a matched key's turned
/// around), from the columns the diff reads: a missing or extra key, another row hash or match makes its bucket differ,
/// and only the buckets that differ are rewritten.
/// </summary>
internal sealed class SnapshotBuckets(SyncRunContext context, SnapshotSql sql, IWarehouseSnapshotBuckets dialect, IKeyBucketStore store)
{
    /// <summary>The comparison by buckets where it applies; else null, and a snapshot that differs is rebuilt whole.</summary>
    public static SnapshotBuckets? For(SyncRunContext context, SnapshotSql sql) =>
        context.Model.PrimaryKey.Count == 1 && context.Warehouse is IWarehouseSnapshotBuckets dialect && context.Saved.Records.Buckets is { } store
            ? new SnapshotBuckets(context, sql, dialect, store)
            : null;

    /// <summary>The bits of a bucket number, as <c>diff: warehouse</c> chooses them (about 16 keys a bucket).</summary>
    public int Bits { get; } = BucketSums.BitsFor(context.Saved.Records.Count);

    /// <summary>
    /// Compares the snapshot with the state; null when the store has no bucket for some key (a record an older worker
    /// wrote), then the caller checks by streaming.
    /// </summary>
    public async Task<SnapshotDifference?> CompareAsync(CancellationToken cancellationToken)
    {
        var snapshot = Task.Run(() => SumSnapshotAsync(cancellationToken), cancellationToken);
        // A key stored without a row hash (0) is in the snapshot as 16 zeros, the same part: the diff returns it every run.
        var stateSums = new BucketSums(Bits, marksUnknown: false);
        var state = store.SumKeyBucketsAsync(context.Saved.Records.Sync, Bits, stateSums, cancellationToken);
        await Task.WhenAll(snapshot, state);
        if (!await state)
        {
            return null;
        }

        var (snapshotSums, snapshotKeys) = await snapshot;
        var differing = snapshotSums.Differing(stateSums);
        context.Log.SnapshotBucketsCompared(context.Sync.Name, sql.Table, differing.Count, stateSums.Count);
        return new SnapshotDifference(differing, stateSums.Count, snapshotKeys, stateSums.Keys);
    }

    /// <summary>The state's records of <paramref name="buckets"/>, in key order, to rewrite them.</summary>
    public IAsyncEnumerable<StoredRecord> Records(IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) =>
        store.ReadRecordsAsync(context.Saved.Records.Sync, Bits, buckets, cancellationToken);

    /// <summary>The statement that removes the snapshot's keys of <paramref name="buckets"/>.</summary>
    public string Clear(IReadOnlyCollection<int> buckets) => sql.ClearBuckets(dialect, Bits, buckets);

    private async Task<(BucketSums Sums, long Keys)> SumSnapshotAsync(CancellationToken cancellationToken)
    {
        var (sums, keys) = (new BucketSums(Bits), 0L);
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(sql.BucketSums(dialect, Bits), context.QueryTag), cancellationToken);
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            var rows = WarehouseBucket.Count(values, 1, context);
            keys += rows;
            sums.Add(WarehouseBucket.Checked(values[0], sums.Count, context), rows, WarehouseBucket.Sum(values, 2, context), unknownRowHash: WarehouseBucket.Count(values, 3, context) > 0);
        }

        return (sums, keys);
    }
}

/// <summary>What the check by buckets found: the buckets that differ (of <paramref name="Buckets"/>), and each side's keys.</summary>
internal sealed record SnapshotDifference(IReadOnlyList<int> Differing, int Buckets, long SnapshotKeys, long StateKeys);
