using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Running;

/// <summary>
/// One run's pipeline, forward only: read and diff the model, decide each change, send what needs sending in batches,
/// store what needs no send, and finally the deletes of a mirror. Each stage counts its own work; <see cref="Counts"/>
/// puts them together, also when the run stopped half-way.
/// </summary>
internal sealed class SyncExecution
{
    private const int QuietBatch = 1_000;
    private readonly SyncRunContext _context;
    private readonly ISyncStateStore _state;
    private readonly IRecordStateStore _records;
    private readonly SnapshotTrail? _trail;
    private readonly ChangeSource _source;
    private readonly ChangeTally _tally = new();
    private readonly Outbound _outbound;
    private readonly MirrorDeletes _deletes;
    private readonly SendGuard _guard;
    private readonly List<StateUpdate> _quiet = [];
    private long _removals;
    private long _planned;
    private volatile bool _reading = true;

    public SyncExecution(SyncRunContext context, ISyncWriter writer, ISyncStateStore state)
    {
        (_context, _state) = (context, state);
        _source = new ChangeSource(context);
        _trail = SnapshotTrail.For(context, state);
        _records = (IRecordStateStore?)_trail ?? state;
        _outbound = new Outbound(context, writer, _records, state, state);
        _deletes = new MirrorDeletes(context, state);
        _guard = new SendGuard(context, _outbound);
    }

    public RunCounts Counts => _tally.Counts(_source) with { Sent = _outbound.Sent, Failed = _outbound.Failed, Withheld = _guard.Withheld + _removals };

    /// <summary>Where the run is, for a display or a progress line; safe to call from another thread.</summary>
    public RunProgress Progress(TimeSpan elapsed) =>
        new(_source.RowsRead, Math.Max(0, Interlocked.Read(ref _planned) - _guard.Withheld), _outbound.Sent, _outbound.Failed, _reading, elapsed);

    /// <summary>Whether every record the run meant to send got an outcome: none failed, none was deferred.</summary>
    public bool AllSent => _outbound.Failed == 0 && _outbound.Deferred == 0;

    /// <summary>What the run held back because it passed a limit (empty when nothing was).</summary>
    public List<HeldPlan> Held { get; } = [];

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo? failure = null;
        try
        {
            await ExecuteStagesAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        try
        {
            await _outbound.SettleAsync(); // batches still in flight (the run ends by an exception) are answered and stored
        }
        catch (Exception ex) when (failure is not null)
        {
            _context.Log.StoreFailedWhileEnding(_context.Sync.Name, ex.Message); // the run's own error came first
        }
        finally
        {
            await (_trail?.SaveAsync() ?? Task.CompletedTask); // the keys the state stored, also when the run stopped half-way
            _trail?.Dispose();
        }

        failure?.Throw();
    }

    private async Task ExecuteStagesAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in _source.ReadAsync(cancellationToken))
        {
            await HandleAsync(item, cancellationToken);
            await _context.Book.FlushIfFullAsync();
        }

        _reading = false;

        Held.AddRange(await _guard.ReleaseAsync(cancellationToken));
        await StoreQuietAsync();
        cancellationToken.ThrowIfCancellationRequested(); // records deferred by a stop are not a success
        if (await _deletes.SendAsync(_outbound, cancellationToken) is { } deletes)
        {
            Held.Add(deletes);
        }

        if (_removals > 0)
        {
            Held.Add(EmptyModel.Held(_context, _removals));
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private Task HandleAsync(DiffEvent item, CancellationToken cancellationToken) => item switch
    {
        RowRejected rejected => RejectAsync(rejected),
        RowRehashed rehashed => QuietAsync(new StateUpdate(rehashed.Key, rehashed.State)),
        ColumnsChanged columns => _state.SaveColumnsAsync(_context.Sync.Name, columns.Columns, cancellationToken),
        RowChange change => RouteAsync(change, cancellationToken),
        _ => throw new UnreachableException($"no handling for {item.GetType().Name}"),
    };

    private Task RejectAsync(RowRejected rejected)
    {
        _tally.Reject();
        _context.Book.Rejected(rejected);
        _context.Problems.Report(log => log.RowRejected(_context.Sync.Name, rejected.RowNumber, rejected.Reason));
        return Task.CompletedTask;
    }

    private Task RouteAsync(RowChange change, CancellationToken cancellationToken)
    {
        _tally.Count(change, _context);
        if (change.Kind == ChangeKind.Added)
        {
            _trail?.Added(change.Key);
        }

        if (change.Kind == ChangeKind.Removed && EmptyModel.Holds(_context, _source))
        {
            _removals++;
            _context.Book.Note(change, null, "held", "the model returned no rows: nothing is removed until `approve`");
            return Task.CompletedTask;
        }

        if (_context.Parks(change))
        {
            _context.Book.Note(change, _context.Decide(change), "parked", "the destination rejected this same payload before; `retry` sends it again", decision: "parked");
            return Task.CompletedTask;
        }

        switch (_context.Decide(change))
        {
            case RecordAction.Delete:
                Interlocked.Increment(ref _planned);
                _deletes.Add(change);
                return Task.CompletedTask;
            case { } action:
                Interlocked.Increment(ref _planned);
                return _guard.AddAsync(change, new SyncRecord(change.Key, action, change.Row!.Payload), cancellationToken);
            default:
                _context.Book.Settled(change);
                return QuietAsync(Decisions.Settled(change));
        }
    }

    // State that needs no send is stored in batches, and stored even while a stop is under way.
    private async Task QuietAsync(StateUpdate update)
    {
        _quiet.Add(update);
        if (_quiet.Count >= QuietBatch)
        {
            await StoreQuietAsync();
        }
    }

    private async Task StoreQuietAsync()
    {
        await _records.ApplyAsync(_context.Sync.Name, _quiet, CancellationToken.None);
        _quiet.Clear();
    }
}
