using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>What one run of one sync did.</summary>
public sealed record SyncRunReport(string Sync, RunStatus Status, RunCounts Counts)
{
    /// <summary>The run's id in the run journal; 0 when the run was skipped.</summary>
    public long RunId { get; init; }

    /// <summary>Why the run failed, was stopped or was skipped.</summary>
    public string? Error { get; init; }

    /// <summary>Where the destination wrote the requests it would have sent, when it had no credentials.</summary>
    public string? DryRunOutbox { get; init; }
}

/// <summary>
/// Runs one sync: reads and diffs its model, sends what changed in batches, and advances the state of each record
/// only once the destination acknowledged it. Records that need no send (e.g. a row that stops matching) advance at once.
/// </summary>
public sealed class SyncRunner(ISyncStateStore state, TimeProvider time, ILogger<SyncRunner> logger)
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromSeconds(2);
    private readonly RunLog _log = new(logger);

    /// <summary>
    /// Runs the sync, unless it is already running in another process (another replica, or a <c>run --once</c>): then it
    /// is skipped, since two runs at once would send the same changes twice. With <paramref name="lockWait"/> (a run
    /// taking over from a dead replica, whose lock may outlive it for a few seconds), it waits that long for the lock first.
    /// </summary>
    public async Task<SyncRunReport> RunAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken, TimeSpan lockWait = default)
    {
        ArgumentNullException.ThrowIfNull(sync);
        await using var held = await LockAsync(sync.Name, lockWait, cancellationToken);
        if (held is null)
        {
            _log.AlreadyRunning(sync.Name);
            return new SyncRunReport(sync.Name, RunStatus.Skipped, new RunCounts()) { Error = "already running in another process; this run was skipped" };
        }

        var runId = await state.StartRunAsync(sync.Name, time.GetUtcNow(), cancellationToken);
        return await RunLockedAsync(new SyncRunContext(runtime, sync, state, logger) { RunId = runId }, cancellationToken);
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

    private async Task<SyncRunReport> RunLockedAsync(SyncRunContext context, CancellationToken cancellationToken)
    {
        var (name, runId) = (context.Sync.Name, context.RunId);
        context.Log.RunStarted(name, runId);
        var destination = context.Runtime.Destination(context.Sync.Destination);
        var execution = new SyncExecution(context, destination.CreateWriter(context.Sync.Settings));
        var (status, error) = (RunStatus.Succeeded, (string?)null);
        try
        {
            await execution.ExecuteAsync(cancellationToken);
            status = execution.Counts.Failed > 0 ? RunStatus.PartiallyFailed : RunStatus.Succeeded;
        }
        catch (Exception ex) when (Outcome(context, ex, cancellationToken) is { } ended)
        {
            (status, error) = ended;
        }
        finally
        {
            await state.FinishRunAsync(runId, new RunResult(time.GetUtcNow(), status, execution.Counts, error), CancellationToken.None);
        }

        context.Log.RunFinished(name, runId, status.ToString(), execution.Counts.ToString());
        return new SyncRunReport(name, status, execution.Counts) { RunId = runId, Error = error, DryRunOutbox = destination.DryRunOutboxPath };
    }

    // How an exception ends the run: a stop, a user's error (warehouse, vendor, definition, guard rail), or a defect,
    // whose stack trace goes to the log so that the other syncs still run. Null lets it through.
    private static (RunStatus, string?)? Outcome(SyncRunContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return (RunStatus.Cancelled, "stopped before the end; acknowledged records were kept");
            case OperationCanceledException:
                return null;
            case WarehouseException or DestinationException or SyncDefinitionException or SyncGuardException:
                context.Log.RunFailed(context.Sync.Name, context.RunId, exception.Message);
                return (RunStatus.Failed, exception.Message);
            default:
                context.Log.RunCrashed(context.Sync.Name, context.RunId, exception);
                return (RunStatus.Failed, $"internal error ({exception.GetType().Name}: {exception.Message}); please report it");
        }
    }
}
