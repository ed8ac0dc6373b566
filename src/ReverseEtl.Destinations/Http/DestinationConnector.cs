using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>What every destination connector does alike: collect a section's problems, and require the sync's section.</summary>
public abstract class DestinationConnector : IDestinationConnector
{
    public abstract string Type { get; }

    public abstract DestinationCapabilities Capabilities { get; }

    /// <summary>What the sync's section must name, for the message when it is missing, e.g. "with the message".</summary>
    protected abstract string SectionHint { get; }

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        CheckConnection(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, $"the sync needs a '{Type}' section {SectionHint}")];
        }

        var problems = new List<ConfigProblem>();
        CheckSync(sync, problems);
        return problems;
    }

    public abstract IDestination Create(ConnectionSettings connection);

    /// <summary>The error for a writer asked of a sync whose section is invalid (validation normally stops that first).</summary>
    public static DestinationException Invalid(SyncSettings sync, IEnumerable<ConfigProblem> problems) =>
        new($"sync '{sync?.Name}': {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");

    protected abstract void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems);

    protected abstract void CheckSync(SyncSettings sync, List<ConfigProblem> problems);
}

/// <summary>
/// A writer for APIs without a batch call: each record is sent on its own, in order, and acknowledged with its batch.
/// When the run is stopping, the record in flight is finished (its call is not cancelled, since a message may have been
/// delivered) and the rest of the batch is deferred to the next run.
/// </summary>
public abstract class OneByOneWriter : ISyncWriter
{
    public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await BeforeBatchAsync(records, cancellationToken);
        var outcomes = new List<RecordOutcome>(records.Count);
        foreach (var record in records)
        {
            outcomes.Add(cancellationToken.IsCancellationRequested ? WholeBatchWriter.Deferred : await WriteOneAsync(record, CancellationToken.None));
        }

        return outcomes;
    }

    public abstract JsonNode Preview(SyncRecord record);

    /// <summary>Work due before the first record of a batch (e.g. making sure custom attributes exist).</summary>
    protected virtual Task BeforeBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// A writer for APIs with a batch call: a batch begun is finished even when the run is stopping (its calls are not
/// cancelled, since the vendor may already have applied them, and its outcomes are recorded); a batch not yet begun
/// when the stop came is deferred to the next run. The host's shutdown timeout bounds how long a stop waits.
/// </summary>
public abstract class WholeBatchWriter : ISyncWriter
{
    /// <summary>The outcome of a record left for the next run by a stop.</summary>
    public static RecordOutcome Deferred { get; } = new(OutcomeStatus.Deferred, Message: "not sent: the run was stopped");

    public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return cancellationToken.IsCancellationRequested
            ? records.Select(_ => Deferred).ToList()
            : await WriteBatchAsync(records, CancellationToken.None);
    }

    public abstract JsonNode Preview(SyncRecord record);

    /// <summary>Sends the batch; <paramref name="cancellationToken"/> is never cancelled by a stop, so the batch completes.</summary>
    protected abstract Task<IReadOnlyList<RecordOutcome>> WriteBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken);
}
