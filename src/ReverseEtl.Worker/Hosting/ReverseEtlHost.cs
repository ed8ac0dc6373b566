using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ReverseEtl.Worker.Hosting;

/// <summary>The composition root: the one place the host is built, for every verb (the command line adds the verbs themselves).</summary>
public static class ReverseEtlHost
{
    /// <summary>
    /// A host builder with everything registered. Configuration is the process environment (empty variables count as
    /// unset), then whatever <paramref name="configure"/> adds (a test's in-memory settings, <c>--config</c>); it runs
    /// before registration, since the schedules are configured from it. With <paramref name="schedules"/> false (a verb
    /// that runs no schedule: <c>plan</c>, <c>run --once</c>…), Quartz and the worker's port are not registered, so
    /// the process never loads them.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(Action<IConfigurationBuilder>? configure = null, bool schedules = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        ((IConfigurationBuilder)builder.Configuration).Add(new NonEmptyEnvironmentVariables());
        configure?.Invoke(builder.Configuration);
        builder.AddReverseEtl(schedules);
        return builder;
    }
}
