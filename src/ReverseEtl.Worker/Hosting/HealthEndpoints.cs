using Microsoft.Extensions.DependencyInjection;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Liveness and readiness over plain HTTP on <c>RETL_HEALTH_PORT</c>: <c>/healthz/live</c> answers 200 while the process
/// serves requests (also while it finishes a batch at shutdown); <c>/healthz/ready</c> answers 200 when the scheduler
/// runs and the state store answers, 503 otherwise and from the moment a stop begins.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";

    /// <summary>The checks, and the listener on <c>RETL_HEALTH_PORT</c> while the worker runs (none when it is 0).</summary>
    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SchedulerRunning>("scheduler", tags: [Ready])
            .AddCheck<StateStoreAnswers>("state", tags: [Ready]);
        return services.AddHostedService<HealthListener>();
    }
}
