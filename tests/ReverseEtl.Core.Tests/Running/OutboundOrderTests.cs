using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>
/// Several batches in flight, each writing through its turn (as the dry-run outbox does): the writes come out in the
/// order the batches went, whichever is answered first, and a batch that fails after writing ends its turn too.
/// </summary>
public class OutboundOrderTests
{
    private static readonly string[] Keys = ["a", "b", "", "Zoë-ünï", "c", "c", new string('x', 10_000), "d", "e", "f"];

    [Fact]
    public async Task FlushAsync_LaterBatchesAnsweredFirst_WritesInTheOrderTheBatchesWent()
    {
        var kit = new RunKit("mode: upsert"); // batches of 2
        var writer = new OrderedWriter(maxConcurrent: 4, slow: 1);
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);

        await AddAllAsync(outbound, Keys);

        Assert.True(writer.MostInFlight > 1, $"at most {writer.MostInFlight} batch in flight");
        Assert.True(writer.AnsweredOutOfOrder, "no batch was answered before an earlier one");
        Assert.Equal(writer.Expected, writer.Written.ToArray()); // every line, once, in the order the batches went
        Assert.Equal(Keys.Length, writer.Written.Count(l => l.StartsWith("write ", StringComparison.Ordinal)));
        Assert.Equal(Keys.Length, outbound.Sent);
    }

    [Fact]
    public async Task FlushAsync_ABatchFailsAfterWriting_LaterBatchesStillWriteAfterItAndItsFailureEndsTheRun()
    {
        var kit = new RunKit("mode: upsert");
        var writer = new OrderedWriter(maxConcurrent: 4, slow: -1, failing: 1);
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);

        var failure = await Assert.ThrowsAsync<DestinationException>(() => AddAllAsync(outbound, Keys));

        Assert.Equal("batch 1 failed half-way", failure.Message);
        Assert.Equal(writer.Expected, writer.Written.ToArray()); // the failed batch's first line, then the later batches'
        Assert.Contains("write batch 1: ", writer.Written);
        Assert.True(writer.Written.Count > 3, "the batches in flight after the failed one wrote nothing");
    }

    [Fact]
    public async Task FlushAsync_AWriterThatNeverYields_StillHasTwoBatchesInFlight()
    {
        // A dry run answers without waiting: each batch must still leave the reading thread, or the next never goes.
        var kit = new RunKit("mode: upsert");
        using var writer = new BlockingWriter();
        var outbound = new Outbound(kit.Context(), writer, kit.State, kit.State, kit.State);

        await AddAllAsync(outbound, "a", "b", "c", "d", "", "Zoë");

        Assert.Equal([true, true], writer.MetTheOther);
        Assert.Equal(6, outbound.Sent);
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

    /// <summary>A writer that never yields: its second and third batches each block until the other is in flight too.</summary>
    private sealed class BlockingWriter : IConcurrentSyncWriter, IDisposable
    {
        private readonly CountdownEvent _both = new(2);
        private int _count;

        public int MaxConcurrentBatches => 4;

        public ConcurrentBag<bool> MetTheOther { get; } = [];

        public Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _count) is 2 or 3) // the first batch goes alone
            {
                _both.Signal();
                MetTheOther.Add(_both.Wait(TimeSpan.FromSeconds(10), cancellationToken));
            }

            return Task.FromResult<IReadOnlyList<RecordOutcome>>(records.Select(r => RecordOutcome.Sent($"id-{r.Key}")).ToList());
        }

        public JsonNode Preview(SyncRecord record) => new JsonObject { ["key"] = record.Key };

        public void Dispose() => _both.Dispose();
    }

    /// <summary>
    /// Writes a line per record through the batch's turn, as the outbox handler does; the <c>slow</c> batch writes and
    /// is answered only after a later one, and the <c>failing</c> batch fails after writing its first line.
    /// </summary>
    private sealed class OrderedWriter(int maxConcurrent, int slow, int failing = -1) : IConcurrentSyncWriter
    {
        private readonly TaskCompletionSource _laterAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<(int Batch, string Line)> _sent = [];
        private int _count;
        private int _inFlight;
        private int _most;

        public int MaxConcurrentBatches => maxConcurrent;

        public ConcurrentQueue<string> Written { get; } = [];

        /// <summary>Each line as the batch wrote it, in the order the batches went: all of batch 0's, then batch 1's, and so on.</summary>
        public IEnumerable<string> Expected
        {
            get
            {
                lock (_sent)
                {
                    return _sent.OrderBy(s => s.Batch).Select(s => s.Line).ToList(); // a stable sort: a batch's lines keep their order
                }
            }
        }

        public int MostInFlight => Volatile.Read(ref _most);

        public bool AnsweredOutOfOrder => _laterAnswered.Task.IsCompleted;

        public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _count) - 1;
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _most, now);
            var turn = SendOrder.Current ?? throw new InvalidOperationException("a batch went without its turn");
            try
            {
                if (index == slow)
                {
                    await _laterAnswered.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken); // its requests go after the next batch's
                }

                foreach (var record in records)
                {
                    await Task.Yield();
                    var line = $"write batch {index}: {record.Key}";
                    lock (_sent)
                    {
                        _sent.Add((index, line));
                    }

                    turn.Then(async () => { await Task.Yield(); Written.Enqueue(line); });
                    if (index == failing)
                    {
                        throw new DestinationException($"batch {index} failed half-way");
                    }
                }

                if (index > slow)
                {
                    _laterAnswered.TrySetResult();
                }

                return records.Select(r => RecordOutcome.Sent($"id-{r.Key}")).ToList();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public JsonNode Preview(SyncRecord record) => new JsonObject { ["key"] = record.Key };

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }
}
