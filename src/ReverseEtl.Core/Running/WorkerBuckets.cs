using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The first pass of <c>diff: worker</c> for a single-column key, where the warehouse can select rows by bucket of keys
/// (<see cref="IWarehouseBuckets"/>) and the sync has a state: every row read in whatever order the warehouse reads it,
/// so that nothing sorts the whole model, with its key's bucket as the warehouse computes it (<see cref="Column"/>),
/// hashed here as always and its part (<see cref="PayloadBucketPart"/>: key, payload hash and match) summed per bucket
/// (<see cref="BucketSums"/>), while the store sums the records it keeps on the other core, where it keeps each key's
/// bucket (<see cref="IKeyBucketStore"/>; else the stored keys are streamed and hashed here). No bucket differing and no
/// row without a key: nothing changed, and that was the whole diff. Else only the rows of the buckets that differ are
/// read again, in key order, against the stored keys of those buckets (<see cref="WorkerRead"/>); past half of the
/// buckets, every row against the whole state, as without this pass. A key the warehouse buckets otherwise than the
/// worker (a database not in UTF-8) makes both its buckets differ, so its row and record still meet.
/// </summary>
internal sealed class WorkerBuckets(SyncRunContext context, IWarehouseBuckets dialect)
{
    private const int RowsAhead = 128;

    /// <summary>The pass, where it applies: a state to compare with, a key the merge streams (as last saved), a warehouse that buckets keys.</summary>
    public static WorkerBuckets? For(SyncRunContext context, IWarehouseDialect? dialect, bool mayStream) =>
        mayStream && context.Saved.Held > 0 && context.Model.PrimaryKey.Count == 1 && dialect is IWarehouseBuckets buckets
        && KeyMayStream(context, context.Saved.Columns)
            ? new WorkerBuckets(context, buckets)
            : null;

    /// <summary>The model's rows this pass has read so far.</summary>
    public long ModelRows { get; private set; }

    // About 4 keys a bucket up to 2^18 buckets (a million keys), then as diff: warehouse's, about 16: the rows read again
    // after the first read are those of the buckets that differ, and both sides' sums are the worker's, 12 bytes a
    // bucket each (6 MiB at 2^18), which grow no further with the table until diff: warehouse's buckets pass 2^18.
    private int Bits { get; } = Math.Max(BucketSums.BitsFor(context.Saved.Held), Math.Min(BucketSums.BitsFor(context.Saved.Held) + 2, 18));

    /// <summary>The column of each row's key bucket, as the warehouse computes it, that both reads add to the model's.</summary>
    public string Column => $"{dialect.KeyBucket(dialect.KeyText($"retl_model__.{context.Model.PrimaryKey[0]}"), Bits)} as {ModelQuery.BucketColumn}";

    /// <summary>Reads every row of <paramref name="result"/> (the model in no order); null when nothing changed, else what to read again.</summary>
    public async Task<WorkerRead?> CompareAsync(IWarehouseResult result, RowMapper mapper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!KeyMayStream(context, result.Columns.Select(c => KeyValuePair.Create(c.Name, c.DataType))))
        {
            return WorkerRead.Unread; // a type the last run did not save, or another since: the rows in key order, read once
        }

        using var stop = new SideStop(cancellationToken);
        var state = Task.Run(() => stop.RunAsync(() => SumStateAsync(stop.Token)), stop.Token);
        var model = Task.Run(() => stop.RunAsync(() => SumModelAsync(result, mapper, stop.Token)), stop.Token);
        try
        {
            await Task.WhenAll(model, state);
        }
        catch when (!cancellationToken.IsCancellationRequested && stop.FirstFailure is { } first)
        {
            first.Throw();
        }

