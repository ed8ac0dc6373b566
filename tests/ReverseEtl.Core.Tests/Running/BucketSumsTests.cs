using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Running;

public class BucketSumsTests
{
    [Theory]
    [InlineData("abc", 16, 36865)] // md5 900150983cd24fb0…: the first 16 bits, 0x9001
    [InlineData("abc", 4, 9)]
    [InlineData("", 16, 54301)]
    [InlineData("ü-東京", 16, 26646)]
    [InlineData("🙂", 16, 23693)]
    [InlineData("42", 16, 41424)]
    [InlineData("2024-01-05", 16, 12860)]
    public void Of_Key_IsTheFirstBitsOfTheMd5OfItsUtf8Text(string key, int bits, int bucket)
    {
        Assert.Equal(bucket, BucketSums.Of(key, bits));
    }

    [Fact]
    public void Of_KeyLongerThanTheStackBuffer_HashesAllOfIt()
    {
        Assert.Equal(20093, BucketSums.Of(new string('k', 600), 16));
        Assert.NotEqual(BucketSums.Of(new string('k', 600), 20), BucketSums.Of(new string('k', 601), 20));
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1_000, 6)]
    [InlineData(20_000, 10)]
    [InlineData(1_000_000, 16)]
    [InlineData(3_000_000, 18)]
    [InlineData(10_000_000_000, 20)]
    public void BitsFor_Keys_AboutSixteenKeysABucketWithinBounds(long keys, int bits)
    {
        Assert.Equal(bits, BucketSums.BitsFor(keys));
    }

    [Fact]
    public void Part_Matching_IsTheMaskMinusTheFirstSixtyBits()
    {
        const ulong rowHash = 0x900150983cd24fb0;

        Assert.Equal((UInt128)0x900150983cd24fb, BucketSums.Part(rowHash, matches: false));
        Assert.Equal((UInt128)(ModelQuery.PartMask - 0x900150983cd24fb), BucketSums.Part(rowHash, matches: true));
    }

    [Fact]
    public void Differing_SameKeysInAnotherOrder_NoBucket()
    {
        var (state, model) = (new BucketSums(4), new BucketSums(4));
        var keys = Enumerable.Range(0, 200).Select(i => ($"k{i}", new RecordState((ulong)i, i % 3 == 0, Hash(i)))).ToList();
        keys.ForEach(k => state.Add(k.Item1, k.Item2));
        keys.AsEnumerable().Reverse().ToList().ForEach(k => model.Add(k.Item1, k.Item2));

        Assert.Empty(state.Differing(model));
    }

    [Fact]
    public void Differing_TwoKeysOfABucketSwapTheirMatch_ThatBucket()
    {
        var (state, model) = (new BucketSums(1), new BucketSums(1));
        var (a, b) = ("a", Enumerable.Range(0, 50).Select(i => $"b{i}").First(k => BucketSums.Of(k, 1) == BucketSums.Of("a", 1)));
        state.Add(a, new RecordState(1, Matched: true, Hash(1)));
        state.Add(b, new RecordState(2, Matched: false, Hash(2)));
        model.Add(a, new RecordState(1, Matched: false, Hash(1)));
        model.Add(b, new RecordState(2, Matched: true, Hash(2)));

        Assert.Equal([BucketSums.Of(a, 1)], state.Differing(model));
    }

    [Fact]
    public void Differing_KeyRemovedAddedOrOfUnknownRowHash_ItsBucketOnly()
    {
        var (state, model) = (new BucketSums(8), new BucketSums(8));
        foreach (var i in Enumerable.Range(0, 100))
        {
            state.Add($"k{i}", new RecordState(1, false, Hash(i)));
            model.Add($"k{i}", new RecordState(1, false, Hash(i)));
        }

        state.Add("removed", new RecordState(1, false, Hash(500)));
        model.Add("added", new RecordState(1, false, Hash(501)));
        state.Add("from a worker diff", new RecordState(1, false, RowHash: 0));
        model.Add("from a worker diff", new RecordState(1, false, Hash(502)));

        Assert.Equal(new[] { "removed", "added", "from a worker diff" }.Select(k => BucketSums.Of(k, 8)).Distinct().Order(), state.Differing(model));
    }

    [Fact]
    public void Add_WarehouseTotals_CompareWithTheKeysAdded()
    {
        var (state, model) = (new BucketSums(4), new BucketSums(4));
        state.Add("abc", new RecordState(1, false, 0x900150983cd24fb0));
        model.Add(9, rows: 1, sum: 0x900150983cd24fb, unknownRowHash: false);

        Assert.Empty(state.Differing(model));
    }

    [Fact]
    public void Take_TheWarehouseTotalsOfTheKeysAdded_NothingLeftToDiffer()
    {
        var sums = new BucketSums(4);
        sums.Add("abc", new RecordState(1, false, 0x900150983cd24fb0));
        sums.Add("ü-東京", new RecordState(1, true, 0x1234567890abcdef));
        sums.Take(9, rows: 1, sum: 0x900150983cd24fb);
        sums.Take(BucketSums.Of("ü-東京", 4), rows: 1, sum: BucketSums.Part(0x1234567890abcdef, matches: true));

        Assert.Empty(sums.Differing());
        Assert.Equal(0, sums.Keys);
    }

    // Sixty keys of parts near 2^60 in one bucket pass 2^64: the sums agree modulo 2^64, and one key's change still shows.
    [Fact]
    public void Take_SumsPast64Bits_AgreeModulo64BitsAndOneChangeStillDiffers()
    {
        var (same, changed) = (new BucketSums(1), new BucketSums(1));
        var (rows, whole) = (0L, UInt128.Zero);
        foreach (var i in Enumerable.Range(0, 60))
        {
            var part = BucketSums.Part(ulong.MaxValue - (ulong)i, matches: false);
            same.Add(0, 1, part, unknownRowHash: false);
            changed.Add(0, 1, i == 7 ? part - 1 : part, unknownRowHash: false);
            (rows, whole) = (rows + 1, whole + part);
        }

        same.Take(0, rows, (ulong)(whole & ulong.MaxValue));
        changed.Take(0, rows, (ulong)(whole & ulong.MaxValue));

        Assert.True(whole > ulong.MaxValue);
        Assert.Empty(same.Differing());
        Assert.Equal([0], changed.Differing());
    }

    [Fact]
    public void Take_ABucketOnlyTheWarehouseHasOrAKeyOfUnknownRowHash_Differs()
    {
        var sums = new BucketSums(6);
        sums.Add("unknown", new RecordState(1, false, RowHash: 0));
        sums.Take(BucketSums.Of("unknown", 6), rows: 1, sum: 0);
        sums.Take(BucketSums.Of("new", 6), rows: 1, sum: 5);

        Assert.Equal(new[] { "unknown", "new" }.Select(k => BucketSums.Of(k, 6)).Distinct().Order(), sums.Differing());
        Assert.True(sums.AnyUnknown);
    }

    // Unknown row hashes are one bit a bucket, 64 buckets a word: buckets 64 apart, or in the last word, stay apart.
    [Fact]
    public void Differing_UnknownRowHashesInBucketsOfOtherWords_ExactlyThoseBuckets()
    {
        var sums = new BucketSums(20);
        int[] unknown = [3, 67, (1 << 19) + 3, (1 << 20) - 1];
        foreach (var bucket in unknown)
        {
            sums.Add(bucket, 1, 0, unknownRowHash: true);
            sums.Take(bucket, 1, 0);
        }

        Assert.Equal(unknown, sums.Differing());
        Assert.True(sums.AnyUnknown);
    }

    [Fact]
    public void Clear_AfterKeysOfUnknownRowHash_NothingDiffers()
    {
        var sums = new BucketSums(20, marksUnknown: true);
        sums.Add("a", new RecordState(1, false, RowHash: 0));
        sums.Add(1 << 19, 3, ulong.MaxValue, unknownRowHash: true);

        sums.Clear();

        Assert.Empty(sums.Differing());
        Assert.False(sums.AnyUnknown);
        Assert.Equal(0, sums.Keys);
    }

    [Fact]
    public void Add_NotMarkingUnknown_AKeyWithoutRowHashComparesByItsSumOnly()
    {
        var (state, snapshot) = (new BucketSums(4, marksUnknown: false), new BucketSums(4, marksUnknown: false));
        state.Add("a", new RecordState(1, false, RowHash: 0));
        snapshot.Add(BucketSums.Of("a", 4), 1, 0, unknownRowHash: true);

        Assert.Empty(state.Differing(snapshot));
        Assert.False(state.AnyUnknown);
    }

    private static ulong Hash(int i) => (ulong)(i + 1) * 0x9E3779B97F4A7C15UL;
}
