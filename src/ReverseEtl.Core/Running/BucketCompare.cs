using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The first step of <c>diff: warehouse</c> (Merkle-style), here for a single-column key: the warehouse sums its rows per
/// bucket of keys (<see cref="ModelQuery.BuildBuckets"/>) while the stored state is summed alike: by the store, where it
/// keeps each key's bucket (<see cref="IKeyBucketStore"/>), else streamed and each key hashed here (<see cref="BucketSums"/>);
/// only the keys of buckets that differ are read next, compared with only their stored state (filtered by the store alike).
/// Rows whose key is null always count as a difference, and so do keys stored without a row hash; a duplicated key
/// changes its bucket's row count. A key of several columns, or of a type that cannot be bucketed (neither text, whole
/// number, date nor uuid: known from the type the last run saved, else found by the first query, then asked again),
/// is compared by buckets of row hashes instead (<see cref="ModelQuery.BuildRowHashBuckets"/>): none differing, only
/// the rows whose key has a null or empty part are read; almost all, every row is read whole; past half, every key;
/// else the rows of the buckets that differ.
/// </summary>
internal sealed partial class BucketCompare(SyncRunContext context, IWarehouseBuckets dialect, Func<CancellationToken, IAsyncEnumerable<StoredRecord>> stored)
{
    /// <summary>Whether the comparison applies: a warehouse that buckets, and a state to compare with.</summary>
    public static bool Applies(SyncRunContext context, IWarehouseDialect dialect) => context.Saved.Held > 0 && dialect is IWarehouseBuckets;

    /// <summary>The model's rows, as the warehouse counted them.</summary>
    public long ModelRows { get; private set; }

    /// <summary>The bucket rows read from the warehouse.</summary>
    public long BucketsRead { get; private set; }

    /// <summary>What to read next.</summary>
    public async Task<BucketChanges> CompareAsync(CancellationToken cancellationToken)
    {
        var bits = BucketSums.BitsFor(context.Saved.Held);
        var (state, model) = await BothSidesAsync(bits, cancellationToken);
        var (nullKeys, other) = model;
        if (other > 0)
        {
            // A key of a type the warehouse cannot write as the worker does (a timestamp, a decimal): by row hash instead.
            context.Log.KeyNotBucketed(context.Sync.Name, other);
            _byRowHash = true;
            return await CompareAsync(cancellationToken);
        }

        var (sums, inStore) = state;
        var differing = sums.Differing();
        LogCompared(differing.Count, sums.Count, nullKeys);
        if (differing.Count == 0 && nullKeys == 0)
        {
            return new BucketChanges(ReadKeys: false, Where: null, Wanted: null);
        }

        if (differing.Count == 0 && ByRowHash)
        {
            // Only rows whose key has a null or empty part, which the state never holds: only they are read, to be rejected as always.
            return new BucketChanges(true, ModelQuery.BadKey(context.Model, dialect), Wanted: null, Stored: static _ => AsyncEnumerable.Empty<StoredRecord>());
        }

        // Past nine in ten (about 16 keys a bucket: more than about one row in eight changed; by row hash, where a changed
        // row moves two buckets, one in fourteen; or every row hash moved after an edit of the sync's fields), every row
        // is read whole, rather than every key and then most rows a thousand at a time, each thousand a run of the model:
        // from ten such runs on. Not where the model lost a tenth of the keys the state held: their buckets differ for the
        // keys gone, and the rows left may well be as stored.
        if (differing.Count * 10 > sums.Count * 9 && context.Saved.Held >= 10 * WarehouseRows.FetchChunk && ModelRows * 10 >= context.Saved.Held * 9)
        {
            return new BucketChanges(ReadKeys: true, Where: null, Wanted: null) { WholeRows = true };
        }

        // Past half the buckets, a filter saves little: every key is read, against every stored key.
        if (differing.Count * 2 > sums.Count)
        {
            return AllKeys;
        }

        if (ByRowHash)
        {
            return await InRowHashBucketsAsync(sums, differing, nullKeys > 0, bits, cancellationToken);
        }

        var where = ModelQuery.InBuckets(context.Model, dialect, bits, differing, nullKeys > 0);
        if (inStore is { } store)
        {
            // The store filters by the bucket it keeps: the keys of other buckets are not read at all.
            return new BucketChanges(true, where, Wanted: null, Stored: token => store.ReadRecordsAsync(context.Saved.Records.Sync, bits, differing, token));
        }

        var wanted = new bool[sums.Count];
        foreach (var bucket in differing)
        {
            wanted[bucket] = true;
        }

        return new BucketChanges(true, where, record => wanted[BucketSums.Of(record.Key, bits)]);
    }

