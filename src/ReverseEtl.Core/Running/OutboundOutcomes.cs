using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>A batch's outcomes sorted for storing: acknowledged records become state updates, failed ones failures, deferred ones nothing.</summary>
internal static class OutboundOutcomes
{
    // Failures are logged within the run's budget; each record gets its entry in the run's record book.
    public static (List<StateUpdate> Updates, List<RecordFailure> Failures) Sort(
        SyncRunContext context, IReadOnlyList<(RowChange Change, SyncRecord Record)> pending, IReadOnlyList<RecordOutcome> outcomes, Action deferred)
    {
        var (updates, failures) = (new List<StateUpdate>(pending.Count), new List<RecordFailure>());
        foreach (var ((change, record), outcome) in pending.Zip(outcomes))
        {
            context.Book.Note(change, record.Action, LoggedOutcome(outcome.Status), outcome.Status == OutcomeStatus.Deferred ? outcome.Message ?? "not attempted: the run was stopping; the next run sends it" : outcome.Message, outcome.DestinationId);
            switch (outcome.Status)
            {
                case OutcomeStatus.Deferred:
                    deferred();
                    break;
                case OutcomeStatus.Sent:
                    updates.Add(Decisions.Settled(change, outcome.DestinationId));
                    break;
                default:
                    failures.Add(Failed(context, change, outcome));
                    break;
            }
        }

        return (updates, failures);
    }

    // Apart from Sort's loop: a lambda there would capture the loop's variables in an object made for every record,
    // sent or not (about 50 MB in a 1M-row first run).
    private static RecordFailure Failed(SyncRunContext context, RowChange change, RecordOutcome outcome)
    {
        context.Problems.Report(log => log.RecordFailed(context.Sync.Name, change.Key, outcome.Status.ToString(), outcome.Message ?? string.Empty));
        return new RecordFailure(change.Key, outcome.Status != OutcomeStatus.PermanentFailure, outcome.Message ?? "no reason given")
        {
            Attempted = Decisions.Settled(change).State,
            Delete = change.Kind == ChangeKind.Removed,
        };
    }

    private static string LoggedOutcome(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Sent => "sent",
        OutcomeStatus.Deferred => "deferred",
        OutcomeStatus.Unknown => "unknown",
        _ => "failed",
    };
}
