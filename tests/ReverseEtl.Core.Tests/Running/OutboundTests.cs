using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>
/// Batches in flight side by side (a writer that takes several at once): the first goes alone, then up to the writer's
/// count; each is stored after its own answer; a failed one lets the others be answered and stored before the run
/// ends; a key is never in two batches in flight.
/// </summary>
public class OutboundTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FlushAsync_ALaterBatchFails_TheBatchesAnsweredAroundItAreStillStored()
    {
        var kit = new RunKit("mode: upsert"); // batches of 2
        using var writer = new GatedWriter(maxConcurrent: 3);
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);
        var sending = AddAllAsync(outbound, "a", "b", "c", "d", "e", "f", "Zoë-ünï", "");

        await writer.CallAsync(0);
        Assert.Equal(1, writer.InFlight); // the first batch goes alone
        writer.Answer(0);
        await writer.CallAsync(2);
        Assert.Equal(2, writer.InFlight); // then two
        writer.Answer(1);
        await writer.CallAsync(3);
        Assert.Equal(2, writer.InFlight); // then up to the writer's three, here all that is left
        writer.Answer(3);
        writer.Fail(2, new DestinationException("hubspot connection 'd': HTTP 502 from /crm/v3/objects/companies/batch/upsert after retries") { MayHaveBeenDelivered = true });
        var failure = await Assert.ThrowsAsync<DestinationException>(() => sending);

        Assert.StartsWith("hubspot connection 'd': HTTP 502", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["", "Zoë-ünï", "a", "b", "c", "d"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((6L, 0L), (outbound.Sent, outbound.Failed));
        Assert.Equal(["e", "f"], kit.State.Pending.Keys.Order(StringComparer.Ordinal)); // may have arrived: logged as unsure
    }

    [Fact]
    public async Task AddAsync_ARecordWithNoAnswer_BringsTheBatchesInFlightBackToOne()
    {
        var kit = new RunKit("mode: upsert");
        using var writer = new GatedWriter(maxConcurrent: 8);
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);
        var sending = AddAllAsync(outbound, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

        writer.AnswerAt(0);
        writer.AnswerAt(1, unknown: "c"); // a timeout: the vendor may have stopped answering; batch 2 is in flight beside it
        writer.AnswerAt(2);
        writer.AnswerAt(3);
        writer.AnswerAt(4);
        await sending;

        // 1, then 2; after the record with no answer, 1 again (not 4), then 2.
        Assert.Equal(2, writer.MostInFlight);
        Assert.Equal((9L, 1L), (outbound.Sent, outbound.Failed));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task AddAsync_AKeyAgainWhileItsBatchIsInFlight_WaitsForItsAnswerFirst(int maxConcurrent)
    {
        var kit = new RunKit("mode: upsert");
        using var writer = new GatedWriter(maxConcurrent) { AnswerAtOnce = true };
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);

        await AddAllAsync(outbound, "a", "b", "c", "d", "e", "a", "f", "c", "c", new string('x', 10_000), "d", "d");

        Assert.Empty(writer.Overlaps);
        Assert.InRange(writer.MostInFlight, 1, maxConcurrent);
        Assert.Equal(12L, outbound.Sent);
        Assert.Equal(7, kit.State.Records.Count);
    }

    [Fact]
    public async Task AddAsync_AWriterThatCapsItsBatches_GetsBatchesNoLargerThanItsCap()
    {
        var kit = new RunKit("mode: upsert"); // batches of 2 for the destination
        using var writer = new GatedWriter(maxConcurrent: 4) { AnswerAtOnce = true, MaxBatchSize = 1 };
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);

        await AddAllAsync(outbound, "a", "Zoë-ünï", "", "b", new string('x', 3_000));

        Assert.Equal([1, 1, 1, 1, 1], writer.BatchSizes.Order());
        Assert.Equal(5L, outbound.Sent);
    }

    private static async Task AddAllAsync(Outbound outbound, params string[] keys)
    {
        await Task.Yield();
        foreach (var key in keys)
        {
            var row = new MappedRow(1, key, null, true, (ulong)key.Length + 1, new Dictionary<string, object?> { ["name"] = key.Length > 0 ? key : null });
            await outbound.AddAsync(new RowChange(key, ChangeKind.Added, false, true, row), new SyncRecord(key, RecordAction.Enter, row.Payload), CancellationToken.None);
        }

        await outbound.FlushAsync(CancellationToken.None);
    }

    /// <summary>A writer whose batches the test answers one by one (or at once), noting what was in flight together.</summary>
    private sealed class GatedWriter(int maxConcurrent) : IConcurrentSyncWriter, IDisposable
    {
        private readonly ConcurrentDictionary<int, (IReadOnlyList<SyncRecord> Batch, TaskCompletionSource<IReadOnlyList<RecordOutcome>> Answer)> _calls = new();
        private readonly ConcurrentDictionary<string, int> _keysInFlight = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _called = new(0);
        private int _count;
        private int _inFlight;

        public int MaxConcurrentBatches => maxConcurrent;

        public bool AnswerAtOnce { get; init; }

        public int? MaxBatchSize { get; init; }

        public IEnumerable<int> BatchSizes => _calls.Values.Select(c => c.Batch.Count);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MostInFlight { get; private set; }

        public ConcurrentBag<string> Overlaps { get; } = [];

        public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (_called)
            {
                MostInFlight = Math.Max(MostInFlight, now);
            }

            foreach (var record in records.Where(r => !_keysInFlight.TryAdd(r.Key, 0)))
            {
                Overlaps.Add(record.Key);
            }

            var answer = new TaskCompletionSource<IReadOnlyList<RecordOutcome>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _calls[Interlocked.Increment(ref _count) - 1] = (records, answer);
            _called.Release();
            if (AnswerAtOnce)
            {
                await Task.Yield();
                answer.SetResult(records.Select(r => RecordOutcome.Sent($"id-{r.Key}")).ToList());
            }

            try
            {
                return await answer.Task;
            }
            finally
            {
                records.ToList().ForEach(r => _keysInFlight.TryRemove(r.Key, out _));
                Interlocked.Decrement(ref _inFlight);
            }
        }

        /// <summary>Waits until the batch of this index was handed over.</summary>
        public async Task CallAsync(int index)
        {
            while (!_calls.ContainsKey(index))
            {
                Assert.True(await _called.WaitAsync(Patience), $"batch {index} was never sent");
            }
        }

        public void Answer(int index) => _calls[index].Answer.SetResult(_calls[index].Batch.Select(r => RecordOutcome.Sent($"id-{r.Key}")).ToList());

        /// <summary>Answers the batch of this index, once it was handed over; the record <paramref name="unknown"/> gets no answer.</summary>
        public void AnswerAt(int index, string? unknown = null)
        {
            CallAsync(index).GetAwaiter().GetResult();
            _calls[index].Answer.SetResult(_calls[index].Batch.Select(r => r.Key == unknown ? RecordOutcome.Unknown("no answer within 30 s") : RecordOutcome.Sent($"id-{r.Key}")).ToList());
        }

        public void Fail(int index, Exception failure) => _calls[index].Answer.SetException(failure);

        public JsonNode Preview(SyncRecord record) => new JsonObject { ["key"] = record.Key };

        public void Dispose() => _called.Dispose();
    }
}
