using System.Diagnostics.Metrics;
using Prometheus;

namespace ReverseEtl.Worker.Hosting.Telemetry;

/// <summary>
/// <c>/metrics</c> in the Prometheus text format: prometheus-net's <see cref="MeterAdapter"/> publishes the
/// <c>ReverseEtl</c>, <c>Polly</c> and <c>System.Net.Http</c> meters into a registry of this instance's own (no default
/// process metrics). Names are the meter's and the instrument's, e.g. <c>reverseetl_reverse_etl_rows_read</c>; counters
/// come out as gauges that only grow (the adapter's choice), reset when the process restarts.
/// </summary>
/// <remarks>
/// Call <see cref="Start"/> once where the endpoint is served (the long-running worker), before the first run; until
/// then nothing listens and nothing is kept. Thread-safe.
/// </remarks>
public sealed class MetricsEndpoint(IMeterFactory? factory = null) : IDisposable
{
    /// <summary>The Prometheus text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // A series not updated for this long is dropped; long, since a sync may run once a day (and the adapter waits on Task.Delay).
    private static readonly TimeSpan Expiry = TimeSpan.FromDays(30);
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Lock _gate = new();
    private IDisposable? _adapter;

    /// <summary>Starts listening to the meters.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _adapter ??= MeterAdapter.StartListening(new MeterAdapterOptions
            {
                Registry = _registry,
                InstrumentFilterPredicate = Published,
                MetricsExpireAfter = Expiry,
            });
        }
    }

    /// <summary>Writes every metric's current value, in <see cref="ContentType"/>.</summary>
    public Task WriteAsync(Stream stream, CancellationToken cancellationToken) => _registry.CollectAndExportAsTextAsync(stream, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            _adapter?.Dispose();
        }
    }

    // Our meter as this host's factory made it (another host in the same process has its own); Polly's and HttpClient's are process-wide.
    private bool Published(Instrument instrument) =>
        WorkerTelemetry.Meters.Contains(instrument.Meter.Name, StringComparer.Ordinal)
        && (instrument.Meter.Scope is null || factory is null || ReferenceEquals(instrument.Meter.Scope, factory));
}
