using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ReverseEtl.Worker.Hosting;

/// <summary>The composition root: the one place the host is built, for every verb (the command line adds the verbs themselves).</summary>
public static class ReverseEtlHost
{
    /// <summary>
    /// A host builder with everything registered. Configuration is the process environment (empty variables count as
    /// unset), then whatever <paramref name="configure"/> adds (a test's in-memory settings, <c>--config</c>); it runs
    /// before registration, since the schedules are configured from it.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        ((IConfigurationBuilder)builder.Configuration).Add(new NonEmptyEnvironmentVariables());
        configure?.Invoke(builder.Configuration);
        builder.AddReverseEtl();
        return builder;
    }
}
