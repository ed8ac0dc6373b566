using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReverseEtl.Worker.Hosting.Telemetry;
using ReverseEtl.Worker.StatusPage;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Everything the worker's port serves, in one place.</summary>
internal static class WorkerEndpoints
{
    /// <summary>Registers the port and what its endpoints need (health checks, the status page's services).</summary>
    public static IServiceCollection AddWorkerPort(this IServiceCollection services) =>
        services.AddHealthEndpoints().AddStatusPage().AddHostedService<WorkerPort>();

    /// <param name="app">The port's web application.</param>
    /// <param name="services">The worker's services, which the endpoints use.</param>
    /// <param name="settings">The worker's validated settings.</param>
    public static void Map(WebApplication app, IServiceProvider services, WorkerOptions settings)
    {
        // Open: probes and scrapers carry no token.
        app.MapHealthEndpoints(services.GetRequiredService<HealthCheckService>());

        // Open as well: /metrics (Prometheus text), listening to the meters from the start so the first run counts.
        var metrics = services.GetRequiredService<MetricsEndpoint>();
        metrics.Start();
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = MetricsEndpoint.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted);
        });

        // Behind RETL_UI_TOKEN, and only when it is set.
        if (settings.UiToken is { } token)
        {
            app.MapStatusPage(services, token);
        }
    }
}
