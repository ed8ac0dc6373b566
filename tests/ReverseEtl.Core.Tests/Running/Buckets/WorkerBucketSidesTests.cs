using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// <c>diff: worker</c>'s first read by key buckets reads the model's rows in no order while the state is summed: the side
/// that fails stops the other, and its error is the run's; a key whose type does not stream leaves that read unread.
/// </summary>
public sealed class WorkerBucketSidesTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60); // a guard against a hang, not a timing

    private readonly ListLogger _log = new();

    [Fact]
    public async Task Read_StateFailsWhileTheRowsAreRead_TheStateErrorAndTheRowsStopped()
    {
        var warehouse = new StalledRowsWarehouse();
        var records = new StalledRecords(new IOException("disk I/O error reading the state"), failAfter: warehouse.Reading);

        var thrown = await Assert.ThrowsAsync<IOException>(() => ReadAsync(warehouse, records).WaitAsync(Hang));

        Assert.Equal("disk I/O error reading the state", thrown.Message);
        Assert.Equal(["rows query started, in no order", "rows read: 2", "rows stopped", "result closed"], warehouse.Events);
    }

    [Fact]
    public async Task Read_RowsFailWhileTheStateIsRead_TheWarehouseErrorAndTheStateReadStopped()
    {
        // The rows fail once the state's read began: had they failed before, the read would never start, with nothing to stop.
        var records = new StalledRecords(failure: null);
        var warehouse = new StalledRowsWarehouse { Failure = new WarehouseException("Conversion Error: could not convert 'n/a' to INT32"), FailAfter = records.Started };

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => ReadAsync(warehouse, records).WaitAsync(Hang));

        Assert.StartsWith("Conversion Error", thrown.Message, StringComparison.Ordinal);
        await records.Stopped.WaitAsync(Hang); // the state's read saw the stop
        Assert.Equal(["rows query started, in no order", "rows read: 2", "result closed"], warehouse.Events);
    }

    // No type saved by a last run (a state written before the types were saved), and the key turns out a timestamp,
    // which does not stream: the first read is left unread, and the rows are read once in key order, diffed in memory.
    [Fact]
    public async Task Read_KeyTypeThatDoesNotStream_FirstReadLeftAndRowsReadOnceInKeyOrder()
    {
        var warehouse = new StalledRowsWarehouse { KeyType = "TIMESTAMP", Stalls = false };
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal)
        {
            ["ключ 1"] = new(PayloadJson.Hash(new Dictionary<string, object?> { ["name"] = "Zoë 東京" }), Matched: true),
            ["gone"] = new(1, Matched: true),
        });

        var events = await ReadAsync(warehouse, records);

        Assert.Equal(["rows query started, in no order", "result closed", "rows query started, in key order", "rows read: 2", "result closed"], warehouse.Events);
        Assert.Equal(["ключ 1 Changed", "ü 2 🙂 Added", "gone Removed"], events.OfType<RowChange>().Select(c => $"{c.Key} {c.Kind}"));
    }

    private Task<List<DiffEvent>> ReadAsync(StalledRowsWarehouse warehouse, SavedRecords records) =>
        WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker");

    /// <summary>
    /// A warehouse whose model query gives two rows (an awkward key and name) and then fails with <see cref="Failure"/>,
    /// or else holds until its token is cancelled; it notes what happened.
    /// </summary>
    private sealed class StalledRowsWarehouse : ScriptedBucketsWarehouse
    {
        private readonly EventNotes _notes = new();
        private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; init; }

        /// <summary>What the rows wait for before they fail with <see cref="Failure"/>.</summary>
        public Task FailAfter { get; init; } = Task.CompletedTask;

        public string KeyType { get; init; } = "VARCHAR";

        /// <summary>Whether the rows hold after the second until stopped (else they end there).</summary>
        public bool Stalls { get; init; } = true;

        /// <summary>Done once two rows were given.</summary>
        public Task Reading => _reading.Task;

        public List<string> Events => _notes.All;

        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
        {
            _notes.Note(query.Sql.Contains("order by", StringComparison.Ordinal) ? "rows query started, in key order" : "rows query started, in no order");
            return Task.FromResult<IWarehouseResult>(new Rows(this));
        }


        private sealed class Rows(StalledRowsWarehouse warehouse) : IWarehouseResult
        {
            public IReadOnlyList<WarehouseColumn> Columns { get; } =
                [new("id", warehouse.KeyType), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN"), new(ModelQuery.BucketColumn, "BIGINT")];

            public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
            {
                yield return ["ключ 1", "Zoë 東京", true, (long)BucketSums.Of("ключ 1", 6)];
                yield return ["ü 2 🙂", null, true, (long)BucketSums.Of("ü 2 🙂", 6)];
                warehouse._notes.Note("rows read: 2");
                warehouse._reading.TrySetResult();
                if (warehouse.Failure is not null)
                {
                    await warehouse.FailAfter.WaitAsync(Hang, cancellationToken);
                    throw warehouse.Failure;
                }

                if (!warehouse.Stalls)
                {
                    yield break;
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    warehouse._notes.Note("rows stopped");
                    throw new WarehouseException("query 01b2 was cancelled"); // not the comparison's cause
                }
            }

            public ValueTask DisposeAsync()
            {
                warehouse._notes.Note("result closed");
                return ValueTask.CompletedTask;
            }
        }
    }
}
