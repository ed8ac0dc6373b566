using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Alerts;

/// <summary>A tracked state that changed with a run, and the condition to post about it (null: the change is only stored).</summary>
/// <param name="State">The state stored: <c>failed</c>, <c>held</c> or <c>rejected</c>.</param>
/// <param name="Active">Whether it holds after this run.</param>
/// <param name="Notify">What to post: <c>failed</c> on a failure, <c>recovered</c> when the failure ends, <c>held</c> and <c>rejected</c> when they begin.</param>
public sealed record AlertChange(string State, bool Active, AlertCondition? Notify);

/// <summary>
/// Which alert states a run changes. A failed run says the sync is failing and nothing about held plans or rejections;
/// a run that read its model to the end (succeeded, partially failed, held) ends a failure and says whether it held a
/// plan and whether it rejected more than the share allowed. A stopped run says nothing.
/// </summary>
public static class AlertRules
{
    public const string Failing = "failed";
    public const string Holding = "held";
    public const string Rejecting = "rejected";

    public static IReadOnlyList<AlertChange> Changes(AlertDefinition alert, SyncDefinition sync, SyncRunReport report, Func<string, bool> wasActive)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(wasActive);
        var completed = report.Status is RunStatus.Succeeded or RunStatus.PartiallyFailed or RunStatus.Held;
        if (!completed && report.Status != RunStatus.Failed)
        {
            return [];
        }

        var changes = new List<AlertChange>();
        if (alert.On.Contains(AlertCondition.Failed) || alert.On.Contains(AlertCondition.Recovered))
        {
            Track(changes, alert, Failing, report.Status == RunStatus.Failed, wasActive, AlertCondition.Failed, AlertCondition.Recovered);
        }

        if (completed && alert.On.Contains(AlertCondition.Held))
        {
            Track(changes, alert, Holding, report.Status == RunStatus.Held, wasActive, AlertCondition.Held, null);
        }

        if (completed && alert.On.Contains(AlertCondition.Rejected))
        {
            var over = RejectedShare(report.Counts) > (sync.Alerts.RejectedShare ?? alert.RejectedShare);
            Track(changes, alert, Rejecting, over, wasActive, AlertCondition.Rejected, null);
        }

        return changes;
    }

    /// <summary>
    /// The share of a run's records rejected, in percent: the larger of the rows rejected (a null or duplicated key) of
    /// the rows read, and the records the destination refused of those it was sent.
    /// </summary>
    public static double RejectedShare(RunCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var rows = counts.RowsRead > 0 ? 100.0 * counts.Rejected / counts.RowsRead : 0;
        var attempted = counts.Sent + counts.Failed;
        var refused = attempted > 0 ? 100.0 * counts.Failed / attempted : 0;
        return Math.Max(rows, refused);
    }

    private static void Track(List<AlertChange> changes, AlertDefinition alert, string state, bool now, Func<string, bool> wasActive, AlertCondition begins, AlertCondition? ends)
    {
        if (now == wasActive(state))
        {
            return;
        }

        var notify = now ? begins : ends;
        changes.Add(new AlertChange(state, now, notify is { } condition && alert.On.Contains(condition) ? condition : null));
    }
}
