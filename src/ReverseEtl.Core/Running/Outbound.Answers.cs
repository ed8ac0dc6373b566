using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>The answers: each is sorted on the sending side (record log, problems, telemetry) and queued to be stored.</summary>
internal sealed partial class Outbound
{
    // The keys of stored batches leave the flight; past `waiting` batches not yet stored, waits for the oldest.
    private async Task ReleaseStoredAsync(int waiting)
    {
        while (_storing.TryPeek(out var oldest) && (oldest.Stored.IsCompleted || _storing.Count > waiting))
        {
            await oldest.Stored; // a store's error ends the run here
            _storing.Dequeue();
            _keysInFlight.ExceptWith(oldest.Keys);
            _identitiesInFlight.ExceptWith(oldest.Identities);
        }
    }

    private async Task<ExceptionDispatchInfo?> CompleteOldestAsync()
    {
        var flight = _inFlight.Dequeue();
        using var span = flight.Span;
        IReadOnlyList<RecordOutcome> outcomes;
        try
        {
            outcomes = await flight.Outcomes;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            QueueFailed(flight, ex);
            return ExceptionDispatchInfo.Capture(ex);
        }

        if (outcomes.Count != flight.Pending.Count)
        {
            throw new InvalidOperationException($"The {_context.Sync.Destination} destination returned {outcomes.Count} outcomes for {flight.Pending.Count} records.");
        }

        await SortAsync(flight, outcomes);
        return null;
    }

    // The answer is noted here (record log, problems, telemetry, the batches allowed in flight) and stored by the queue.
    private async Task SortAsync(Flight flight, IReadOnlyList<RecordOutcome> outcomes)
    {
        var (updates, failures) = OutboundOutcomes.Sort(_context, flight.Pending, outcomes, () => Deferred++);
        RunTelemetry.BatchWritten(_context, flight.Span, flight.Pending, outcomes);
        await QueueAsync(new AnsweredBatch(updates, failures, _ahead.Known(flight.Batch, outcomes), Keys(flight)) { Identities = flight.Identities });

        // Batches in flight grow as answers come (1, 2, 4, … the writer's count); a record with no answer (a timeout)
        // brings them back to one, so a vendor that stopped answering gets one request at a time, and its circuit opens.
        _allowed = outcomes.Any(o => o.Status == OutcomeStatus.Unknown) ? 1 : Math.Min(_parallel, _allowed * 2);
        await _context.Book.FlushIfFullAsync();
    }

    private async Task QueueAsync(AnsweredBatch answered)
    {
        _store.Add(answered);
        _storing.Enqueue(answered);
        await ReleaseStoredAsync(_waitForStore ? 0 : StoreQueue.Capacity);
    }

    // A failed batch: the records the writer had answers for before it failed (DestinationException.Known) are sorted
    // and stored as any answer; the others failed as the exception says.
    private void QueueFailed(Flight flight, Exception ex)
    {
        var known = ex is DestinationException { Known: { } k } && k.Count == flight.Pending.Count ? k : new RecordOutcome?[flight.Pending.Count];
        var (answered, outcomes, unanswered) = (new List<(RowChange Change, SyncRecord Record)>(), new List<RecordOutcome>(), new List<(RowChange Change, SyncRecord Record)>());
        for (var i = 0; i < known.Count; i++)
        {
            if (known[i] is { } outcome)
            {
                answered.Add(flight.Pending[i]);
                outcomes.Add(outcome);
            }
            else
            {
                unanswered.Add(flight.Pending[i]);
            }
        }

        _context.Book.BatchFailed(unanswered, ex);
        var (updates, failures) = OutboundOutcomes.Sort(_context, answered, outcomes, () => Deferred++);
        RunTelemetry.BatchWritten(_context, flight.Span, answered, outcomes);
        var cleared = _ahead.Known(answered.ConvertAll(p => p.Record), outcomes).Concat(WriteAhead.Unsent(unanswered.ConvertAll(p => p.Record), ex));
        QueueUnsent(new AnsweredBatch(updates, failures, cleared.ToList(), Keys(flight)) { Identities = flight.Identities });
    }

    // A failed batch's sends to clear; the run ends on its failure, and SettleAsync waits for the stores. When a store
    // failed before this answer was seen, the batch's own failure is still the run's error: the store's stays with the
    // batches it failed (in _storing), which SettleAsync reports, and the pending sends stay for the next run to check.
    private void QueueUnsent(AnsweredBatch unsent)
    {
        if (_store.TryAdd(unsent))
        {
            _storing.Enqueue(unsent);
        }
    }

    private static List<string> Keys(Flight flight) => flight.Batch.ConvertAll(r => r.Key);

    private sealed record Flight(List<(RowChange Change, SyncRecord Record)> Pending, List<SyncRecord> Batch, Activity? Span, Task<IReadOnlyList<RecordOutcome>> Outcomes)
    {
        public IReadOnlyList<string> Identities { get; init; } = [];
    }
}
