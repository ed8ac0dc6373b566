using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Abstractions.Telemetry;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Runs one sync: reads and diffs its model, sends what changed in batches, and advances the state of each record
/// only once the destination acknowledged it. Records that need no send (e.g. a row that stops matching) advance at once.
/// </summary>
public sealed class SyncRunner(
    ISyncStateStore state, TimeProvider time, ILogger<SyncRunner> logger,
    RecordLogSettings? recordLog = null, IEnumerable<IRunObserver>? observers = null, ReverseEtlMetrics? metrics = null)
{
    private readonly RecordLogUpkeep _records = new(state, time, logger, recordLog ?? new RecordLogSettings());
    private static readonly TimeSpan LockPoll = TimeSpan.FromSeconds(2);

    /// <summary>How often a long run logs where it is (rows read, to send, sent, rate, time left).</summary>
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private static readonly RunLog Quiet = new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    private readonly RunLog _log = new(logger);

    /// <summary>
    /// Runs the sync, unless it is already running in another process (another replica, or a <c>run --once</c>): then it
    /// is skipped, since two runs at once would send the same changes twice. With <paramref name="lockWait"/> (a run
    /// taking over from a dead replica, whose lock may outlive it for a few seconds), it waits that long for the lock first.
    /// A <paramref name="watch"/> shows the run's progress while it goes; every <see cref="ProgressEvery"/> it is logged too.
    /// </summary>
    public async Task<SyncRunReport> RunAsync(
        ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken, TimeSpan lockWait = default, RunWatch? watch = null)
    {
        ArgumentNullException.ThrowIfNull(sync);
        using var telemetry = RunTelemetry.Start(metrics, sync, time);
        return telemetry.Ended(await RunUntracedAsync(runtime, sync, lockWait, watch ?? new RunWatch(), cancellationToken));
    }

    private async Task<SyncRunReport> RunUntracedAsync(ProjectRuntime runtime, SyncDefinition sync, TimeSpan lockWait, RunWatch watch, CancellationToken cancellationToken)
    {
        await using var held = await LockAsync(sync.Name, lockWait, cancellationToken);
        if (held is null)
        {
            Results(watch).AlreadyRunning(sync.Name);
            return new SyncRunReport(sync.Name, RunStatus.Skipped, new RunCounts()) { Error = "already running in another process; this run was skipped" };
        }

        var startedAt = time.GetUtcNow();
        var runId = await state.StartRunAsync(sync.Name, startedAt, cancellationToken);
        var report = await RunLockedAsync(runtime, sync, runId, watch, cancellationToken) with { StartedAt = startedAt };
        await RunObservers.NotifyAsync(observers ?? [], runtime, sync, report, logger, cancellationToken);
        return report;
    }

    private async Task<IAsyncDisposable?> LockAsync(string sync, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        var held = await state.TryLockAsync(sync, cancellationToken);
        if (held is null && wait > TimeSpan.Zero)
        {
            _log.WaitingForLock(sync, wait.TotalSeconds);
        }

        while (held is null && time.GetUtcNow() < deadline)
        {
            await Task.Delay(LockPoll, time, cancellationToken);
            held = await state.TryLockAsync(sync, cancellationToken);
        }

        return held;
    }

    // Whatever happens once the run is open, it is closed with what it did: nothing escapes before FinishRunAsync.
    private async Task<SyncRunReport> RunLockedAsync(ProjectRuntime runtime, SyncDefinition sync, long runId, RunWatch watch, CancellationToken cancellationToken)
    {
        var results = Results(watch);
        results.RunStarted(sync.Name, runId);
        var (execution, outbox, context) = ((SyncExecution?)null, (string?)null, (SyncRunContext?)null);
        var (status, error) = (RunStatus.Failed, (string?)"stopped before the end by an unexpected cancellation");
        try
        {
            var destination = runtime.Destination(sync.Destination);
            outbox = destination.DryRunOutboxPath;
            var saved = await LoadCheckedAsync(runtime, sync, cancellationToken);
            context = new SyncRunContext(runtime, sync, saved, logger) { RunId = runId, Time = time, RecordLog = _records.Log, RecordLogMaxRows = (recordLog ?? new RecordLogSettings()).MaxRows, Metrics = metrics, DryRun = outbox is not null };
            execution = new SyncExecution(context, destination.CreateWriter(sync.Settings), state);
            await using var progress = Watch(sync.Name, execution, watch);
            await execution.ExecuteAsync(cancellationToken);
            (status, error) = await ConcludeAsync(context, execution, results);
        }
        catch (Exception ex) when (Outcome(sync.Name, runId, ex, results, cancellationToken) is { } ended)
        {
            (status, error) = ended;
        }
        finally
        {
            await _records.FlushAsync(context);
            await state.FinishRunAsync(runId, new RunResult(time.GetUtcNow(), status, Counts(execution), error), CancellationToken.None);
        }

        results.RunFinished(sync.Name, runId, status.ToString(), Counts(execution).ToString());
        await _records.PruneAsync(sync.Name);
        return new SyncRunReport(sync.Name, status, Counts(execution)) { RunId = runId, Error = error, DryRunOutbox = outbox };
    }

    // The state loads on the other core while the model runs with no row for the sync's check (LiveCheck): each is a
    // query of its own (counting the keys held; the model's columns). The check writes nothing and asks no vendor
    // until the state has loaded, and the state's error is the run's.
    private async Task<SavedState> LoadCheckedAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken)
    {
        var loading = Task.Run(() => LoadAsync(sync, cancellationToken), cancellationToken);
        var checking = LiveCheck.EnsureAsync(runtime, sync, cancellationToken, before: loading);
        await Task.WhenAll(loading, checking);
        return await loading;
    }

    // What a run starts from: the state, and what earlier runs left open (sends of unknown outcome, approvals). A send
    // whose outcome is unknown and that differs from its key's state may have changed the vendor's record: the state of
    // those keys is marked unknown first, so the diff sends them again even where the row went back to what was stored.
    private async Task<SavedState> LoadAsync(SyncDefinition sync, CancellationToken cancellationToken)
    {
        var pending = await state.LoadPendingAsync(sync.Name, cancellationToken);
        if (pending.Count > 0 && await state.MarkUnsettledAsync(sync.Name, sync.Mode == SyncMode.Mirror, cancellationToken) is { } unsettled
            && unsettled.Marked + unsettled.Added > 0)
        {
            _log.UnsettledSends(sync.Name, pending.Count, unsettled.Marked, unsettled.Added);
        }

        return await SavedState.LoadAsync(state, sync.Name, cancellationToken) with { Pending = pending };
    }

    // A run that read its model to the end and sent everything has used its approvals (one whose records partly failed
    // keeps them for the next run, which may not send more than approved); what it held back waits for approval.
    private async Task<(RunStatus, string?)> ConcludeAsync(SyncRunContext context, SyncExecution execution, RunLog results)
    {
        var sync = context.Sync.Name;
        if (execution.AllSent)
        {
            await state.UseApprovalsAsync(sync, context.RunId, context.Saved.Approvals.Keys.ToList(), CancellationToken.None);
        }

        await state.RecordHeldAsync(sync, context.RunId, execution.Held, CancellationToken.None);
        if (execution.Held.Count == 0)
        {
            return (execution.Counts.Failed > 0 ? RunStatus.PartiallyFailed : RunStatus.Succeeded, null);
        }

        execution.Held.ForEach(h => results.PlanHeld(sync, context.RunId, h.Reason));
        execution.Held.ForEach(h => RunTelemetry.PlanHeld(metrics, context.Sync, h));
        return (RunStatus.Held, string.Join("; ", execution.Held.Select(h => h.Reason)));
    }

    // The run's start, progress and result lines: none when the caller shows them itself (a terminal's live display and
    // results table), so that they are not printed twice; every other line (a rejected row, a failed record, a crash) is.
    private RunLog Results(RunWatch watch) => watch.ShowsResults ? Quiet : _log;

    // Shows the execution through the watch, and logs its progress on a timer while it goes.
    private ITimer Watch(string sync, SyncExecution execution, RunWatch watch)
    {
        var started = time.GetTimestamp();
        watch.Attach(() => execution.Progress(time.GetElapsedTime(started)));
        return time.CreateTimer(_ => Results(watch).Progress(sync, watch.Current.ToString()!), null, ProgressEvery, ProgressEvery);
    }

    private static RunCounts Counts(SyncExecution? execution) => execution?.Counts ?? new RunCounts();

    // How an exception ends the run: a stop, a user's error (warehouse, vendor, definition, guard rail), or a defect,
    // whose stack trace goes to the log so that the other syncs still run. Null lets it through (a cancellation that
    // is not this run's stop), and the run is recorded as failed on its way out.
    private (RunStatus, string?)? Outcome(string sync, long runId, Exception exception, RunLog results, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return (RunStatus.Cancelled, "stopped before the end; acknowledged records were kept");
            case OperationCanceledException:
                return null;
            case WarehouseException or DestinationException or SyncDefinitionException or SyncGuardException:
                results.RunFailed(sync, runId, exception.Message);
                return (RunStatus.Failed, exception.Message);
            default:
                _log.RunCrashed(sync, runId, exception);
                return (RunStatus.Failed, $"internal error ({exception.GetType().Name}: {exception.Message}); please report it");
        }
    }
}
