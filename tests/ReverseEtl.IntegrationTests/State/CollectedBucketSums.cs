using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>One bucket's keys as the tests compare them: count, sum of parts modulo 2^64, whether some has no row hash.</summary>
internal readonly record struct BucketTotal(int Bucket, long Rows, ulong Sum, bool Unknown);

/// <summary>The sums a store adds (<see cref="IBucketSumTarget"/>), per bucket in bucket order, and how often it started again.</summary>
internal sealed class CollectedBucketSums : IBucketSumTarget
{
    private readonly SortedDictionary<int, BucketTotal> _buckets = [];

    public IReadOnlyCollection<BucketTotal> Buckets => _buckets.Values;

    public int Clears { get; private set; }

    public void Add(int bucket, long rows, ulong sum, bool unknownRowHash)
    {
        var before = _buckets.GetValueOrDefault(bucket, new BucketTotal(bucket, 0, 0, false));
        _buckets[bucket] = new BucketTotal(bucket, before.Rows + rows, unchecked(before.Sum + sum), before.Unknown || unknownRowHash);
    }

    public void Clear()
    {
        _buckets.Clear();
        Clears++;
    }
}

/// <summary>A store's sums collected into a list, in bucket order; null when it gave none (and then added nothing).</summary>
internal static class BucketSumReads
{
    public static async Task<List<BucketTotal>?> SumKeyBucketsAsync(this IKeyBucketStore store, string sync, int bits, CancellationToken cancellationToken)
    {
        var sums = new CollectedBucketSums();
        var summed = await store.SumKeyBucketsAsync(sync, bits, sums, cancellationToken);
        Assert.True(summed || sums.Buckets.Count == 0, "a store that gives no sums adds none");
        return summed ? [.. sums.Buckets] : null;
    }

    public static async Task<List<BucketTotal>?> SumRowHashBucketsAsync(this IKeyBucketStore store, string sync, int bits, CancellationToken cancellationToken)
    {
        var sums = new CollectedBucketSums();
        var summed = await store.SumRowHashBucketsAsync(sync, bits, sums, cancellationToken);
        Assert.True(summed || sums.Buckets.Count == 0, "a store that gives no sums adds none");
        return summed ? [.. sums.Buckets] : null;
    }

    public static async Task<List<BucketTotal>?> SumPayloadBucketsAsync(this IKeyBucketStore store, string sync, int bits, CancellationToken cancellationToken)
    {
        var sums = new CollectedBucketSums();
        var summed = await store.SumPayloadBucketsAsync(sync, bits, sums, cancellationToken);
        Assert.True(summed || sums.Buckets.Count == 0, "a store that gives no sums adds none");
        return summed ? [.. sums.Buckets] : null;
    }


    /// <summary>The part a key adds to its bucket: the first 60 bits of its row hash, or their complement when it matched.</summary>
    public static ulong Part(RecordState state) => state.Matched ? ((1UL << 60) - 1) - (state.RowHash >> 4) : state.RowHash >> 4;
}
