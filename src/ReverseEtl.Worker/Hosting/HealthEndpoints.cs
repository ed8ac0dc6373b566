using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using ReverseEtl.Core.State;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Liveness and readiness over plain HTTP on <c>RETL_HEALTH_PORT</c>: <c>/healthz/live</c> answers 200 while the process
/// serves requests (also while it finishes a batch at shutdown); <c>/healthz/ready</c> answers 200 when the scheduler
/// runs and the state store answers, 503 otherwise and from the moment a stop begins.
/// </summary>
internal static class HealthEndpoints
{
    public const string Ready = "ready";

    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services, WorkerSettings settings)
    {
        services.AddHealthChecks()
            .AddCheck<SchedulerRunning>("scheduler", tags: [Ready])
            .AddCheck<StateStoreAnswers>("state", tags: [Ready]);
        return settings.HealthPort == 0 ? services : services.AddHostedService(sp => ActivatorUtilities.CreateInstance<HealthListener>(sp, settings.HealthPort));
    }
}

internal sealed class SchedulerRunning(ISchedulerFactory schedulers, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("stopping")
            : await scheduler.GetStatus(cancellationToken) == SchedulerStatus.Running ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the scheduler is not running");
    }
}

internal sealed class StateStoreAnswers(ISyncStateStore state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await state.GetStatusAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the state store did not answer: {ex.GetType().Name}", ex);
        }
    }
}

internal sealed partial class HealthListener(int port, HealthCheckService checks, ILogger<HealthListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://+:{port}/healthz/");
        listener.Start();
        LogListening(logger, port);
        await using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext request;
            try
            {
                request = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException && stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await AnswerAsync(request, stoppingToken);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                LogAnswerFailed(logger, ex.Message); // a probe that hung up must not stop the worker
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var path = context.Request.Url?.AbsolutePath.TrimEnd('/');
        var report = path switch
        {
            "/healthz/live" => await checks.CheckHealthAsync(_ => false, cancellationToken),
            "/healthz/ready" => await checks.CheckHealthAsync(c => c.Tags.Contains(HealthEndpoints.Ready), cancellationToken),
            _ => null,
        };
        context.Response.StatusCode = report is null ? 404 : report.Status == HealthStatus.Healthy ? 200 : 503;
        var text = report is null ? "not found" : string.Join("\n", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}").Prepend(report.Status.ToString()));
        var body = Encoding.UTF8.GetBytes(text + "\n");
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.OutputStream.WriteAsync(body, cancellationToken);
        context.Response.Close();
    }

    [LoggerMessage(3011, LogLevel.Debug, "A health probe went away before its answer: {Reason}")]
    private static partial void LogAnswerFailed(ILogger logger, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Health endpoints on port {Port}: /healthz/live and /healthz/ready")]
    private static partial void LogListening(ILogger logger, int port);
}
