using System.Diagnostics;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Abstractions.Telemetry;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using T = ReverseEtl.Abstractions.Telemetry.ReverseEtlTelemetry;

namespace ReverseEtl.Core.Running;

/// <summary>
/// One run's span (<c>reverse_etl.run</c>) and, when it ends, its metrics: what it read, planned and rejected, its
/// outcome and duration. Tags name the sync, its destination connection, the run's id, status and counts: never a row.
/// </summary>
internal sealed class RunTelemetry : IDisposable
{
    private readonly ReverseEtlMetrics? _metrics;
    private readonly SyncDefinition _sync;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Activity? _span;
    private bool _ended;

    private RunTelemetry(ReverseEtlMetrics? metrics, SyncDefinition sync, TimeProvider time)
    {
        (_metrics, _sync, _time, _started) = (metrics, sync, time, time.GetTimestamp());
        _span = T.Source.StartActivity(T.RunSpan, ActivityKind.Internal, parentContext: default, tags: Names(sync.Name, sync.Destination));
    }

    public static RunTelemetry Start(ReverseEtlMetrics? metrics, SyncDefinition sync, TimeProvider time) => new(metrics, sync, time);

    /// <summary>Records how the run ended, and hands its report on.</summary>
    public SyncRunReport Ended(SyncRunReport report)
    {
        _ended = true;
        _metrics?.RunEnded(_sync.Name, _sync.Destination, report.Status, _time.GetElapsedTime(_started), report.Counts);
        if (_span is { IsAllDataRequested: true } span)
        {
            span.SetTag(T.RunId, report.RunId).SetTag(T.Status, report.Status.ToString())
                .SetTag("reverse_etl.rows.read", report.Counts.RowsRead).SetTag("reverse_etl.records.sent", report.Counts.Sent)
                .SetTag("reverse_etl.records.failed", report.Counts.Failed);
            if (report.Status is RunStatus.Failed or RunStatus.PartiallyFailed)
            {
                span.SetStatus(ActivityStatusCode.Error, report.Status.ToString()); // not the message: it may quote the vendor
            }
        }

        return report;
    }

    /// <summary>The span of one batch, a child of the run's; null when nobody listens.</summary>
    public static Activity? StartBatch(SyncRunContext context, int size) =>
        T.Source.StartActivity(T.BatchSpan, ActivityKind.Internal, parentContext: default, tags: Names(context.Sync.Name, context.Sync.Destination))
            ?.SetTag(T.RunId, context.RunId).SetTag(T.BatchSize, size);

    /// <summary>Counts one batch's outcomes per kind of change, on its span and in the metrics.</summary>
    public static void BatchWritten(SyncRunContext context, Activity? span, IEnumerable<(RowChange Change, SyncRecord Record)> pending, IReadOnlyList<RecordOutcome> outcomes)
    {
        var byKind = pending.Zip(outcomes, (p, o) => (Kind: Kind(p.Change.Kind), o.Status))
            .Where(x => x.Status != OutcomeStatus.Deferred)
            .GroupBy(x => x.Kind, x => x.Status == OutcomeStatus.Sent);
        var (sent, failed) = (0, 0);
        foreach (var kind in byKind)
        {
            var (ok, bad) = (kind.Count(s => s), kind.Count(s => !s));
            context.Metrics?.BatchWritten(context.Sync.Name, context.Sync.Destination, kind.Key, ok, bad);
            (sent, failed) = (sent + ok, failed + bad);
        }

        span?.SetTag("reverse_etl.records.sent", sent).SetTag("reverse_etl.records.failed", failed);
    }

    /// <summary>A plan the run held back, in the metrics.</summary>
    public static void PlanHeld(ReverseEtlMetrics? metrics, SyncDefinition sync, HeldPlan plan) =>
        metrics?.PlanHeld(sync.Name, sync.Destination, plan.Kind);

    /// <summary>A run that ended by an exception it let through (a cancellation that was not its stop).</summary>
    public void Dispose()
    {
        if (!_ended)
        {
            _span?.SetStatus(ActivityStatusCode.Error, "ended by an exception");
        }

        _span?.Dispose();
    }

    private static string Kind(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Changed => "changed",
        _ => "removed",
    };

    private static KeyValuePair<string, object?>[] Names(string sync, string destination) => [new(T.Sync, sync), new(T.Destination, destination)];
}
