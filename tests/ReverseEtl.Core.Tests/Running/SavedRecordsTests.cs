using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public sealed class SavedRecordsTests
{
    private static readonly Dictionary<string, RecordState> Stored = new(StringComparer.Ordinal)
    {
        [""] = new(1, true, 11), ["ключ"] = new(2, false, 22), ["😀"] = new(3, true, ulong.MaxValue), [new string('x', 5_000)] = new(4, true, 44), ["a"] = new(5, false),
    };

    [Fact]
    public async Task FindAsync_InMemoryAndInStore_ReturnTheStoredKeysOnceAndLeaveTheOthersOut()
    {
        var store = new MemoryStateStore();
        foreach (var (key, state) in Stored)
        {
            store.Records[key] = state;
        }

        string[] asked = ["a", "a", "", "A", "ключ", "missing", "😀", "\uFFFD", new string('x', 5_000), new string('x', 4_999)];
        var expected = Stored.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();

        var inMemory = await SavedRecords.Of(Stored).FindAsync(asked, CancellationToken.None);
        var inStore = await (await SavedRecords.InStoreAsync(store, "s", CancellationToken.None)).FindAsync(asked, CancellationToken.None);

        Assert.Equal(expected, inMemory.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(expected, inStore.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindAsync_NoKeys_ReturnsNothing()
    {
        Assert.Empty(await SavedRecords.Of(Stored).FindAsync([], CancellationToken.None));
    }
}
