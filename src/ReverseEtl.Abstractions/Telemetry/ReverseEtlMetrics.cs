using System.Diagnostics;
using System.Diagnostics.Metrics;
using ReverseEtl.Abstractions.State;
using T = ReverseEtl.Abstractions.Telemetry.ReverseEtlTelemetry;

namespace ReverseEtl.Abstractions.Telemetry;

/// <summary>
/// The instruments of the <c>ReverseEtl</c> meter, created once per meter factory (one per host): what each run read,
/// planned, sent, failed, rejected and held, how long it took and how it ended; and per vendor and connection, how long
/// each HTTP attempt took, how many were refused with 429 and how many were retried.
/// </summary>
/// <remarks>Thread-safe. A measurement nobody listens to costs a branch.</remarks>
public sealed class ReverseEtlMetrics
{
    private readonly Counter<long> _rowsRead;
    private readonly Counter<long> _rowsRejected;
    private readonly Counter<long> _planned;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _withheld;
    private readonly Counter<long> _plansHeld;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _runDuration;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _retries;

    /// <param name="factory">The host's meter factory; without one (a test, a tool), a meter of this instance's own.</param>
    public ReverseEtlMetrics(IMeterFactory? factory = null)
    {
        var meter = factory?.Create(T.Name) ?? new Meter(T.Name);
        _rowsRead = meter.CreateCounter<long>("reverse_etl.rows.read", "{row}", "Rows the sync's model returned (at the end of each run).");
        _rowsRejected = meter.CreateCounter<long>("reverse_etl.rows.rejected", "{row}", "Rows rejected for a null or duplicated key (at the end of each run).");
        _planned = meter.CreateCounter<long>("reverse_etl.records.planned", "{record}", "Changes the diff found, by kind: added, changed, removed (at the end of each run).");
        _sent = meter.CreateCounter<long>("reverse_etl.records.sent", "{record}", "Records the destination acknowledged, by kind (after each batch).");
        _failed = meter.CreateCounter<long>("reverse_etl.records.failed", "{record}", "Records the destination failed or rejected, by kind (after each batch).");
        _withheld = meter.CreateCounter<long>("reverse_etl.records.withheld", "{record}", "Records held back by the sync's limits (at the end of each run).");
        _plansHeld = meter.CreateCounter<long>("reverse_etl.plans.held", "{plan}", "Plans held by a limit, waiting for approval, by kind.");
        _runs = meter.CreateCounter<long>("reverse_etl.runs", "{run}", "Runs, by outcome: Succeeded, PartiallyFailed, Held, Failed, Cancelled, Skipped.");
        _runDuration = meter.CreateHistogram("reverse_etl.run.duration", "s", "How long each run took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });
        _requestDuration = meter.CreateHistogram("reverse_etl.http.request.duration", "s", "How long each HTTP attempt to a vendor took, by status code.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _throttled = meter.CreateCounter<long>("reverse_etl.http.throttled", "{response}", "HTTP 429 answers, per vendor and connection.");
        _retries = meter.CreateCounter<long>("reverse_etl.http.retries", "{retry}", "Retried HTTP calls, per vendor, connection and reason.");
    }

    /// <summary>What a run read, planned, rejected and held back, and how it ended.</summary>
    public void RunEnded(string sync, string destination, RunStatus status, TimeSpan duration, RunCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var tags = new TagList { { T.Sync, sync }, { T.Destination, destination } };
        _rowsRead.Add(counts.RowsRead, tags);
        _rowsRejected.Add(counts.Rejected, tags);
        _withheld.Add(counts.Withheld, tags);
        _planned.Add(counts.Added, With(tags, T.Kind, "added"));
        _planned.Add(counts.Changed, With(tags, T.Kind, "changed"));
        _planned.Add(counts.Removed, With(tags, T.Kind, "removed"));
        tags.Add(T.Status, status.ToString());
        _runs.Add(1, tags);
        _runDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>The outcomes of one batch's records of one kind.</summary>
    public void BatchWritten(string sync, string destination, string kind, long sent, long failed)
    {
        var tags = new TagList { { T.Sync, sync }, { T.Destination, destination }, { T.Kind, kind } };
        _sent.Add(sent, tags);
        _failed.Add(failed, tags);
    }

    /// <summary>A plan held by a limit (<see cref="HeldPlan.Kind"/>: a kind of change, or an empty model's removals).</summary>
    public void PlanHeld(string sync, string destination, string kind) =>
        _plansHeld.Add(1, new TagList { { T.Sync, sync }, { T.Destination, destination }, { T.Kind, kind } });

    /// <summary>One HTTP attempt: its status code, or (status 0) the type of error when there was no answer.</summary>
    public void HttpAttempt(string vendor, string connection, TimeSpan duration, int? statusCode, string? errorType)
    {
        var tags = new TagList { { T.Vendor, vendor }, { T.Connection, connection } };
        if (statusCode == 429)
        {
            _throttled.Add(1, tags);
        }

        // One set of tags for every point (a Prometheus series has fixed labels): status 0 when no answer came.
        tags.Add(T.HttpStatusCode, statusCode ?? 0);
        tags.Add(T.ErrorType, statusCode is null ? errorType ?? "unknown" : string.Empty);
        _requestDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>A call retried, and why: <c>http_NNN</c>, <c>timeout</c> or the exception's type.</summary>
    public void Retried(string vendor, string connection, string reason) =>
        _retries.Add(1, new TagList { { T.Vendor, vendor }, { T.Connection, connection }, { T.Reason, reason } });

    private static TagList With(TagList tags, string name, string value)
    {
        tags.Add(name, value);
        return tags;
    }
}
