using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReverseEtl.Worker.Hosting.Telemetry;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Answers <c>/healthz/live</c>, <c>/healthz/ready</c> and <c>/metrics</c> over plain HTTP while the worker runs.</summary>
internal sealed partial class HealthListener(IOptions<WorkerOptions> options, HealthCheckService checks, MetricsEndpoint metrics, ILogger<HealthListener> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HealthPort != 0)
        {
            metrics.Start();
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var port = options.Value.HealthPort;
        if (port == 0)
        {
            return;
        }

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://+:{port}/healthz/");
        listener.Prefixes.Add($"http://+:{port}/metrics/");
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
        if (path == "/metrics")
        {
            context.Response.ContentType = MetricsEndpoint.ContentType;
            await metrics.WriteAsync(context.Response.OutputStream, cancellationToken);
            context.Response.Close();
            return;
        }

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

    [LoggerMessage(3010, LogLevel.Information, "Health endpoints on port {Port}: /healthz/live, /healthz/ready and /metrics")]
    private static partial void LogListening(ILogger logger, int port);
}
