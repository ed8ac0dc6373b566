using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.State;
using ReverseEtl.Worker.Cli;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The long-running worker: the generic host with Quartz running each enabled sync that has a schedule, health
/// endpoints, and a graceful stop on SIGTERM (no new batch is started; the batch in flight finishes and is recorded,
/// within <c>RETL_SHUTDOWN_SECONDS</c>). The definitions are read once at start-up: a change to the YAML needs a restart,
/// and a restart with broken YAML exits with code 2 before anything is scheduled.
/// </summary>
internal static partial class ScheduledHost
{
    public static async Task<int> RunAsync(Verbs verbs, RuntimePaths paths, CancellationToken cancellationToken)
    {
        DefinitionLoadResult loaded;
        await using (var probe = Verbs.Services(paths, verbs.Cli.Environment))
        {
            loaded = verbs.Load(probe, paths);
        }

        if (loaded.Project is not { } project)
        {
            return ReverseEtlCommandLine.InvalidDefinitions;
        }

        var settings = WorkerSettings.From(verbs.Cli.Variable);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddWorkerConsole(verbs.Cli.Variable);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddReverseEtl(paths, verbs.Cli.Environment);
        builder.Services.AddSingleton(sp => new ProjectRuntime(project, sp.GetRequiredService<ConnectorCatalog>()));
        builder.Services.AddSyncSchedules(settings);
        builder.Services.AddHealthEndpoints(settings);
        using var host = builder.Build();
        await host.Services.GetRequiredService<ISyncStateStore>().InitializeAsync(cancellationToken);
        LogStarting(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ScheduledHost)), project.Syncs.Values.Count(s => s.Enabled && s.Schedule is not null), settings.ToString());
        await host.RunAsync(cancellationToken);
        return ReverseEtlCommandLine.Ok;
    }

    [LoggerMessage(3000, LogLevel.Information, "Scheduling {Count} sync(s): {Settings}")]
    private static partial void LogStarting(ILogger logger, int count, string settings);
}
