using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Ready while the scheduler runs; not ready from the moment a stop begins.</summary>
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
