using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;

namespace ReverseEtl.Core.Running;

/// <summary>The records waiting for the destination, sent a batch at a time.</summary>
internal sealed class Outbound(ISyncStateStore state, ILogger logger, SyncDefinition sync, ISyncWriter writer, long runId, RunCounts counts, int size)
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
            if (outcome.Status == OutcomeStatus.Deferred)
            {
                continue;
            }

            if (outcome.Status == OutcomeStatus.Sent)
            {
                updates.Add(new StateUpdate(change.Key, change.Row is { } row ? new RecordState(row.Hash, change.IsMatching, row.RowHash) : null, outcome.DestinationId));
                continue;
            }

            failures.Add(new RecordFailure(change.Key, outcome.Status == OutcomeStatus.RetryableFailure, outcome.Message ?? "no reason given"));
            SyncRunner.LogProblem(counts.Rejected + counts.Failed + failures.Count, () => Log.RecordFailed(logger, sync.Name, change.Key, outcome.Status.ToString(), outcome.Message ?? string.Empty));
        }

        // Acknowledged records are stored even when a shutdown is under way: losing them would send them twice.
        await state.ApplyAsync(sync.Name, updates, CancellationToken.None);
        await state.RecordFailuresAsync(sync.Name, runId, failures, CancellationToken.None);
        (counts.Sent, counts.Failed) = (counts.Sent + updates.Count, counts.Failed + failures.Count);
        WarnOnce();
        _pending.Clear();
    }

    private void WarnOnce()
    {
        if (!_warned && counts.Rejected + counts.Failed > SyncRunner.ProblemsLogged)
        {
            _warned = true;
            Log.MoreProblems(logger, sync.Name);
        }
    }
}
