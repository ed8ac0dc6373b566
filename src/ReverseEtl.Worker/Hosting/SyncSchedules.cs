using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Quartz schedules from the syncs' YAML: one durable job per scheduled sync, never running twice at once, and a cron
/// trigger in the sync's time zone. A missed fire runs once (the default) or is skipped (<c>misfire: skip</c>). With a
/// PostgreSQL state store the schedules are Quartz's clustered ADO.NET job store in the same database, so replicas
/// share them: each fire runs on one replica, and a run whose replica died is recovered by another (jobs request
/// recovery). Across processes, the sync's lock in the state store keeps a second run out (see <c>SyncRunner</c>).
/// </summary>
internal static class SyncSchedules
{
    public const string Group = "syncs";
    public const string SyncKey = "sync";

    public static IServiceCollection AddSyncSchedules(this IServiceCollection services, ProjectDefinition project, WorkerSettings settings)
    {
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(o =>
            {
                o.InstanceId = settings.InstanceId;
                o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            if (settings.SharedState is { } connectionString)
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(connectionString);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                    store.UseClustering(c => (c.CheckinInterval, c.CheckinMisfireThreshold) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
                });
            }
            else
            {
                quartz.UseInMemoryStore(_ => { });
            }

            foreach (var sync in project.Syncs.Values.Where(s => s.Enabled && s.Schedule is not null))
            {
                Add(quartz, sync, sync.Schedule!);
            }
        });
        return services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    private static void Add(IQuartzBuilder quartz, SyncDefinition sync, ScheduleDefinition schedule)
    {
        var key = new JobKey(sync.Name, Group);
        quartz.AddJob<SyncJob>(job => job.WithIdentity(key).StoreDurably().DisallowConcurrentExecution().RequestRecovery().UsingJobData(SyncKey, sync.Name));
        quartz.AddTrigger(trigger => trigger.ForJob(key).WithIdentity(sync.Name, Group).WithCronSchedule(schedule.Cron, cron =>
        {
            cron.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
            cron.WithMisfireInstruction(schedule.SkipMisfires ? CronTriggerMisfireInstruction.DoNothing : CronTriggerMisfireInstruction.FireAndProceed);
        }));
    }
}

/// <summary>Runs one sync for a Quartz fire. A stop (SIGTERM) cancels the run between batches; the batch in flight finishes.</summary>
internal sealed partial class SyncJob(ProjectRuntime runtime, SyncRunner runner, ILogger<SyncJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(SyncSchedules.SyncKey) ?? context.JobDetail.Key.Name;
        if (!runtime.Project.Syncs.TryGetValue(name, out var sync) || !sync.Enabled || sync.Schedule is null)
        {
            LogGone(logger, name);
            await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken);
            return;
        }

        LogFire(logger, name, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.Scheduler.SchedulerInstanceId, context.Recovering);
        var report = await runner.RunAsync(runtime, sync, cancellationToken);
        LogDone(logger, name, report.Status.ToString(), report.Counts.ToString(), context.NextFireTimeUtc);
    }

    [LoggerMessage(3001, LogLevel.Information, "Sync {Sync}: fire {ScheduledFire:o} on {Instance} (recovering: {Recovering})")]
    private static partial void LogFire(ILogger logger, string sync, DateTimeOffset scheduledFire, string instance, bool recovering);

    [LoggerMessage(3002, LogLevel.Information, "Sync {Sync}: {Status}: {Counts}; next run at {Next:u}")]
    private static partial void LogDone(ILogger logger, string sync, string status, string counts, DateTimeOffset? next);

    [LoggerMessage(3003, LogLevel.Warning, "Sync {Sync} is no longer scheduled in the YAML; its stored schedule was removed")]
    private static partial void LogGone(ILogger logger, string sync);
}
