using ReverseEtl.Abstractions.State;
using ReverseEtl.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>Looking up the state of given keys only (the snapshot diff's confirmations).</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task FindRecords_AwkwardKeysSomeMissingRepeatedOrOfAnotherSync_ReturnsExactlyTheStoredOnes()
    {
        var store = await CreateAsync();
        var stored = AwkwardKeys.Select((k, i) => new StateUpdate(k, new RecordState(ulong.MaxValue - (ulong)i, i % 2 == 0, i == 0 ? ulong.MaxValue : (ulong)i * 7))).ToList();
        await store.ApplyAsync("s", stored, CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("only-other", new RecordState(1, true))], CancellationToken.None);

        var found = await store.FindRecordsAsync("s", [.. AwkwardKeys, .. AwkwardKeys.Take(3), "", "never-stored", "only-other", "E\u0301", "A"], CancellationToken.None);

        var expected = stored.ToDictionary(u => u.Key, u => u.State!.Value, StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(r => r.Key, StringComparer.Ordinal), found.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindRecords_MoreKeysThanOneStatementHalfStored_ReturnsTheStoredHalf()
    {
        var store = await CreateAsync();
        var keys = Enumerable.Range(0, (2 * SqlSyncStateStore.KeysPerLookup) + 7).Select(i => $"k-{i:D5}-ß").ToList();
        var stored = keys.Where((_, i) => i % 2 == 1).Select(k => new StateUpdate(k, new RecordState(11, true, 3))).ToList();
        await store.ApplyAsync("s", stored, CancellationToken.None);

        var found = await store.FindRecordsAsync("s", keys, CancellationToken.None);

        Assert.Equal(stored.Select(u => u.Key).Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.All(found.Values, state => Assert.Equal(new RecordState(11, true, 3), state));
    }

    [Fact]
    public async Task FindRecords_NoKeys_ReturnsNothing()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new StateUpdate("a", new RecordState(1, true))], CancellationToken.None);

        Assert.Empty(await store.FindRecordsAsync("s", [], CancellationToken.None));
    }
}
