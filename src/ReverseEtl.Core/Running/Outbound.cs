using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The records waiting for the destination, sent a batch at a time (the destination's batch size for the sync); it
/// stores what was acknowledged and what failed, and counts both once stored. A writer that takes several batches at
/// once (<see cref="IConcurrentSyncWriter"/>, not in a dry run) gets up to its count in flight: the run's first batch
/// goes alone, then the count doubles with each batch answered, and falls back to one when a record got no answer.
/// Each batch is logged before it goes; its answer is sorted here (record log, problems, telemetry) and handed to a
/// <see cref="StoreQueue"/>, which stores the answered batches in the order they went while the next ones are built
/// and sent (at most <see cref="StoreQueue.Capacity"/> wait: a crash loses the state of those, which are sent again,
/// logged as unsure for a real destination; a writer that takes one batch at a time waits for each store before the
/// next send, but in a dry run). State advances only for acknowledged records. A key is in flight from
/// its send until its batch is stored, and never in two batches in flight. When a batch fails, the batches in flight
/// are still answered and stored, then the failure ends the run; when a store fails, nothing more is sent and its
/// error ends the run. <see cref="FlushAsync"/> and <see cref="SettleAsync"/> return once everything is stored.
/// </summary>
internal sealed class Outbound(SyncRunContext context, ISyncWriter writer, IRecordStateStore records, IRunJournal journal, IDeliveryLog deliveries)
{
    /// <summary>The most batches in flight, whatever a writer says.</summary>
    public const int MaxInFlight = 64;
    private readonly WriteAhead _ahead = new(context, deliveries);
    private readonly StoreQueue _store = new(context, records, journal, deliveries);
    private readonly int _size = context.Runtime.MaxBatchSize(context.Sync);
    // A dry run writes its outbox in the order of the rows: there is no vendor to wait for, and runs stay comparable.
    private readonly int _parallel = writer is IConcurrentSyncWriter concurrent && context.Runtime.Destination(context.Sync.Destination).DryRunOutboxPath is null
        ? Math.Clamp(concurrent.MaxConcurrentBatches, 1, MaxInFlight)
        : 1;
    // A writer that sends one batch at a time to a real destination (a webhook, an API without an idempotent upsert)
    // waits for each batch's store before the next goes, as a crash must not resend more than the batch it was on.
    private readonly bool _waitForStore = writer is not IConcurrentSyncWriter && !context.DryRun;
    private readonly Queue<Flight> _inFlight = new();
    private readonly Queue<AnsweredBatch> _storing = new();
    private readonly HashSet<string> _keysInFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingKeys = new(StringComparer.Ordinal);
    private List<(RowChange Change, SyncRecord Record)> _pending = [];
    private int _allowed = 1;

    /// <summary>Records acknowledged and stored (safe to read from another thread).</summary>
    public long Sent => _store.Sent;

    /// <summary>Records that failed, stored as failures (safe to read from another thread).</summary>
    public long Failed => _store.Failed;

    /// <summary>Records not attempted because the run was stopping (they wait for the next run).</summary>
    public long Deferred { get; private set; }

    public async Task AddAsync(RowChange change, SyncRecord record, CancellationToken cancellationToken)
    {
        if (_pendingKeys.Contains(change.Key))
        {
            await SendPendingAsync(cancellationToken); // a key is in one batch at most
        }

        if (_keysInFlight.Contains(change.Key))
        {
            await DrainAsync(); // a key's sends never overlap: its earlier one is answered and stored first
        }

        _pending.Add((change, _ahead.Mark(change, record)));
        _pendingKeys.Add(change.Key);
        if (_pending.Count >= _size)
        {
            await SendPendingAsync(cancellationToken);
        }
    }

    /// <summary>Sends what is pending and waits until every batch in flight is answered and stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count > 0)
        {
            await SendPendingAsync(cancellationToken);
        }

        await DrainAsync();
    }

    /// <summary>
    /// On a run's way out by an exception: the batches in flight are answered and stored; their own failures are noted,
    /// not thrown; a store that failed is thrown.
    /// </summary>
    public async Task SettleAsync()
    {
        ExceptionDispatchInfo? first = null;
        while (_inFlight.Count > 0)
        {
            try
            {
                await CompleteOldestAsync(); // every flight's answer is awaited, even once a store has failed
            }
            catch (Exception ex)
            {
                first ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        while (_storing.TryDequeue(out var answered))
        {
            try
            {
                await answered.Stored; // every store is over before the run's end (the snapshot's last write)
            }
            catch (Exception ex)
            {
                first ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        _keysInFlight.Clear();
        first?.Throw();
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        _store.ThrowIfFailed(); // a store that failed stops the sends
        var (pending, batch) = (_pending, _pending.Select(p => p.Record).ToList());
        _pending = [];
        _pendingKeys.Clear();
        await _ahead.BeforeAsync(batch);
        _inFlight.Enqueue(Launch(pending, batch, cancellationToken));
        _keysInFlight.UnionWith(batch.Select(r => r.Key));

        while (_inFlight.Count >= _allowed)
        {
            await CompleteOneAsync();
        }
    }

    private async Task DrainAsync()
    {
        while (_inFlight.Count > 0)
        {
            await CompleteOneAsync();
        }

        await ReleaseStoredAsync(0);
    }

    // The keys of stored batches leave the flight; past `waiting` batches not yet stored, waits for the oldest.
    private async Task ReleaseStoredAsync(int waiting)
    {
        while (_storing.TryPeek(out var oldest) && (oldest.Stored.IsCompleted || _storing.Count > waiting))
        {
            await oldest.Stored; // a store's error ends the run here
            _storing.Dequeue();
            _keysInFlight.ExceptWith(oldest.Keys);
        }
    }

    // Stores the oldest batch's answer; a failed batch lets the others in flight finish and be stored, then ends the run.
    private async Task CompleteOneAsync()
    {
        if (await CompleteOldestAsync() is { } failure)
        {
            try
            {
                await SettleAsync();
            }
            catch (Exception ex)
            {
                context.Log.StoreFailedWhileEnding(context.Sync.Name, ex.Message); // the batch's own failure came first
            }

            failure.Throw();
        }
    }

    private Flight Launch(List<(RowChange Change, SyncRecord Record)> pending, List<SyncRecord> batch, CancellationToken cancellationToken)
    {
        var parent = Activity.Current;
        var span = RunTelemetry.StartBatch(context, batch.Count);
        try
        {
            return new Flight(pending, batch, span, WriteAsync(batch, cancellationToken));
        }
        finally
        {
            Activity.Current = parent; // the batch's span is the parent of its own requests only
        }
    }

    private async Task<IReadOnlyList<RecordOutcome>> WriteAsync(List<SyncRecord> batch, CancellationToken cancellationToken) =>
        await writer.WriteAsync(batch, cancellationToken);

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
            context.Book.BatchFailed(flight.Pending, ex);
            await QueueAsync(new AnsweredBatch([], [], WriteAhead.Unsent(flight.Batch, ex), Keys(flight)));
            return ExceptionDispatchInfo.Capture(ex);
        }

        if (outcomes.Count != flight.Pending.Count)
        {
            throw new InvalidOperationException($"The {context.Sync.Destination} destination returned {outcomes.Count} outcomes for {flight.Pending.Count} records.");
        }

        await SortAsync(flight, outcomes);
        return null;
    }

    // The answer is noted here (record log, problems, telemetry, the batches allowed in flight) and stored by the queue.
    private async Task SortAsync(Flight flight, IReadOnlyList<RecordOutcome> outcomes)
    {
        var (updates, failures) = OutboundOutcomes.Sort(context, flight.Pending, outcomes, () => Deferred++);
        RunTelemetry.BatchWritten(context, flight.Span, flight.Pending, outcomes);
        await QueueAsync(new AnsweredBatch(updates, failures, _ahead.Known(flight.Batch, outcomes), Keys(flight)));

        // Batches in flight grow as answers come (1, 2, 4, … the writer's count); a record with no answer (a timeout)
        // brings them back to one, so a vendor that stopped answering gets one request at a time, and its circuit opens.
        _allowed = outcomes.Any(o => o.Status == OutcomeStatus.Unknown) ? 1 : Math.Min(_parallel, _allowed * 2);
        await context.Book.FlushIfFullAsync();
    }

    private async Task QueueAsync(AnsweredBatch answered)
    {
        _store.Add(answered);
        _storing.Enqueue(answered);
        await ReleaseStoredAsync(_waitForStore ? 0 : StoreQueue.Capacity);
    }

    private static List<string> Keys(Flight flight) => flight.Batch.ConvertAll(r => r.Key);

    private sealed record Flight(List<(RowChange Change, SyncRecord Record)> Pending, List<SyncRecord> Batch, Activity? Span, Task<IReadOnlyList<RecordOutcome>> Outcomes);
}
