using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>
/// The answered batches are stored by one loop while the next ones go: in the order they went, together when several
/// wait (one store call for all), a key in flight until its batch is stored; a store that throws ends the run with
/// its error and stops the sends; a failed batch or a stop still lets what was answered be stored.
/// </summary>
public class StoreQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FlushAsync_TheStoreSlowerThanTheSends_StoresTheWaitingBatchesInOrderInOneCall()
    {
        var kit = new RunKit("mode: upsert"); // batches of 2
        using var store = new GatedStore(kit.State);
        var writer = new ScriptedWriter { Answer = r => r.Key == "Zoë-ünï" ? RecordOutcome.Permanent("INVALID_EMAIL: ünï") : RecordOutcome.Sent($"id-{r.Key}") };
        writer.BeforeBatch = i => Assert.True(SpinWait.SpinUntil(() => store.Calls.Count >= i switch { 0 => 0, 4 => 2, _ => 1 }, Patience)); // the second goes once the first is being stored, the last once the group is
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var sending = AddAllAsync(outbound, "a", "b", "c", "", "Zoë-ünï", new string('x', 10_000), "e", "f", "g");
        await store.EnteredAsync(1);
        Assert.True(SpinWait.SpinUntil(() => writer.Count == 5, Patience)); // the batches went while the first was being stored
        store.Open();
        await sending;

        Assert.Equal([["a", "b"], ["c", "", new string('x', 10_000), "e", "f"], ["g"]], store.Calls);
        Assert.Equal(["", "a", "b", "c", "e", "f", "g", new string('x', 10_000)], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Zoë-ünï", Assert.Single(kit.State.Failures).Key);
        Assert.Equal((8L, 1L), (outbound.Sent, outbound.Failed));
        Assert.Empty(kit.State.Pending); // the delivered ones cleared with their state, the failed one in the group's own call
    }

    [Fact]
    public async Task AddAsync_AKeyAgainWhileItsBatchWaitsToBeStored_SendsItOnlyOnceItIsStored()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State);
        var writer = new ScriptedWriter();
        writer.BeforeBatch = i =>
        {
            lock (kit.State.Gate)
            {
                Assert.True(i == 0 || kit.State.Records.ContainsKey("a"), "the key went again before its batch was stored");
            }
        };
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var sending = AddAllAsync(outbound, "a", "b", "c", "a", "a", "d");
        await store.EnteredAsync(1);
        await Task.Delay(100); // room for a wrong second send
        Assert.Equal(1, writer.Count);
        store.Open();
        await sending;

        Assert.Equal([["a", "b"], ["c", "a"], ["a", "d"]], writer.Batches);
        Assert.Equal(6L, outbound.Sent);
    }

    [Fact]
    public async Task AddAsync_AWriterOfOneBatchAtATimeToARealDestination_SendsTheNextOnlyOnceTheLastIsStored()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State);
        var writer = new ScriptedWriter();
        var outbound = new Outbound(kit.Context(), writer, store, kit.State, kit.State);

        var sending = AddAllAsync(outbound, "Zoë", "", "b", "c", "d", "e");
        await store.EnteredAsync(1);
        await Task.Delay(100); // room for a wrong second send: a crash now must not lose more than the batch stored
        Assert.Equal(1, writer.Count);
        store.Open();
        await sending;

        Assert.Equal(3, writer.Count);
        Assert.Equal(6L, outbound.Sent);
    }

    [Fact]
    public async Task FlushAsync_AStoreThrows_FailsWithItsErrorAndSendsNothingAfter()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State) { Failure = new InvalidOperationException("database disk image is malformed") };
        var writer = new ScriptedWriter();
        writer.BeforeBatch = i =>
        {
            if (i == 1)
            {
                store.Open(); // batch 0's store fails while batch 1 is on its way (opened before, it could fail before batch 1 went)
                Assert.True(SpinWait.SpinUntil(() => store.Threw, Patience));
                Thread.Sleep(100); // the queue notes the failure
            }
        };
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => AddAllAsync(outbound, "a", "b", "c", "d", "e", "f", "g", "h"));

        Assert.Equal("database disk image is malformed", failure.Message);
        Assert.Equal(2, writer.Count); // the batch on its way when the store failed, and none after
        Assert.Empty(kit.State.Records);
        Assert.Equal((0L, 0L), (outbound.Sent, outbound.Failed));
        await Assert.ThrowsAsync<InvalidOperationException>(outbound.SettleAsync); // the run's way out says it again
    }

    [Fact]
    public async Task FlushAsync_ABatchFailsWhileOthersWaitToBeStored_StoresThemThenThrowsTheFailure()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State);
        var (writer, outbound, failure) = await FailTheThirdBatchWhileTwoWaitAsync(kit, store);

        Assert.StartsWith("hubspot connection 'd': HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, writer.Count);
        Assert.Equal(["a", "b", "c", "d"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(kit.State.Pending); // e and f surely did not arrive: their log is cleared in the queue's turn
        Assert.Equal((4L, 0L), (outbound.Sent, outbound.Failed));
    }

    [Fact]
    public async Task FlushAsync_ABatchFailsAndTheStoreFailsToo_ThrowsTheBatchsFailureFirstAndLogsTheStores()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State) { Failure = new InvalidOperationException("database disk image is malformed: ünï") };
        var (writer, outbound, failure) = await FailTheThirdBatchWhileTwoWaitAsync(kit, store);

        Assert.StartsWith("hubspot connection 'd': HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Contains(kit.Log.Entries, e => e.Id == 1300 && e.Message.Contains("database disk image is malformed: ünï", StringComparison.Ordinal));
        Assert.Empty(kit.State.Records);
        Assert.Equal((0L, 0L), (outbound.Sent, outbound.Failed));
    }

    [Fact]
    public async Task FlushAsync_TheStoreFailsBeforeAFailedBatchIsAnswered_ThrowsTheBatchsFailureAndLogsTheStores()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State) { Failure = new InvalidOperationException("database disk image is malformed: ünï") };
        var writer = new ScriptedWriter { Fails = { [2] = new DestinationException("hubspot connection 'd': HTTP 400 from /crm/v3/objects/companies/batch/upsert") { MayHaveBeenDelivered = false } } };
        writer.BeforeBatch = i =>
        {
            if (i == 2)
            {
                store.Open(); // batches 0 and 1 fail to store while batch 2 is on its way
                Assert.True(SpinWait.SpinUntil(() => store.Threw, Patience));
                Thread.Sleep(50); // the queue notes the failure
            }
        };
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var failure = await Assert.ThrowsAsync<DestinationException>(() => AddAllAsync(outbound, "a", "b", "c", "d", "e", "f", "g", "h"));

        Assert.StartsWith("hubspot connection 'd': HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, writer.Count);
        Assert.Contains(kit.Log.Entries, e => e.Id == 1300 && e.Message.Contains("database disk image is malformed: ünï", StringComparison.Ordinal));
        Assert.Empty(kit.State.Records);
        Assert.Equal((0L, 0L), (outbound.Sent, outbound.Failed));
    }

    [Fact]
    public async Task SettleAsync_AStopWithBatchesWaitingToBeStored_StoresThemRegardless()
    {
        var kit = new RunKit("mode: upsert");
        using var store = new GatedStore(kit.State);
        using var stop = new CancellationTokenSource();
        var writer = new ScriptedWriter { BeforeBatch = i => { if (i == 2) { stop.Cancel(); } } };
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var sending = AddAllAsync(outbound, stop.Token, "a", "b", "c", "d", "e", "f");
        await store.EnteredAsync(1);
        Assert.True(SpinWait.SpinUntil(() => writer.Count == 3, Patience));
        store.Open();
        await sending;
        await outbound.SettleAsync();

        Assert.Equal(["a", "b", "c", "d"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((4L, 0L, 2L), (outbound.Sent, outbound.Failed, outbound.Deferred));
        Assert.All(store.Tokens, t => Assert.False(t.CanBeCanceled));
    }

    private static Task AddAllAsync(Outbound outbound, params string[] keys) => AddAllAsync(outbound, CancellationToken.None, keys);

    private static async Task AddAllAsync(Outbound outbound, CancellationToken cancellationToken, params string[] keys)
    {
        await Task.Yield();
        foreach (var key in keys)
        {
            var row = new MappedRow(1, key, null, true, (ulong)key.Length + 1, new Dictionary<string, object?> { ["name"] = key.Length > 0 ? key : null });
            await outbound.AddAsync(new RowChange(key, ChangeKind.Added, false, true, row), new SyncRecord(key, RecordAction.Enter, row.Payload), cancellationToken);
        }

        await outbound.FlushAsync(cancellationToken);
    }

    // A writer of one batch at a time that may be resent (an idempotent upsert): its next batch goes while the last is stored.
    private sealed class OneBatchAtATime(ScriptedWriter inner) : IConcurrentSyncWriter
    {
        public int MaxConcurrentBatches => 1;

        public Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) => inner.WriteAsync(records, cancellationToken);

        public System.Text.Json.Nodes.JsonNode Preview(SyncRecord record) => inner.Preview(record);
    }

    // Batches 0 and 1 wait at the store's gate while batch 2 fails at the writer; then the gate opens and the sends end.
    private static async Task<(ScriptedWriter Writer, Outbound Outbound, DestinationException Failure)> FailTheThirdBatchWhileTwoWaitAsync(RunKit kit, GatedStore store)
    {
        var writer = new ScriptedWriter { Fails = { [2] = new DestinationException("hubspot connection 'd': HTTP 400 from /crm/v3/objects/companies/batch/upsert") { MayHaveBeenDelivered = false } } };
        var outbound = new Outbound(kit.Context(), new OneBatchAtATime(writer), store, kit.State, kit.State);

        var sending = AddAllAsync(outbound, "a", "b", "c", "d", "e", "f", "g", "h");
        await store.EnteredAsync(1);
        Assert.True(SpinWait.SpinUntil(() => writer.Count == 3, Patience));
        store.Open();
        return (writer, outbound, await Assert.ThrowsAsync<DestinationException>(() => sending));
    }
}
