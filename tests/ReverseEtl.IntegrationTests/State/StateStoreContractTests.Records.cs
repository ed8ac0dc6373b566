using System.Text;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

public abstract partial class StateStoreContractTests
{
    // Numbers as text, case, accents, CJK, an emoji (above U+FFFF) against U+FFFD (below it), a key that prefixes another, very long text.
    private static readonly string[] AwkwardKeys =
    [
        "10", "9", "a", "B", "ab", "é", "e\u0301", "東京", "😀", "\uFFFD", "\uE000", "z", " ", "[\"a\",\"b\"]", new string('ü', 3_000), "Ω",
    ];

    [Fact]
    public async Task ReadRecords_StreamsEveryKeyOnceInTheOrderOfItsUtf8Bytes()
    {
        var store = await CreateAsync();
        var applied = AwkwardKeys.Select((k, i) => new StateUpdate(k, new RecordState(i == 0 ? ulong.MaxValue - 3 : (ulong)i + 1, i % 2 == 0, (ulong)i * 7))).ToList();
        await store.ApplyAsync("s", applied, CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("0", new RecordState(1, true))], CancellationToken.None);

        var read = new List<StoredRecord>();
        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            read.Add(record);
        }

        var byBytes = AwkwardKeys.OrderBy(k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();
        Assert.Equal(byBytes, read.Select(r => r.Key));
        Assert.Equal(byBytes, read.Select(r => r.Key).Order(KeyOrder.Instance));
        var stored = await store.LoadRecordsAsync("s", CancellationToken.None);
        Assert.All(read, r => Assert.Equal(stored[r.Key], r.State));
        Assert.Equal(applied.ToDictionary(u => u.Key, u => u.State!.Value), read.ToDictionary(r => r.Key, r => r.State));
    }
}
