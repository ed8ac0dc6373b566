using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>A warehouse answering every query with the same columns and rows; it keeps the SQL it was given.</summary>
internal sealed class MemoryWarehouse(IReadOnlyList<WarehouseColumn> columns, IReadOnlyList<object?[]> rows) : IWarehouse, IWarehouseConnector
{
    public List<string> Queries { get; } = [];

    /// <summary>The rows it answers with; a test may change their cells between runs.</summary>
    public IReadOnlyList<object?[]> Rows => rows;

    public string Type => "duckdb";

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => [];

    public IWarehouse Create(ConnectionSettings connection) => this;

    public Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query.Sql);
        return Task.FromResult<IWarehouseResult>(new ScriptedResult(columns, rows));
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(columns);

}

/// <summary>A destination that keeps every batch it was given and answers each record with <see cref="Answer"/>.</summary>
internal sealed class RecordingDestination(string type, int maxBatch, params SyncMode[] modes) : IDestinationConnector, IDestination, ISyncWriter, IDestinationFieldCheck
{
    private int _fieldChecks;

    /// <summary>How many times the vendor was asked for its fields (it has every field asked for).</summary>
    public int FieldChecks => _fieldChecks;

    public Task<FieldCheckResult> CheckFieldsAsync(SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fieldChecks);
        return Task.FromResult(new FieldCheckResult([]));
    }

    public string Type => type;

    public DestinationCapabilities Capabilities { get; } = new(modes.ToHashSet(), maxBatch);

    public List<IReadOnlyList<SyncRecord>> Batches { get; } = [];

    public Func<SyncRecord, RecordOutcome> Answer { get; set; } = r => RecordOutcome.Sent($"id-{r.Key}");

    /// <summary>Thrown by <see cref="CreateWriter"/> when set (a destination that cannot be used).</summary>
    public Exception? WriterFails { get; set; }

    /// <summary>Called before each batch with its index; throws to fail that batch as a whole.</summary>
    public Action<int> BeforeBatch { get; set; } = _ => { };

    /// <summary>Set to act as a dry run (the runner reads it to skip the write-ahead log of sends).</summary>
    public string? DryRunOutboxPath { get; set; }

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection) => [];

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync) => [];

    public IDestination Create(ConnectionSettings connection) => this;

    public ISyncWriter CreateWriter(SyncSettings sync) => WriterFails is { } failure ? throw failure : this;

    public Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // As every destination does at a stop: a batch not begun is deferred to the next run.
            return Task.FromResult<IReadOnlyList<RecordOutcome>>(records.Select(_ => new RecordOutcome(OutcomeStatus.Deferred)).ToList());
        }

        BeforeBatch(Batches.Count);
        Batches.Add(records);
        return Task.FromResult<IReadOnlyList<RecordOutcome>>(records.Select(Answer).ToList());
    }

    public JsonNode Preview(SyncRecord record) => new JsonObject { ["key"] = record.Key, ["action"] = record.Action.ToString() };
}

/// <summary>A scripted warehouse's answer: the rows given, one at a time (each after a yield, as a driver reading ahead would).</summary>
internal sealed class ScriptedResult(IReadOnlyList<WarehouseColumn> columns, IReadOnlyList<object?[]> rows) : IWarehouseResult
{
    public IReadOnlyList<WarehouseColumn> Columns => columns;

    public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
