using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>The write-ahead log of sends, alike in every store.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task Pending_LoggedReplacedClearedAndClearedByDelivery()
    {
        var store = await CreateAsync();
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, 123, TimeSpan.Zero);
        var longKey = "Zoë " + new string('ж', 2_000);
        await store.RecordPendingAsync("s", 1, [new("a", RecordAction.Enter, ulong.MaxValue, at), new(longKey, RecordAction.Change, 0, at), new("c", RecordAction.Delete, 5, at)], CancellationToken.None);
        await store.RecordPendingAsync("s", 2, [new("a", RecordAction.Change, 9, at.AddMinutes(1))], CancellationToken.None);
        await store.ClearPendingAsync("s", ["c", "not-there"], CancellationToken.None);
        await store.ApplyAsync("s", [new(longKey, new RecordState(0, true))], CancellationToken.None);

        var pending = await OpenAgain().LoadPendingAsync("s", CancellationToken.None);

        Assert.Equal(new PendingSend("a", RecordAction.Change, 9, at.AddMinutes(1)), Assert.Single(pending).Value);
        Assert.Empty(await store.LoadPendingAsync("other", CancellationToken.None));
    }

    [Fact]
    public async Task MarkUnsettled_KeysWhoseLoggedSendDiffersFromTheirState_MarkedUnknownAndTheLogKept()
    {
        var store = await CreateAsync();
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var longKey = "Zoë " + new string('ж', 2_000);
        await store.ApplyAsync("s", [new("same", new RecordState(5, true, 7)), new("other", new RecordState(5, true, 7), "id-o"), new(longKey, new RecordState(5, false, 7)),
            new("del", new RecordState(9, true), "id-d"), new("unknown", new RecordState(0, true)), new("", new RecordState(ulong.MaxValue, true, 1))], CancellationToken.None);
        await store.ApplyAsync("t", [new("other", new RecordState(5, true, 7))], CancellationToken.None);
        await store.RecordPendingAsync("s", 3, [new("same", RecordAction.Change, 5, at), new("other", RecordAction.Change, 6, at), new(longKey, RecordAction.Enter, 5, at),
            new("del", RecordAction.Delete, 0, at), new("unknown", RecordAction.Change, 3, at), new("", RecordAction.Change, 1, at), new("new", RecordAction.Enter, 4, at),
            new("gone", RecordAction.Delete, 0, at)], CancellationToken.None);
        await store.RecordPendingAsync("t", 4, [new("other", RecordAction.Change, 6, at), new("new", RecordAction.Enter, 4, at)], CancellationToken.None);

        var upsert = await store.MarkUnsettledAsync("s", addUnstored: false, CancellationToken.None);
        var mirror = await OpenAgain().MarkUnsettledAsync("s", addUnstored: true, CancellationToken.None);

        Assert.Equal((new UnsettledSends(4, 0), new UnsettledSends(0, 1)), (upsert, mirror));
        var records = await store.LoadRecordsAsync("s", CancellationToken.None);
        Assert.Equal(new RecordState(5, true, 7), records["same"]);
        Assert.Equal([new RecordState(0, true), new RecordState(0, false), new RecordState(0, true), new RecordState(0, true), new RecordState(0, true)],
            new[] { "other", longKey, "del", "", "new" }.Select(k => records[k]));
        Assert.Equal(new RecordState(0, true), records["unknown"]);
        Assert.False(records.ContainsKey("gone"));
        Assert.Equal(7, records.Count);
        var ids = await store.LoadDestinationIdsAsync("s", ["other", "del", "new"], CancellationToken.None);
        Assert.Equal(["id-d", "id-o"], ids.Values.Order(StringComparer.Ordinal));
        Assert.Equal(8, (await store.LoadPendingAsync("s", CancellationToken.None)).Count);
        Assert.Equal(new RecordState(5, true, 7), Assert.Single(await store.LoadRecordsAsync("t", CancellationToken.None)).Value);
    }
}
