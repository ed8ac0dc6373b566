using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;

namespace ReverseEtl.Core.Running;

/// <summary>What one run of one sync did.</summary>
public sealed record SyncRunReport(string Sync, long RunId, RunStatus Status, RunCounts Counts, string? Error, string? DryRunOutbox);

/// <summary>
/// Runs one sync: reads and diffs its model, sends what changed in batches, and advances the state of each record
/// only once the destination acknowledged it. Records that need no send (e.g. a row that stops matching) advance at once.
/// </summary>
public sealed class SyncRunner(ISyncStateStore state, TimeProvider time, ILogger<SyncRunner> logger)
{
    private readonly ISyncStateStore _state = state;
    private readonly ILogger _logger = logger;
    private const int QuietBatch = 1_000;
    private static readonly TimeSpan LockPoll = TimeSpan.FromSeconds(2);
    internal const int ProblemsLogged = 20;

    /// <summary>
    /// Runs the sync, unless it is already running in another process (another replica, or a <c>run --once</c>): then it
    /// is skipped, since two runs at once would send the same changes twice. With <paramref name="lockWait"/> (a run
    /// taking over from a dead replica, whose lock may outlive it for a few seconds), it waits that long for the lock first.
    /// </summary>
    public async Task<SyncRunReport> RunAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken, TimeSpan lockWait = default)
    {
        await using var held = await LockAsync(sync.Name, lockWait, cancellationToken);
        if (held is null)
        {
            Log.AlreadyRunning(_logger, sync.Name);
            return new SyncRunReport(sync.Name, 0, RunStatus.Skipped, new RunCounts(), "already running in another process; this run was skipped", null);
        }

        return await RunLockedAsync(runtime, sync, cancellationToken);
    }

    private async Task<IAsyncDisposable?> LockAsync(string sync, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        var held = await _state.TryLockAsync(sync, cancellationToken);
        if (held is null && wait > TimeSpan.Zero)
        {
            Log.WaitingForLock(_logger, sync, wait.TotalSeconds);
        }

        while (held is null && time.GetUtcNow() < deadline)
        {
            await Task.Delay(LockPoll, time, cancellationToken);
            held = await _state.TryLockAsync(sync, cancellationToken);
        }

        return held;
    }

    private async Task<SyncRunReport> RunLockedAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken)
    {
        var runId = await _state.StartRunAsync(sync.Name, time.GetUtcNow(), cancellationToken);
        Log.RunStarted(_logger, sync.Name, runId);
        var destination = runtime.Destination(sync.Destination);
        var counts = new RunCounts();
        var (status, error) = (RunStatus.Succeeded, (string?)null);
        try
        {
            await ExecuteAsync(runtime, sync, destination.CreateWriter(sync.Settings), runId, counts, cancellationToken);
            status = counts.Failed > 0 ? RunStatus.PartiallyFailed : RunStatus.Succeeded;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, error) = (RunStatus.Cancelled, "stopped before the end; acknowledged records were kept");
        }
        catch (Exception ex) when (ex is WarehouseException or DestinationException or SyncDefinitionException or SyncGuardException)
        {
            (status, error) = (RunStatus.Failed, ex.Message);
            Log.RunFailed(_logger, sync.Name, runId, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect, not a user error: the run is recorded as failed (acknowledged records were kept) and the
            // stack trace goes to the log, so that the other syncs still run.
            (status, error) = (RunStatus.Failed, $"internal error ({ex.GetType().Name}: {ex.Message}); please report it");
            Log.RunCrashed(_logger, sync.Name, runId, ex);
        }
        finally
        {
            await _state.FinishRunAsync(runId, new RunResult(time.GetUtcNow(), status, counts, error), CancellationToken.None);
        }

        Log.RunFinished(_logger, sync.Name, runId, status.ToString(), counts.ToString());
        return new SyncRunReport(sync.Name, runId, status, counts, error, destination.DryRunOutboxPath);
    }

    private async Task ExecuteAsync(ProjectRuntime runtime, SyncDefinition sync, ISyncWriter writer, long runId, RunCounts counts, CancellationToken cancellationToken)
    {
        var batch = new Outbound(_state, _logger, sync, writer, runId, counts, runtime.MaxBatchSize(sync));
        var quiet = new List<StateUpdate>();
        var deletes = new MirrorDeletes(_state, sync);
        var changes = ChangeSource.ReadAsync(runtime, sync, _state, counts, rows => Log.Progress(_logger, sync.Name, rows), planning: false, cancellationToken);
        await foreach (var item in changes)
        {
            if (item is RowRejected rejected)
            {
                counts.Rejected++;
                LogProblem(counts.Rejected + counts.Failed, () => Log.RowRejected(_logger, sync.Name, rejected.RowNumber, rejected.Reason));
                continue;
            }

            if (item is RowRehashed rehashed)
            {
                quiet.Add(new StateUpdate(rehashed.Key, rehashed.State));
                continue;
            }

            var change = (RowChange)item;
            ChangeSource.Count(change, counts);
            var action = ChangeSource.Decide(sync, change);
            if (action is RecordAction.Delete)
            {
                deletes.Add(change);
                continue;
            }

            if (action is not null)
            {
                await batch.AddAsync(change, new SyncRecord(change.Key, action.Value, change.Row!.Payload), cancellationToken);
                continue;
            }

            quiet.Add(ChangeSource.Quiet(change));
            if (quiet.Count >= QuietBatch)
            {
                await _state.ApplyAsync(sync.Name, quiet, CancellationToken.None);
                quiet.Clear();
            }
        }

        await batch.FlushAsync(cancellationToken);
        await _state.ApplyAsync(sync.Name, quiet, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested(); // records deferred by a stop are not a success
        await deletes.SendAsync(batch, counts.Held, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal static void LogProblem(long seen, Action log)
    {
        if (seen <= ProblemsLogged)
        {
            log();
        }
    }
}
