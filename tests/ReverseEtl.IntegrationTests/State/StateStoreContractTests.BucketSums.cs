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
}