        var ((sums, keyless), (stored, inStore)) = (await model, await state);
        return Next(stored.Differing(sums), sums, keyless, inStore);
    }

    private WorkerRead? Next(List<int> differing, BucketSums model, long keyless, bool inStore)
    {
        var next = differing.Count == 0 && keyless == 0 ? null
            : differing.Count * 2 > model.Count ? WorkerRead.Every
            : new WorkerRead(Where(differing, keyless > 0), Stored(differing, inStore)) { Check = new RereadCheck(context, model, differing) };
        context.Log.WorkerBucketsCompared(context.Sync.Name, differing.Count, model.Count, keyless,
            next is null ? "nothing changed" : next.Where is null ? "every row is read again in key order" : "the rows of those buckets are read again in key order");
        return next;
    }

    // The rows of the differing buckets, and every row whose key is null or empty (which has no bucket).
    private string Where(List<int> differing, bool keyless)
    {
        var inBuckets = ModelQuery.InBuckets(context.Model, dialect, Bits, differing, nullKeys: false);
        return keyless ? $"({inBuckets}) or ({ModelQuery.BadKey(context.Model, (IWarehouseDialect)dialect)})" : inBuckets;
    }

    // Filtered by the store where it summed its buckets; else the whole state, filtered here.
    private Func<CancellationToken, IAsyncEnumerable<StoredRecord>> Stored(List<int> differing, bool inStore)
    {
        if (inStore && context.Saved.Records.Buckets is { } store)
        {
            return token => store.ReadRecordsAsync(context.Saved.Records.Sync, Bits, differing, token);
        }

        var wanted = new HashSet<int>(differing);
        return token => context.Saved.Records.ReadAsync(token).Where(record => wanted.Contains(BucketSums.Of(record.Key, Bits)));
    }

    private async Task<(BucketSums Sums, long Keyless)> SumModelAsync(IWarehouseResult result, RowMapper mapper, CancellationToken cancellationToken)
    {
        var (sums, keyless, at) = (new BucketSums(Bits, marksUnknown: false), 0L, BucketAt(result.Columns));
        await foreach (var values in ReadAhead.Of(result.ReadRowsAsync(cancellationToken), RowsAhead, cancellationToken))
        {
            var row = mapper.Map(++ModelRows, values);
            if (row.Key is null || values[at] is null)
            {
                keyless++;
            }
            else
            {
                sums.Add(WarehouseBucket.Checked(values[at], sums.Count, context), 1, PayloadBucketPart.Of(row.Key, row.Hash, row.Matches), unknownRowHash: false);
            }
        }

        return (sums, keyless);
    }

    // By the store where it keeps each key's bucket; else each stored key hashed here.
    private async Task<(BucketSums Sums, bool InStore)> SumStateAsync(CancellationToken cancellationToken)
    {
        var sums = new BucketSums(Bits);
        if (context.Saved.Records.Buckets is { } store && await store.SumPayloadBucketsAsync(context.Saved.Records.Sync, Bits, sums, cancellationToken))
        {
            return (sums, true);
        }

        context.Log.BucketsHashedHere(context.Sync.Name);
        sums.Clear(); // whatever a store that gave up may have added
        await foreach (var (key, state) in context.Saved.Records.ReadAsync(cancellationToken))
        {
            sums.Add(BucketSums.Of(key, Bits), 1, PayloadBucketPart.Of(key, state.Hash, state.Matched), state.Hash == 0);
        }

        return (sums, false);
    }

    /// <summary>Where the bucket column is among a read's columns: the last of the name, after the model's own.</summary>
    public static int BucketAt(IReadOnlyList<WarehouseColumn> columns) =>
        columns.Select((c, i) => (c, i)).Last(x => x.c.Name.Equals(ModelQuery.BucketColumn, StringComparison.OrdinalIgnoreCase)).i;

    // Whether the key's type (as given; unknown counts as yes) is one the merge streams, so that the warehouse writes the key's text as the state keeps it.
    private static bool KeyMayStream(SyncRunContext context, IEnumerable<KeyValuePair<string, string>> types) =>
        types.FirstOrDefault(t => t.Key.Equals(context.Model.PrimaryKey[0], StringComparison.OrdinalIgnoreCase)).Value is not { } type
        || StreamingKeys.ByTypes([type]);
}
