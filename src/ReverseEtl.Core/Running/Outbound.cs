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
/// its send until its batch is stored, and never in two batches in flight; nor is a vendor record that rows of several keys
/// write (<see cref="IConcurrentSyncWriter.IdentityOf"/>). When a batch fails, the batches in flight
/// are still answered and stored, then the failure ends the run; when a store fails, nothing more is sent and its
/// error ends the run. <see cref="FlushAsync"/> and <see cref="SettleAsync"/> return once everything is stored.
/// </summary>
internal sealed partial class Outbound(SyncRunContext context, ISyncWriter writer, IRecordStateStore records, IRunJournal journal, IDeliveryLog deliveries)
{
    /// <summary>The most batches in flight, whatever a writer says.</summary>
    public const int MaxInFlight = 64;
    private readonly SyncRunContext _context = context;
    private readonly WriteAhead _ahead = new(context, deliveries);
    private readonly StoreQueue _store = new(context, records, journal, deliveries);
    private readonly int _size = Math.Min(context.Runtime.MaxBatchSize(context.Sync), (writer as IConcurrentSyncWriter)?.MaxBatchSize ?? int.MaxValue);
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
    // The vendor records written by more than one key (IConcurrentSyncWriter.IdentityOf), where batches go side by side.
    private readonly Func<SyncRecord, string?>? _identityOf = writer is IConcurrentSyncWriter named ? named.IdentityOf : null;
    private readonly HashSet<string> _identitiesInFlight = new(StringComparer.OrdinalIgnoreCase);
    private List<string> _pendingIdentities = [];
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

        var identity = _parallel > 1 ? _identityOf?.Invoke(record) : null;
        if (_keysInFlight.Contains(change.Key) || (identity is not null && _identitiesInFlight.Contains(identity)))
        {
            await DrainAsync(); // a key's (a vendor record's) sends never overlap: its earlier one is answered and stored first
        }

        _pending.Add((change, _ahead.Mark(change, record)));
        _pendingKeys.Add(change.Key);
        if (identity is not null)
        {
            _pendingIdentities.Add(identity);
        }

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
        _identitiesInFlight.Clear();
        first?.Throw();
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        _store.ThrowIfFailed(); // a store that failed stops the sends
        var (pending, batch, identities) = (_pending, _pending.Select(p => p.Record).ToList(), _pendingIdentities);
        (_pending, _pendingIdentities) = ([], []);
        _pendingKeys.Clear();
        await _ahead.BeforeAsync(batch);
        _inFlight.Enqueue(Launch(pending, batch, identities, cancellationToken));
        _keysInFlight.UnionWith(batch.Select(r => r.Key));
        _identitiesInFlight.UnionWith(identities);

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
                _context.Log.StoreFailedWhileEnding(_context.Sync.Name, ex.Message); // the batch's own failure came first
            }

            failure.Throw();
        }
    }

    private Flight Launch(List<(RowChange Change, SyncRecord Record)> pending, List<SyncRecord> batch, List<string> identities, CancellationToken cancellationToken)
    {
        var parent = Activity.Current;
        var span = RunTelemetry.StartBatch(_context, batch.Count);
        try
        {
            return new Flight(pending, batch, span, WriteAsync(batch, cancellationToken)) { Identities = identities };
        }
        finally
        {
            Activity.Current = parent; // the batch's span is the parent of its own requests only
        }
    }

    private async Task<IReadOnlyList<RecordOutcome>> WriteAsync(List<SyncRecord> batch, CancellationToken cancellationToken) =>
        await writer.WriteAsync(batch, cancellationToken);
}
