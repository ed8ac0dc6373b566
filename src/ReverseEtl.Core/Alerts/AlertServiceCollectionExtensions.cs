using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Registers the alerts as a run observer, their state in the state store; an <see cref="ReverseEtl.Abstractions.IAlertSender"/>
    /// must be registered too (<c>AddSlackAlerts()</c>).
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAlertStates>(sp => sp.GetRequiredService<ISyncStateStore>());
        return services.AddSingleton<IRunObserver, AlertObserver>();
    }
}
