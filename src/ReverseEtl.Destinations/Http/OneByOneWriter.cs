using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A writer for APIs without a batch call: each record is sent on its own, in order, and acknowledged with its batch.
/// When the run is stopping, the record in flight is finished (its call is not cancelled, since a message may have been
/// delivered), unless its request still waits for a permit of the pace, and the rest of the batch is deferred to the next run. A record whose template reads a name the row
/// lacks (<see cref="TemplateRenderException"/>) is rejected as a permanent failure; the batch goes on. A record that fails
/// the batch (<see cref="DestinationException"/>) fails it with the answers of the records before it (<see cref="DestinationException.Known"/>)
/// and the records after it, never sent, deferred to the next run.
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
            outcomes.Add(cancellationToken.IsCancellationRequested ? WholeBatchWriter.Deferred : await WriteAfterAsync(record, outcomes, records.Count, cancellationToken));
        }

        return outcomes;
    }

    public abstract JsonNode Preview(SyncRecord record);

    // A record that fails the batch: the answers before it go with the failure (they were delivered), and the records
    // after it, never sent, are deferred to the next run (else a failure that may have been delivered would mark them unsure).
    private async Task<RecordOutcome> WriteAfterAsync(SyncRecord record, List<RecordOutcome> answered, int count, CancellationToken stop)
    {
        try
        {
            return await WriteOrRejectAsync(record, stop);
        }
        catch (DestinationException failure) when (answered.Count > 0 || failure.MayHaveBeenDelivered)
        {
            // The failing record's outcome is the exception's (unknown); those after it were never sent.
            throw DestinationFailures.After(failure, [.. answered, null, .. Enumerable.Repeat(WholeBatchWriter.NotAttempted, count - answered.Count - 1)]);
        }
    }

    // A template that reads a name the row lacks rejects that record, before anything of it is sent.
    // A record whose request still waited for its permit when the run stopped was not sent: it is deferred.
    private async Task<RecordOutcome> WriteOrRejectAsync(SyncRecord record, CancellationToken stop)
    {
        try
        {
            using (StopBeforeSending.While(stop))
            {
                return await WriteOneAsync(record, CancellationToken.None);
            }
        }
        catch (TemplateRenderException ex)
        {
            return RecordOutcome.Permanent(ex.Message);
        }
        catch (Exception ex) when (StopBeforeSending.NotSent(ex))
        {
            return WholeBatchWriter.Deferred;
        }
    }

    /// <summary>Work due before the first record of a batch (e.g. making sure custom attributes exist).</summary>
    protected virtual Task BeforeBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken);
}
