using System.Diagnostics;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The records waiting for the destination, sent a batch at a time (the destination's batch size for the sync); it
/// stores what was acknowledged and what failed, and counts both.
/// </summary>
internal sealed class Outbound(SyncRunContext context, ISyncWriter writer, IRecordStateStore records, IRunJournal journal, IDeliveryLog deliveries)
{
    private readonly WriteAhead _ahead = new(context, deliveries);
    private readonly int _size = context.Runtime.MaxBatchSize(context.Sync);
    private readonly List<(RowChange Change, SyncRecord Record)> _pending = [];

    public long Sent { get; private set; }

    public long Failed { get; private set; }

    /// <summary>Records not attempted because the run was stopping (they wait for the next run).</summary>
    public long Deferred { get; private set; }

    public async Task AddAsync(RowChange change, SyncRecord record, CancellationToken cancellationToken)
    {
        _pending.Add((change, _ahead.Mark(change, record)));
        if (_pending.Count >= _size)
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

        var batch = _pending.Select(p => p.Record).ToList();
        await _ahead.BeforeAsync(batch);
        using var span = RunTelemetry.StartBatch(context, batch.Count);
        var outcomes = await WriteAsync(batch, span, cancellationToken);
        if (outcomes.Count != _pending.Count)
        {
            throw new InvalidOperationException($"The {context.Sync.Destination} destination returned {outcomes.Count} outcomes for {_pending.Count} records.");
        }

        var (updates, failures) = Sort(outcomes);
        RunTelemetry.BatchWritten(context, span, _pending, outcomes);

        // Acknowledged records are stored even when a shutdown is under way: losing them would send them twice.
        await records.ApplyAsync(context.Sync.Name, updates, CancellationToken.None);
        await journal.RecordFailuresAsync(context.Sync.Name, context.RunId, failures, CancellationToken.None);
        await _ahead.AfterAsync(batch, outcomes);
        (Sent, Failed) = (Sent + updates.Count, Failed + failures.Count);
        _pending.Clear();
        await context.Book.FlushIfFullAsync();
    }

    private async Task<IReadOnlyList<RecordOutcome>> WriteAsync(List<SyncRecord> batch, Activity? span, CancellationToken cancellationToken)
    {
        try
        {
            return await writer.WriteAsync(batch, cancellationToken);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            await _ahead.FailedAsync(batch, ex);
            context.Book.BatchFailed(_pending, ex);
            throw;
        }
    }

    private static string LoggedOutcome(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Sent => "sent",
        OutcomeStatus.Deferred => "deferred",
        OutcomeStatus.Unknown => "unknown",
        _ => "failed",
    };

    // Acknowledged records become state updates; failed ones, failures (logged within the run's budget); deferred ones, nothing.
    private (List<StateUpdate> Updates, List<RecordFailure> Failures) Sort(IReadOnlyList<RecordOutcome> outcomes)
    {
        var (updates, failures) = (new List<StateUpdate>(), new List<RecordFailure>());
        foreach (var ((change, record), outcome) in _pending.Zip(outcomes))
        {
            context.Book.Note(change, record.Action, LoggedOutcome(outcome.Status), outcome.Status == OutcomeStatus.Deferred ? "not attempted: the run was stopping; the next run sends it" : outcome.Message, outcome.DestinationId);
            switch (outcome.Status)
            {
                case OutcomeStatus.Deferred:
                    Deferred++;
                    break;
                case OutcomeStatus.Sent:
                    updates.Add(Decisions.Settled(change, outcome.DestinationId));
                    break;
                default:
                    failures.Add(new RecordFailure(change.Key, outcome.Status != OutcomeStatus.PermanentFailure, outcome.Message ?? "no reason given")
                    {
                        Attempted = Decisions.Settled(change).State,
                        Delete = change.Kind == ChangeKind.Removed,
                    });
                    context.Problems.Report(log => log.RecordFailed(context.Sync.Name, change.Key, outcome.Status.ToString(), outcome.Message ?? string.Empty));
                    break;
            }
        }

        return (updates, failures);
    }
}
