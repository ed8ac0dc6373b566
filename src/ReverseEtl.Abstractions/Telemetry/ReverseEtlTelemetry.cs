using System.Diagnostics;

namespace ReverseEtl.Abstractions.Telemetry;

/// <summary>
/// The names of the worker's one <see cref="System.Diagnostics.Metrics.Meter"/> and one <see cref="ActivitySource"/>,
/// both <c>ReverseEtl</c>, and of the tags they carry. Tags name syncs, connections, vendors, kinds, statuses and counts:
/// never a row's value, a key, a URL or a credential.
/// </summary>
public static class ReverseEtlTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "ReverseEtl";

    /// <summary>The spans of runs (<c>reverse_etl.run</c>) and batches (<c>reverse_etl.batch</c>).</summary>
    /// <remarks>Static, as the .NET guidance has it: an activity source costs nothing until a listener subscribes.</remarks>
    public static readonly ActivitySource Source = new(Name, typeof(ReverseEtlTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>The span of one run of one sync.</summary>
    public const string RunSpan = "reverse_etl.run";

    /// <summary>The span of one batch written to a destination; the HTTP requests it makes are its children.</summary>
    public const string BatchSpan = "reverse_etl.batch";

    public const string Sync = "reverse_etl.sync";
    public const string Destination = "reverse_etl.destination";
    public const string Kind = "reverse_etl.kind";
    public const string Status = "reverse_etl.run.status";
    public const string RunId = "reverse_etl.run.id";
    public const string Vendor = "reverse_etl.vendor";
    public const string Connection = "reverse_etl.connection";
    public const string Reason = "reverse_etl.retry.reason";
    public const string BatchSize = "reverse_etl.batch.size";

    /// <summary>The standard attribute names used alongside ours.</summary>
    public const string HttpStatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
}
