using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Abstractions.Telemetry;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Everything one run (or plan) of one sync works with: the project's connections, the sync and its model, the state
/// it starts from (a snapshot: the store itself stays with the stages that write), the run's id (0 for a plan), its log
/// and its budget of logged problems. Made once per run, passed down.
/// </summary>
public sealed class SyncRunContext
{
    public SyncRunContext(ProjectRuntime runtime, SyncDefinition sync, SavedState saved, ILogger logger)
    {
        (Runtime, Sync, Saved) = (runtime, sync, saved);
        Model = runtime.Project.Models[sync.Model];
        Log = new RunLog(logger);
        Problems = new ProblemBudget(Log, sync.Name);
    }

    public ProjectRuntime Runtime { get; }

    public SyncDefinition Sync { get; }

    public ModelDefinition Model { get; }

    /// <summary>The sync's state when the run began; the diff consumes its records.</summary>
    public SavedState Saved { get; }

    public RunLog Log { get; }

    /// <summary>The clock the run reads (the time of each attempt).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The run's id in the run journal; 0 for a plan, which records nothing.</summary>
    public long RunId { get; init; }

    /// <summary>Where the run's per-record log goes; null when nothing is logged (a plan, or <c>RETL_RECORD_LOG_DAYS=0</c>).</summary>
    public IRecordLog? RecordLog { get; init; }

    /// <summary>The run's entries of the per-record log, written a batch at a time.</summary>
    internal RecordBook Book => _book ??= new RecordBook(this, RecordLog) { MaxEntries = RecordLogMaxRows };

    /// <summary>The most entries the log keeps per sync (<c>RETL_RECORD_LOG_MAX_ROWS</c>): a run writes no more than that.</summary>
    public long RecordLogMaxRows { get; init; } = long.MaxValue;

    private RecordBook? _book;

    /// <summary>Where the run's batches are counted (none for a plan).</summary>
    public ReverseEtlMetrics? Metrics { get; init; }

    /// <summary>The first problems (rejected rows, failed records) are logged one by one; after that, once that there are more.</summary>
    public ProblemBudget Problems { get; }

    /// <summary>A trigger sync's first run with <c>initial: skip</c>: what matches is recorded, nothing is sent.</summary>
    public bool Baseline => Saved.FirstRun && Sync.Mode == SyncMode.Trigger && !Sync.Trigger.SendInitial;

    /// <summary>What the change asks of the destination in this run: <see cref="Decisions.Decide"/>, unless this run only records a baseline.</summary>
    public RecordAction? Decide(RowChange change) => Baseline ? null : Decisions.Decide(Sync, change);

    /// <summary>
    /// The change asks for a send the destination rejected before, this very payload of the key: it is neither sent nor
    /// stored, until the row changes or <c>retry</c>.
    /// </summary>
    public bool Parks(RowChange change) =>
        Saved.Parked.TryGetValue(change.Key, out var hash) && hash == (change.Row?.Hash ?? 0) && Decide(change) is not null;

    /// <summary>
    /// Streams the sync's stored state (<see cref="IRecordStateStore.ReadRecordsAsync"/>), for a diff that must not hold
    /// it whole; null: <see cref="SavedState.Records"/> is the state to stream.
    /// </summary>
    public Func<CancellationToken, IAsyncEnumerable<StoredRecord>>? StoredRecords { get; init; }

    /// <summary>The warehouse that holds the sync's model.</summary>
    public IWarehouse Warehouse => Runtime.Warehouse(Model.Connection);

    /// <summary>Names the sync's queries in the warehouse's own query history.</summary>
    public string QueryTag => $"reverse-etl:{Sync.Name}";
}
