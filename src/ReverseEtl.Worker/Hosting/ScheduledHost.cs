using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.State;
using ReverseEtl.Worker.Cli;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The long-running worker: the generic host running each enabled sync that has a schedule on its cron.
/// The definitions are read once at start-up; a change to them needs a restart.
/// </summary>
internal static class ScheduledHost
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

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddWorkerConsole();
        builder.Services.AddReverseEtl(paths, verbs.Cli.Environment);
        builder.Services.AddSingleton(sp => new ProjectRuntime(project, sp.GetRequiredService<ConnectorCatalog>()));
        builder.Services.AddHostedService<CronScheduler>();
        using var host = builder.Build();
        await host.Services.GetRequiredService<ISyncStateStore>().InitializeAsync(cancellationToken);
        await host.RunAsync(cancellationToken);
        return ReverseEtlCommandLine.Ok;
    }
}

/// <summary>One loop per scheduled sync: waits for the next cron fire time (Quartz's CronExpression), then runs the sync. A sync never overlaps itself; a fire missed while it ran is skipped.</summary>
internal sealed partial class CronScheduler(ProjectRuntime runtime, SyncRunner runner, TimeProvider time, ILogger<CronScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(runtime.Project.Syncs.Values.Where(s => s.Enabled && s.Schedule is not null).Select(s => LoopAsync(s, stoppingToken)));

    private async Task LoopAsync(SyncDefinition sync, CancellationToken stoppingToken)
    {
        var cron = new CronExpression(sync.Schedule!.Cron, TimeZoneInfo.FindSystemTimeZoneById(sync.Schedule.TimeZone));
        while (!stoppingToken.IsCancellationRequested && cron.GetNextValidTimeAfter(time.GetUtcNow()) is { } next)
        {
            LogNext(logger, sync.Name, next);
            try
            {
                await Task.Delay(next - time.GetUtcNow(), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await runner.RunAsync(runtime, sync, stoppingToken);
        }
    }

    [LoggerMessage(3000, LogLevel.Information, "Sync {Sync}: next run at {Next:u}")]
    private static partial void LogNext(ILogger logger, string sync, DateTimeOffset next);
}
