using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

// A bucket's sum is a whole number past 64 bits: 60-bit parts of many keys in one bucket carry into the upper half.
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task SumKeyBuckets_SumsPast64Bits_CarryIntoTheUpperHalf()
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, 60).Select(i => $"k-{i}-ü")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 7 == 0, ulong.MaxValue - (ulong)i))).ToList(), CancellationToken.None);
        await store.ApplyAsync("s", [new StateUpdate("unknown row hash", new RecordState(1, false, 0))], CancellationToken.None);

        var sums = await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 1, CancellationToken.None);

        Assert.NotNull(sums);
        Assert.Equal((await ExpectedAsync(store, "s", 1)).OrderBy(b => b.Bucket), sums.OrderBy(b => b.Bucket));
        Assert.Contains(sums, b => b.Sum > ulong.MaxValue);
        Assert.Equal(1, sums.Sum(b => b.UnknownRowHashes));
    }

    // By row hash (a key of several columns): the lowest bits of each row hash's first 60, whatever its top bit (stored
    // signed), with matched keys' complements, unknown row hashes in bucket 0, and sums past 64 bits.
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public async Task SumRowHashBuckets_AsEachRowHashBucketedHere(int bits)
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, 60).Select(i => $"[\"k-{i}\",{i}]")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 7 == 0, i % 9 == 0 ? 0 : ulong.MaxValue - (ulong)i * 977))).ToList(), CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("x", new RecordState(1, false, 12345))], CancellationToken.None);

        var sums = await ((IKeyBucketStore)store).SumRowHashBucketsAsync("s", bits, CancellationToken.None);

        var expected = new SortedDictionary<int, KeyBucketSum>();
        await foreach (var (_, state) in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            var bucket = (int)((state.RowHash >> 4) & ((1UL << bits) - 1));
            var part = state.Matched ? ((1UL << 60) - 1) - (state.RowHash >> 4) : state.RowHash >> 4;
            var before = expected.GetValueOrDefault(bucket, new KeyBucketSum(bucket, 0, 0, 0));
            expected[bucket] = before with { Rows = before.Rows + 1, Sum = before.Sum + part, UnknownRowHashes = before.UnknownRowHashes + (state.RowHash == 0 ? 1 : 0) };
        }

        Assert.NotNull(sums); // both stores sum them
        Assert.Equal(expected.Values, sums.OrderBy(b => b.Bucket));
        Assert.Equal(keys.Count, sums.Sum(b => b.Rows));
        Assert.True(sums.First(b => b.Bucket == 0).UnknownRowHashes > 0);
        Assert.Equal(bits == 1, sums.Any(b => b.Sum > ulong.MaxValue));
    }

    // The records of some row-hash buckets only, filtered by the store, in key order: as filtered here from all of them.
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public async Task ReadRecordsByRowHash_SomeBuckets_TheirRecordsInKeyOrder(int bits)
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, 60).Select(i => $"[\"k-{i}\",{i}]")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 7 == 0, i % 9 == 0 ? 0 : ulong.MaxValue - (ulong)i * 977))).ToList(), CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate(keys[1], new RecordState(1, false, 16))], CancellationToken.None);
        int[] buckets = bits == 1 ? [1] : [0, 3, 17, 62];

        var read = ((IKeyBucketStore)store).ReadRecordsByRowHashAsync("s", bits, buckets, CancellationToken.None);

        var expected = new List<StoredRecord>();
        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            if (buckets.Contains((int)((record.State.RowHash >> 4) & ((1UL << bits) - 1))))
            {
                expected.Add(record);
            }
        }

        Assert.NotNull(read); // both stores filter them
        var records = await read.ToListAsync();
        Assert.Equal(expected, records);
        Assert.InRange(records.Count, 2, keys.Count - 2);
    }
}
