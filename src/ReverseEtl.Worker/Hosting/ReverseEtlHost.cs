using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReverseEtl.Worker.Cli;

namespace ReverseEtl.Worker.Hosting;

/// <summary>The composition root: the one place the host is built, for every verb.</summary>
public static class ReverseEtlHost
{
    /// <summary>
    /// A host builder with everything registered. Configuration is the process environment (empty variables count as
    /// unset), then whatever <paramref name="configure"/> adds (a test's in-memory settings, <c>--config</c>); it runs
    /// before registration, since the schedules are configured from it.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(CliContext cli, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        ((IConfigurationBuilder)builder.Configuration).Add(new NonEmptyEnvironmentVariables());
        configure?.Invoke(builder.Configuration);
        builder.Services.AddSingleton(cli);
        builder.AddReverseEtl();
        return builder;
    }
}
