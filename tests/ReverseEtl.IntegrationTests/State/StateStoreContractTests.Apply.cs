using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>A batch of state updates is stored in a few statements: it must end as if each update had been applied in order.</summary>
public abstract partial class StateStoreContractTests
{
    // More keys than one statement carries, and than SQLite's 32,766 parameters would allow at 7 per row.
    private static readonly int ManyKeys = (2 * SqlSyncStateStore.RowsPerStatement) + 2_345;

    [Fact]
    public async Task Apply_ManyAwkwardKeysMixedWithRemovalsAndRepeats_EndsAsIfAppliedOneByOne()
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(Enumerable.Range(0, ManyKeys).Select(i => $"k-{i:D6}-ä")).ToList();
        var first = keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i, i % 2 == 0, ulong.MaxValue - (ulong)i), i % 3 == 0 ? $"id-{i}" : null)).ToList();
        first.AddRange([new("k-000003-ä", new RecordState(3, true), "id-3"), new("k-000006-ä", new RecordState(6, true), "id-6"), new("k-000013-ä", new RecordState(13, true), "id-13")]);
        var second = new List<StateUpdate>();
        for (var i = 0; i < keys.Count; i++)
        {
            second.Add(i % 4 == 0 ? new StateUpdate(keys[i], null) : new StateUpdate(keys[i], new RecordState((ulong)i + 1, i % 2 == 1), i % 5 == 0 ? "" : null));
        }

        second.AddRange(
        [
            new("k-000003-ä", new RecordState(30, true), "id-later"), // repeated after an earlier update in the call
            new("k-000006-ä", null), new("k-000006-ä", new RecordState(60, true)), // removed, then back without an id
            new("k-000009-ä", new RecordState(90, false), "id-9b"), new("k-000009-ä", null), // updated, then removed
            new("new-😀", new RecordState(1, true), "id-new"), new("new-😀", new RecordState(2, true)), // new, then again without an id
            new("k-000013-ä", new RecordState(130, true)), // updated without an id: the stored one stays
            new("never-stored", null), // removing what is not there
        ]);
        var expected = new Model();
        expected.Apply(first);
        expected.Apply(second);

        await store.ApplyAsync("s", first, CancellationToken.None);
        await store.ApplyAsync("s", second, CancellationToken.None);

        var records = await store.LoadRecordsAsync("s", CancellationToken.None);
        Assert.Equal(expected.Records.OrderBy(r => r.Key, StringComparer.Ordinal), records.OrderBy(r => r.Key, StringComparer.Ordinal));
        var ids = await store.LoadDestinationIdsAsync("s", [.. keys, "new-😀", "never-stored"], CancellationToken.None);
        Assert.Equal(expected.Ids.OrderBy(r => r.Key, StringComparer.Ordinal), ids.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(("id-later", "id-new"), (ids["k-000003-ä"], ids["new-😀"]));
        Assert.Equal("id-13", ids["k-000013-ä"]);
        Assert.False(ids.ContainsKey("k-000006-ä"));
    }

    [Fact]
    public async Task Apply_ClearsTheFailureAndTheSendAheadOfEveryKeyInTheCall_OthersStay()
    {
        var store = await CreateAsync();
        var run = await store.StartRunAsync("s", At, CancellationToken.None);
        var keys = Enumerable.Range(0, ManyKeys).Select(i => i % 2 == 0 ? $"é-{i}" : new string('x', 500) + i).ToList();
        await store.RecordFailuresAsync("s", run, [.. keys.Select(k => new RecordFailure(k, true, "rate limited")), new("stays", false, "bad email")], CancellationToken.None);
        await store.RecordPendingAsync("s", run, [.. keys.Select(k => new PendingSend(k, RecordAction.Change, 1, At)), new("stays", RecordAction.Change, 2, At)], CancellationToken.None);

        await store.ApplyAsync("s", [.. keys.Select((k, i) => new StateUpdate(k, i % 7 == 0 ? null : new RecordState(5, true)))], CancellationToken.None);

        var (failing, total) = await store.ListFailuresAsync("s", 10, CancellationToken.None);
        Assert.Equal("stays", Assert.Single(failing).Key);
        Assert.Equal(1, total);
        Assert.Equal(["stays"], (await store.LoadPendingAsync("s", CancellationToken.None)).Keys);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Apply_OnlyOneOfFailuresAndSendsHoldsKeys_ItsKeysInTheCallAreCleared(bool failures, bool sends)
    {
        // A table with no row for the sync is skipped: the one that has rows must still be cleared, another sync's kept.
        var store = await CreateAsync();
        var run = await store.StartRunAsync("s", At, CancellationToken.None);
        var other = await store.StartRunAsync("other", At, CancellationToken.None);
        var keys = new[] { "", " ", "ü-ß", "😀", new string('q', 3_000), "dup" };
        if (failures)
        {
            await store.RecordFailuresAsync("s", run, [.. keys.Select(k => new RecordFailure(k, true, "later")), new("stays", false, "bad")], CancellationToken.None);
        }

        if (sends)
        {
            await store.RecordPendingAsync("s", run, [.. keys.Select(k => new PendingSend(k, RecordAction.Enter, 1, At)), new("stays", RecordAction.Enter, 2, At)], CancellationToken.None);
        }

        await store.RecordFailuresAsync("other", other, [new RecordFailure("dup", true, "other sync")], CancellationToken.None);
        await store.RecordPendingAsync("other", other, [new PendingSend("dup", RecordAction.Enter, 3, At)], CancellationToken.None);

        await store.ApplyAsync("s", [.. keys.Select(k => new StateUpdate(k, new RecordState(9, true), "id")), new("dup", null)], CancellationToken.None);

        Assert.Equal(failures ? ["stays"] : Array.Empty<string>(), (await store.ListFailuresAsync("s", 10, CancellationToken.None)).Records.Select(r => r.Key));
        Assert.Equal(sends ? ["stays"] : Array.Empty<string>(), (await store.LoadPendingAsync("s", CancellationToken.None)).Keys);
        Assert.Equal("dup", Assert.Single((await store.ListFailuresAsync("other", 10, CancellationToken.None)).Records).Key);
        Assert.Equal(["dup"], (await store.LoadPendingAsync("other", CancellationToken.None)).Keys);
        var stored = await store.LoadRecordsAsync("s", CancellationToken.None);
        Assert.Equal(keys.SkipLast(1).Order(StringComparer.Ordinal), stored.Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Apply_WritersAtOnceFromSeveralTasks_EveryWriteLands()
    {
        var store = await CreateAsync();
        var run = await store.StartRunAsync("s", At, CancellationToken.None);

        // A run's store queue, its record log and its next batch's log of sends write side by side.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var keys = Enumerable.Range(0, 50).Select(k => $"t{t:D2}-{i:D2}-{k:D2}-ü").ToList();
                await store.RecordPendingAsync("s", run, [.. keys.Select(k => new PendingSend(k, RecordAction.Enter, 1, At))], CancellationToken.None);
                await store.ApplyAsync("s", [.. keys.Select(k => new StateUpdate(k, new RecordState(7, true), $"id-{k}"))], CancellationToken.None);
                await store.AppendRecordLogAsync("s", run, [.. keys.Select(k => new RecordLogEntry(k, "create", "entered", "sent", At))], CancellationToken.None);
            }
        })));

        Assert.Equal(12 * 20 * 50, (await store.LoadRecordsAsync("s", CancellationToken.None)).Count);
        Assert.Empty(await store.LoadPendingAsync("s", CancellationToken.None));
        Assert.Single(await store.LoadRecordLogAsync("s", "t11-19-49-ü", 10, CancellationToken.None));
    }

    [Fact]
    public async Task RecordPending_RepeatedKeysInOneCall_TheLastStays()
    {
        var store = await CreateAsync();
        var run = await store.StartRunAsync("s", At, CancellationToken.None);
        var sends = Enumerable.Range(0, ManyKeys).Select(i => new PendingSend($"東京-{i % 1_000}", i % 2 == 0 ? RecordAction.Change : RecordAction.Delete, (ulong)i, At.AddSeconds(i))).ToList();

        await store.RecordPendingAsync("s", run, sends, CancellationToken.None);

        var pending = await store.LoadPendingAsync("s", CancellationToken.None);
        var last = sends.GroupBy(s => s.Key).Select(g => g.Last()).ToDictionary(s => s.Key);
        Assert.Equal(last.Keys.Order(StringComparer.Ordinal), pending.Keys.Order(StringComparer.Ordinal));
        Assert.All(pending.Values, p => Assert.Equal(last[p.Key], p));
    }

    // What applying the updates one by one leaves: the reference the batched statements must match.
    private sealed class Model
    {
        public Dictionary<string, RecordState> Records { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

        public void Apply(IEnumerable<StateUpdate> updates)
        {
            foreach (var update in updates)
            {
                if (update.State is not { } state)
                {
                    Records.Remove(update.Key);
                    Ids.Remove(update.Key);
                    continue;
                }

                Records[update.Key] = state;
                if (update.DestinationId is { } id)
                {
                    Ids[update.Key] = id;
                }
            }
        }
    }
}
