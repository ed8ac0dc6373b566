using System.Diagnostics.Metrics;
using Prometheus;

namespace ReverseEtl.Worker.Hosting.Telemetry;

/// <summary>
/// <c>/metrics</c> in the Prometheus text format: prometheus-net's meter adapter publishes the <c>ReverseEtl</c>,
/// <c>Polly</c> and <c>System.Net.Http</c> meters, and nothing else (its default process and event-counter metrics are
/// off). Names are the meter's and the instrument's, e.g. <c>reverseetl_reverse_etl_rows_read</c>; counters come out as
/// gauges that only grow (the adapter's choice), reset when the process restarts or when a series has not changed for a
/// day (the adapter's longest expiry).
/// </summary>
/// <remarks>
/// Call <see cref="Start"/> where the endpoint is served (the long-running worker), before the first run; until then
/// nothing listens and nothing is kept. The adapter is prometheus-net's default registry's, one per process (its own
/// registries do not receive meter data in 8.2.1). Thread-safe.
/// </remarks>
public sealed class MetricsEndpoint(IMeterFactory? factory = null)
{
    /// <summary>The Prometheus text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly Lock Gate = new();
    private static Func<Instrument, bool>? _published;

    /// <summary>Starts listening to the meters (the adapter starts with the registry's first collection).</summary>
    public void Start()
    {
        lock (Gate)
        {
            if (_published is not null)
            {
                return;
            }

            _published = Published;
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressProcessMetrics = true,
                SuppressDebugMetrics = true,
                SuppressEventCounters = true,
                SuppressMeters = false,
            });
            Metrics.ConfigureMeterAdapter(o => (o.InstrumentFilterPredicate, o.MetricsExpireAfter) = (_published, TimeSpan.FromDays(1)));
        }

        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult();
    }

    /// <summary>Writes every metric's current value, in <see cref="ContentType"/> (starting to listen, if not yet).</summary>
    public Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        Start();
        return Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream, cancellationToken);
    }

    // Our meter as this host's factory made it (another host in the same process has its own); Polly's and HttpClient's are process-wide.
    private bool Published(Instrument instrument) =>
        WorkerTelemetry.Meters.Contains(instrument.Meter.Name, StringComparer.Ordinal)
        && (instrument.Meter.Scope is null || factory is null || ReferenceEquals(instrument.Meter.Scope, factory));
}
