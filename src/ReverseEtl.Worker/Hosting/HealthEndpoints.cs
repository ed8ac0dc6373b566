using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Liveness and readiness over plain HTTP on <c>RETL_HEALTH_PORT</c>: <c>/healthz/live</c> answers 200 while the process
/// serves requests (also while it finishes a batch at shutdown); <c>/healthz/ready</c> answers 200 when the scheduler
/// runs and the state store answers, 503 otherwise and from the moment a stop begins. Open: no token.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";

    /// <summary>The checks behind the endpoints.</summary>
    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SchedulerRunning>("scheduler", tags: [Ready])
            .AddCheck<StateStoreAnswers>("state", tags: [Ready]);
        return services;
    }

    /// <summary>Maps <c>/healthz/live</c>, <c>/healthz/ready</c> (any method, with or without a trailing slash) and a plain 404 for the rest of <c>/healthz/</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints, HealthCheckService checks)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.Map("/healthz/live", context => AnswerAsync(context, checks, _ => false));
        endpoints.Map("/healthz/ready", context => AnswerAsync(context, checks, c => c.Tags.Contains(Ready)));
        endpoints.Map("/healthz/{**rest}", context => WriteAsync(context, StatusCodes.Status404NotFound, "not found"));
        return endpoints;
    }

    private static async Task AnswerAsync(HttpContext context, HealthCheckService checks, Func<HealthCheckRegistration, bool> predicate)
    {
        var report = await checks.CheckHealthAsync(predicate, context.RequestAborted);
        var text = string.Join("\n", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}").Prepend(report.Status.ToString()));
        await WriteAsync(context, report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, text);
    }

    private static Task WriteAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text + "\n", Encoding.UTF8, context.RequestAborted);
    }
}
