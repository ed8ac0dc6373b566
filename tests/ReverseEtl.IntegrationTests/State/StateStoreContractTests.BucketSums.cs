using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

// A bucket's sum passes 64 bits (60-bit parts of many keys in one bucket): every store gives it modulo 2^64, as the
// worker compares them.
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task SumKeyBuckets_SumsPast64Bits_GivenModulo64Bits()
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, 60).Select(i => $"k-{i}-ü")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 7 == 0, ulong.MaxValue - (ulong)i))).ToList(), CancellationToken.None);
        await store.ApplyAsync("s", [new StateUpdate("unknown row hash", new RecordState(1, false, 0))], CancellationToken.None);

        var sums = await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 1, CancellationToken.None);

        Assert.NotNull(sums);
        Assert.Equal(await ExpectedAsync(store, "s", 1), sums);
        var whole = await WholeSumsAsync(store, r => Bucket(r.Key, 1));
        Assert.Contains(whole.Values, s => s > ulong.MaxValue); // some bucket's sum wrapped
        Assert.Single(sums, b => b.Unknown);
    }

    // For diff: worker, per key bucket the parts of each key's text, payload hash and match (PayloadBucketPart): payload
    // hashes with the top bit set (stored signed), matched keys, a payload hash of 0 as unknown, sums past 64 bits,
    // another sync's keys apart; row hashes play no part.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task SumPayloadBuckets_AsEachKeyBucketedHere(int bits)
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, 60).Select(i => $"k-{i}-ü")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState(i % 11 == 5 ? 0 : ulong.MaxValue - ((ulong)i * 7919), i % 7 == 0, (ulong)i))).ToList(), CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate(keys[2], new RecordState(99, false, 0))], CancellationToken.None);

        var sums = await ((IKeyBucketStore)store).SumPayloadBucketsAsync("s", bits, CancellationToken.None);

        var expected = new CollectedBucketSums();
        await foreach (var (key, state) in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            expected.Add(Bucket(key, bits), 1, PayloadBucketPart.Of(key, state.Hash, state.Matched), state.Hash == 0);
        }

        Assert.NotNull(sums); // both stores sum them
        Assert.Equal(expected.Buckets, sums);
        Assert.Equal(keys.Count, sums.Sum(b => b.Rows));
        Assert.Contains(sums, b => b.Unknown);
        Assert.NotEqual(await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", bits, CancellationToken.None), sums); // not the row hashes'
        var whole = new Dictionary<int, UInt128>();
        await foreach (var (key, state) in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            whole[Bucket(key, bits)] = whole.GetValueOrDefault(Bucket(key, bits)) + PayloadBucketPart.Of(key, state.Hash, state.Matched);
        }

        Assert.Equal(bits == 1, whole.Values.Any(s => s > ulong.MaxValue)); // of two buckets, one wraps
    }

    // Each bucket's sum of parts as a whole number (what the stores give modulo 2^64).
    private static async Task<Dictionary<int, UInt128>> WholeSumsAsync(ISyncStateStore store, Func<StoredRecord, int> bucketOf)
    {
        var sums = new Dictionary<int, UInt128>();
        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            sums[bucketOf(record)] = sums.GetValueOrDefault(bucketOf(record)) + BucketSumReads.Part(record.State);
        }

        return sums;
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

        var expected = new CollectedBucketSums();
        await foreach (var (_, state) in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            expected.Add((int)((state.RowHash >> 4) & ((1UL << bits) - 1)), 1, BucketSumReads.Part(state), state.RowHash == 0);
        }

        Assert.NotNull(sums); // both stores sum them
        Assert.Equal(expected.Buckets, sums);
        Assert.Equal(keys.Count, sums.Sum(b => b.Rows));
        Assert.True(sums.First(b => b.Bucket == 0).Unknown);
        var whole = await WholeSumsAsync(store, r => (int)((r.State.RowHash >> 4) & ((1UL << bits) - 1)));
        Assert.Equal(bits == 1, whole.Values.Any(s => s > ulong.MaxValue)); // one bucket of two wraps
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
