using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Ready while the state store answers a ping.</summary>
internal sealed class StateStoreAnswers(ISyncStateStore state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await state.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the state store did not answer: {ex.GetType().Name}", ex);
        }
    }
}
