using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The worker's HTTP port, <c>RETL_HEALTH_PORT</c> (0: none), served by Kestrel with what <see cref="WorkerEndpoints"/>
/// maps. It is a hosted service of the worker's host, so only the scheduled worker (<c>run</c>), which starts that host,
/// opens it: CLI verbs and <c>run --once</c> build the host without starting it and never load ASP.NET Core. It opens
/// with the host and closes after every other hosted service has stopped, so liveness answers while the batch in
/// flight finishes. The endpoints take the worker's own services; the web application holds only Kestrel and routing.
/// </summary>
internal sealed partial class WorkerPort(IServiceProvider services, IOptions<WorkerOptions> options, ILoggerFactory loggers, ILogger<WorkerPort> logger)
    : IHostedLifecycleService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HealthPort == 0)
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(WorkerPort).Assembly.GetName().Name });
        builder.Logging.ClearProviders().AddProvider(new ForwardedLogs(loggers))
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None) // its request lines would hold a ?token=
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // the worker's host says it; 3010 names the port
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>(); // the worker's host handles SIGTERM and stops this last
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenAnyIP(settings.HealthPort);
        });
        builder.Services.AddRoutingCore();
        _app = builder.Build();
        WorkerEndpoints.Map(_app, services, settings);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            throw new WorkerPortException(
                $"Cannot listen on port {settings.HealthPort} (RETL_HEALTH_PORT): another process uses it. Stop that process, or set RETL_HEALTH_PORT to a free port (0: no port, no health, metrics or status page).", ex);
        }

        LogListening(logger, settings.HealthPort);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(3010, LogLevel.Information, "Worker port {Port}: /healthz/live, /healthz/ready and /metrics")]
    private static partial void LogListening(ILogger logger, int port);

    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // Kestrel's and routing's logs go to the worker's loggers (its console format and filters).
    private sealed class ForwardedLogs(ILoggerFactory loggers) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
