using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A writer for APIs with a batch call: a batch begun is finished even when the run is stopping (its calls are not
/// cancelled, since the vendor may already have applied them, and its outcomes are recorded); a batch not yet begun
/// when the stop came is deferred to the next run. The host's shutdown timeout bounds how long a stop waits.
/// </summary>
public abstract class WholeBatchWriter : ISyncWriter
{
    /// <summary>The outcome of a record left for the next run by a stop.</summary>
    public static RecordOutcome Deferred { get; } = new(OutcomeStatus.Deferred, Message: "not attempted: the run was stopping; the next run sends it");

    /// <summary>A record of a batch that failed before its turn came (a record before it had no answer): surely not sent.</summary>
    public static RecordOutcome NotAttempted { get; } = new(OutcomeStatus.Deferred, Message: "not attempted: a record before it in its batch failed; the next run sends it");

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
