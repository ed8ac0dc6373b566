using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

// The key buckets kept for diff: warehouse: every write path keeps them, an upgrade computes them once, and the sums
// and the filtered read are what hashing each key (md5 of its UTF-8 text, as the warehouse does) gives.
public abstract partial class StateStoreContractTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(20)]
    public async Task SumKeyBuckets_EveryWritePath_SumsAndReadsAsHashingEachKey(int bits)
    {
        var store = await CreateAsync();
        var applied = AwkwardKeys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 3 == 0, i % 5 == 0 ? 0 : ulong.MaxValue - (ulong)i))).ToList();
        await store.ApplyAsync("s", applied, CancellationToken.None);
        await store.ApplyAsync("s", [new StateUpdate("東京", null), new StateUpdate("", new RecordState(9, true, 1))], CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("9", new RecordState(1, true, 5))], CancellationToken.None);
        await store.RecordFailuresAsync("s", 1, [new("skipped 🙂", false, "boom") { Attempted = new RecordState(3, true) }], CancellationToken.None);
        await store.SkipAsync("s", "skipped 🙂", CancellationToken.None);

        var buckets = (IKeyBucketStore)store;
        var sums = await buckets.SumKeyBucketsAsync("s", bits, CancellationToken.None);
        if (!KeepsKeyBuckets)
        {
            Assert.Null(sums); // the caller hashes each stored key itself
            return;
        }

        var expected = await ExpectedAsync(store, "s", bits);
        Assert.NotNull(sums);
        Assert.Equal(expected.OrderBy(b => b.Bucket), sums.OrderBy(b => b.Bucket));
        Assert.Equal(AwkwardKeys.Length + 1, sums.Sum(b => b.Rows));
        var chosen = expected.Where((b, i) => i % 2 == 0).Select(b => b.Bucket).ToList();
        var read = new List<StoredRecord>();
        await foreach (var record in buckets.ReadRecordsAsync("s", bits, chosen, CancellationToken.None))
        {
            read.Add(record);
        }

        var all = new List<StoredRecord>();
        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            all.Add(record);
        }

        Assert.Equal(all.Where(r => chosen.Contains(Bucket(r.Key, bits))), read);
        Assert.NotEmpty(read);
    }

    [Fact]
    public async Task SumKeyBuckets_StateOfTheVersionBefore_ComputedOnUpgrade()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", AwkwardKeys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i * 7))).ToList(), CancellationToken.None);
        if (!KeepsKeyBuckets)
        {
            Assert.Null(await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 6, CancellationToken.None));
            return;
        }

        await DowngradeToBeforeKeyBucketsAsync();

        var upgraded = OpenAgain();
        await upgraded.InitializeAsync(CancellationToken.None);
        var sums = await ((IKeyBucketStore)upgraded).SumKeyBucketsAsync("s", 6, CancellationToken.None);

        Assert.NotNull(sums);
        Assert.Equal((await ExpectedAsync(upgraded, "s", 6)).OrderBy(b => b.Bucket), sums.OrderBy(b => b.Bucket));
    }

    /// <summary>Whether the store keeps each key's bucket (SQLite); one that keeps none (PostgreSQL, for now) returns no sums.</summary>
    protected virtual bool KeepsKeyBuckets => true;

    /// <summary>Takes the state back to the schema of the version before key buckets (the column dropped, the version lowered).</summary>
    protected virtual Task DowngradeToBeforeKeyBucketsAsync() => throw new NotSupportedException("this store keeps no key buckets");

    // The sums as diff: warehouse computes them from each key's md5, from the store's plain read.
    private static async Task<List<KeyBucketSum>> ExpectedAsync(ISyncStateStore store, string sync, int bits)
    {
        var sums = new SortedDictionary<int, KeyBucketSum>();
        await foreach (var (key, state) in store.ReadRecordsAsync(sync, CancellationToken.None))
        {
            var bucket = Bucket(key, bits);
            var part = state.Matched ? ((1UL << 60) - 1) - (state.RowHash >> 4) : state.RowHash >> 4;
            var before = sums.GetValueOrDefault(bucket, new KeyBucketSum(bucket, 0, 0, 0));
            sums[bucket] = before with { Rows = before.Rows + 1, Sum = before.Sum + part, UnknownRowHashes = before.UnknownRowHashes + (state.RowHash == 0 ? 1 : 0) };
        }

        return sums.Values.ToList();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "the buckets' md5, not for security")]
    private static int Bucket(string key, int bits) => (int)(BinaryPrimitives.ReadUInt32BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(key))) >> (32 - bits));
}
