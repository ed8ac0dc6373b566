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
    private const int ProblemsLogged = 20;

    public async Task<SyncRunReport> RunAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken)
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
        catch (Exception ex) when (ex is WarehouseException or DestinationException or SyncDefinitionException)
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
        var batch = new Outbound(this, sync, writer, runId, counts, runtime.MaxBatchSize(sync));
        var quiet = new List<StateUpdate>();
        var changes = ChangeSource.ReadAsync(runtime, sync, _state, counts, rows => Log.Progress(_logger, sync.Name, rows), cancellationToken);
        await foreach (var item in changes)
        {
            if (item is RowRejected rejected)
            {
                counts.Rejected++;
                LogProblem(counts.Rejected + counts.Failed, () => Log.RowRejected(_logger, sync.Name, rejected.RowNumber, rejected.Reason));
                continue;
            }

            var change = (RowChange)item;
            ChangeSource.Count(change, counts);
            if (ChangeSource.Decide(sync, change) is { } action)
            {
                await batch.AddAsync(change, new SyncRecord(change.Key, action, change.Row!.Payload), cancellationToken);
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
    }

    private static void LogProblem(long seen, Action log)
    {
        if (seen <= ProblemsLogged)
        {
            log();
        }
    }

    /// <summary>The records waiting for the destination, sent a batch at a time.</summary>
    private sealed class Outbound(SyncRunner owner, SyncDefinition sync, ISyncWriter writer, long runId, RunCounts counts, int size)
    {
        private readonly List<(RowChange Change, SyncRecord Record)> _pending = new(size);
        private bool _warned;

        public async Task AddAsync(RowChange change, SyncRecord record, CancellationToken cancellationToken)
        {
            _pending.Add((change, record));
            if (_pending.Count >= size)
            {
                await FlushAsync(cancellationToken);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var outcomes = await writer.WriteAsync(_pending.Select(p => p.Record).ToList(), cancellationToken);
            if (outcomes.Count != _pending.Count)
            {
                throw new InvalidOperationException($"The {sync.Destination} destination returned {outcomes.Count} outcomes for {_pending.Count} records.");
            }

            var updates = new List<StateUpdate>();
            var failures = new List<RecordFailure>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                var (change, outcome) = (_pending[i].Change, outcomes[i]);
                if (outcome.Status == OutcomeStatus.Sent)
                {
                    updates.Add(new StateUpdate(change.Key, new RecordState(change.Row!.Hash, change.IsMatching), outcome.DestinationId));
                    continue;
                }

                failures.Add(new RecordFailure(change.Key, outcome.Status == OutcomeStatus.RetryableFailure, outcome.Message ?? "no reason given"));
                LogProblem(counts.Rejected + counts.Failed + failures.Count, () => Log.RecordFailed(owner._logger, sync.Name, change.Key, outcome.Status.ToString(), outcome.Message ?? string.Empty));
            }

            // Acknowledged records are stored even when a shutdown is under way: losing them would send them twice.
            await owner._state.ApplyAsync(sync.Name, updates, CancellationToken.None);
            await owner._state.RecordFailuresAsync(sync.Name, runId, failures, CancellationToken.None);
            (counts.Sent, counts.Failed) = (counts.Sent + updates.Count, counts.Failed + failures.Count);
            WarnOnce();
            _pending.Clear();
        }

        private void WarnOnce()
        {
            if (!_warned && counts.Rejected + counts.Failed > ProblemsLogged)
            {
                _warned = true;
                Log.MoreProblems(owner._logger, sync.Name);
            }
        }
    }
}
