using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Worker.Hosting.Telemetry;

/// <summary>
/// The worker's telemetry: the <c>ReverseEtl</c> meter's instruments, <c>/metrics</c> on the health port, and OTLP export
/// of traces and metrics when the standard <c>OTEL_*</c> variables ask for it. With none set, no OpenTelemetry SDK is
/// registered: no span is created and nothing is exported.
/// </summary>
public static class WorkerTelemetry
{
    /// <summary>The meters exported: ours, Polly's (retries, timeouts, attempts per pipeline) and HttpClient's.</summary>
    public static readonly string[] Meters = [ReverseEtlTelemetry.Name, "Polly", "System.Net.Http"];

    /// <summary>The activity sources traced: ours (runs, batches) and HttpClient's (one span per HTTP request).</summary>
    public static readonly string[] Sources = [ReverseEtlTelemetry.Name, "System.Net.Http"];

    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration, string instance)
    {
        services.TryAddSingleton(sp => new ReverseEtlMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<MetricsEndpoint>();
        var (traces, metrics) = (Exports(configuration, "TRACES"), Exports(configuration, "METRICS"));
        if (!traces && !metrics)
        {
            return services;
        }

        AddExport(services, configuration, instance, traces, metrics);
        return services;
    }

    // A method of its own, so that OpenTelemetry's assemblies are loaded only when something is exported.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddExport(IServiceCollection services, IConfiguration configuration, string instance, bool traces, bool metrics)
    {
        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "reverse-etl", serviceInstanceId: instance));
        if (traces)
        {
            otel.WithTracing(t => Tracing(t).AddOtlpExporter());
        }

        if (metrics)
        {
            otel.WithMetrics(m => Metrics(m).AddOtlpExporter());
        }
    }

    /// <summary>What the worker traces, before any exporter: its sources, with HTTP URLs cut to their host.</summary>
    public static TracerProviderBuilder Tracing(TracerProviderBuilder tracing) =>
        tracing.AddSource(Sources).AddProcessor(new UrlRedaction());

    /// <summary>What the worker measures, before any exporter.</summary>
    public static MeterProviderBuilder Metrics(MeterProviderBuilder metrics) => metrics.AddMeter(Meters);

    /// <summary>
    /// Creates the providers (a verb does not start the host, which would), after the meter, so that the host's disposal
    /// flushes them (the last metrics and spans of a <c>run --once</c>) while the meter still exists.
    /// </summary>
    public static void StartExport(IServiceProvider services)
    {
        services.GetRequiredService<ReverseEtlMetrics>();
        var configuration = services.GetRequiredService<IConfiguration>();
        if (Exports(configuration, "TRACES") || Exports(configuration, "METRICS"))
        {
            StartProviders(services);
        }
    }

    // Apart, as AddExport: without an exporter, OpenTelemetry is neither registered nor loaded.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartProviders(IServiceProvider services)
    {
        services.GetService<MeterProvider>();
        services.GetService<TracerProvider>();
    }

    /// <summary>
    /// Whether a signal (<c>TRACES</c>, <c>METRICS</c>) goes out over OTLP: <c>OTEL_{signal}_EXPORTER</c> names
    /// <c>otlp</c> (<c>none</c> turns it off); unset, when an OTLP endpoint is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// or the signal's own). The OTLP exporter reads the rest (protocol, headers, intervals) from the same variables.
    /// </summary>
    public static bool Exports(IConfiguration configuration, string signal)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"OTEL_{signal}_EXPORTER"] is { } exporters)
        {
            return exporters.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
        }

        return configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not null || configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"] is not null;
    }
}
