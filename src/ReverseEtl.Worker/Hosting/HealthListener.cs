using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Answers <c>/healthz/live</c> and <c>/healthz/ready</c> over plain HTTP while the worker runs.</summary>
internal sealed partial class HealthListener(IOptions<WorkerOptions> options, HealthCheckService checks, ILogger<HealthListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var port = options.Value.HealthPort;
        if (port == 0)
        {
            return;
        }

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
