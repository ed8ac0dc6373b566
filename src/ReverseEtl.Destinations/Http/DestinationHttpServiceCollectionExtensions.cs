using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly.Telemetry;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Destinations.Http;

public static class DestinationHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the vendor's named <see cref="IHttpClientFactory"/> client: resilience selected per connection (with the
    /// credential's shared pace inside it), then the network or the dry-run outbox. Its request logging is removed: URLs can carry
    /// customer data (an email to look up), which must not reach the logs; Polly's per-attempt events go to Debug.
    /// </summary>
    public static IServiceCollection AddDestinationHttp(this IServiceCollection services, VendorHttpPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SharedRateLimiters>();
        services.TryAddSingleton<DestinationHttp>();
        services.TryAddSingleton(sp => new ReverseEtlMetrics(sp.GetService<IMeterFactory>()));

        // Polly's own event per attempt (timeout, retry) is logged at Debug: it carries a stack trace, and the run's
        // failure already says what happened, naming the connection and host (ClearFailureStrategy, ConnectionCircuit).
        // Its events (a retry, a timeout) also go on the current span.
        services.Configure<TelemetryOptions>(o =>
        {
            o.SeverityProvider = _ => ResilienceEventSeverity.Debug;
            if (!o.TelemetryListeners.Contains(ResilienceSpanEvents.Instance))
            {
                o.TelemetryListeners.Add(ResilienceSpanEvents.Instance);
            }
        });
        var client = services.AddHttpClient(policy.Vendor)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => new OutboxOrNetworkHandler(sp.GetRequiredService<TimeProvider>()));
        client.AddResilienceHandler("retl", (builder, context) => DestinationPipeline.Configure(
                builder,
                context.ServiceProvider.GetRequiredService<DestinationHttp>().Connection(policy.Vendor, context.InstanceName),
                context.ServiceProvider.GetRequiredService<SharedRateLimiters>(),
                context.ServiceProvider.GetRequiredService<TimeProvider>(),
                context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("ReverseEtl.Destinations.Retries"),
                context.ServiceProvider.GetRequiredService<ReverseEtlMetrics>()))
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(HttpConnection.OptionsKey, out var connection) ? connection.PipelineKey : "(none)");
        // Inside the retries: every attempt is measured once.
        client.AddHttpMessageHandler(sp => new AttemptMetricsHandler(sp.GetRequiredService<ReverseEtlMetrics>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TConnector"/> as a keyed service under <paramref name="type"/>, the connection
    /// <c>type</c> in the YAML, and forwards the unkeyed <see cref="IDestinationConnector"/> list to that one instance.
    /// </summary>
    public static IServiceCollection AddDestinationConnector<TConnector>(this IServiceCollection services, string type)
        where TConnector : class, IDestinationConnector => services
        .AddKeyedSingleton<IDestinationConnector, TConnector>(type)
        .AddSingleton(sp => sp.GetRequiredKeyedService<IDestinationConnector>(type));
}