    private static BucketChanges AllKeys { get; } = new(ReadKeys: true, Where: null, Wanted: null);

    // The warehouse's totals taken from the state's sums: read as soon as the first arrives (a grouped query's rows come
    // when it is done), after the state's side is summed, so that one set of sums holds both sides. Where the state's
    // side takes longer than the warehouse's query, the rest of the answer (Snowflake's later partitions) is fetched
    // after it, not beside it.
    private async Task<(long NullKeys, long Other)> TakeModelAsync(
        int bits, Task<(BucketSums Sums, IKeyBucketStore? Store)> state, CancellationToken cancellationToken)
    {
        var (nullKeys, other) = (0L, 0L);
        ModelRows = 0;
        var query = new WarehouseQuery(BucketsQuery(bits), context.QueryTag);
        await using var result = await context.Warehouse.QueryAsync(query, cancellationToken);
        await using var rows = result.ReadRowsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var more = await rows.MoveNextAsync();
        var (sums, _) = await state;
        for (; more; more = await rows.MoveNextAsync())
        {
            Take(rows.Current, sums, ref nullKeys, ref other);
        }

        return (nullKeys, other);
    }

    // One bucket row, in whole numbers of 64 bits (WholeNumber, through WarehouseBucket, whose error names the column): a
    // method using UInt128 runs as the JIT compiles it, not as shipped.
    private void Take(object?[] values, BucketSums sums, ref long nullKeys, ref long other)
    {
        BucketsRead++;
        var count = WarehouseBucket.Count(values, 1, context);
        ModelRows += count;
        other += WarehouseBucket.Count(values, 3, context);
        if (values[0] is null)
        {
            nullKeys += count;
        }
        else
        {
            sums.Take(WarehouseBucket.Checked(values[0], sums.Count, context), count, WarehouseBucket.Sum(values, 2, context));
        }
    }

    // Summed by the store where it keeps each key's bucket (then it also filters the keys read next); else each key hashed here.
    private async Task<(BucketSums Sums, IKeyBucketStore? Store)> SumStateAsync(int bits, CancellationToken cancellationToken)
    {
        if (ByRowHash)
        {
            return (await SumStateByRowHashAsync(bits, cancellationToken), null);
        }

        var sums = new BucketSums(bits);
        var store = context.Saved.Records.Buckets;
        if (store is not null && await store.SumKeyBucketsAsync(context.Saved.Records.Sync, bits, sums, cancellationToken))
        {
            return (sums, store);
        }

        context.Log.BucketsHashedHere(context.Sync.Name);
        sums.Clear(); // whatever a store that gave up may have added
        await foreach (var record in stored(cancellationToken))
        {
            sums.Add(record.Key, record.State);
        }

        return (sums, null);
    }
}

/// <summary>What the bucket comparison leaves to read: the condition selecting the rows whose keys to read, and the stored keys to compare them with.</summary>
/// <param name="ReadKeys">False when no bucket differs and no key is null: nothing to read.</param>
/// <param name="Where">The condition on the model's rows for the keys to read; null: every key.</param>
/// <param name="Wanted">Whether a stored record is in a bucket read (the key rows are compared with it); null: every stored key.</param>
/// <param name="Stored">The stored keys of the buckets read, filtered by the store, in key order; null: the whole state (filtered by <paramref name="Wanted"/>).</param>
internal sealed record BucketChanges(bool ReadKeys, string? Where, Func<StoredRecord, bool>? Wanted, Func<CancellationToken, IAsyncEnumerable<StoredRecord>>? Stored = null)
{
    /// <summary>Almost every bucket differs: every row is read whole (<see cref="WarehouseRows.Whole"/>).</summary>
    public bool WholeRows { get; init; }
}
