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

    public static IServiceCollection AddSyncSchedules(this IServiceCollection services, WorkerSettings settings)
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
                    store.ConfigureStore(o => o.MisfireThreshold = settings.MisfireThreshold);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                    store.UseClustering(c => (c.CheckinInterval, c.CheckinMisfireThreshold) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
                });
            }
            else
            {
                quartz.UseInMemoryStore(store => store.MisfireThreshold = settings.MisfireThreshold);
            }
        });
        services.AddTransient<SyncJob>();
        services.AddHostedService<ScheduleReconciler>(); // before Quartz's own: the schedules are in line when it starts
        return services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    public static IJobDetail Job(SyncDefinition sync) => JobBuilder.Create<SyncJob>().WithIdentity(sync.Name, Group)
        .StoreDurably().DisallowConcurrentExecution().RequestRecovery().UsingJobData(SyncKey, sync.Name).Build();

    public static ICronTrigger Trigger(SyncDefinition sync, ScheduleDefinition schedule) => (ICronTrigger)TriggerBuilder.Create()
        .ForJob(sync.Name, Group).WithIdentity(sync.Name, Group).WithCronSchedule(schedule.Cron, cron =>
        {
            cron.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
            cron.WithMisfireInstruction(schedule.SkipMisfires ? CronTriggerMisfireInstruction.DoNothing : CronTriggerMisfireInstruction.FireAndProceed);
        }).Build();
}

/// <summary>Runs one sync for a Quartz fire. A stop (SIGTERM) cancels the run between batches; the batch in flight finishes.</summary>
internal sealed partial class SyncJob(ProjectRuntime runtime, SyncRunner runner, ILogger<SyncJob> logger) : IJob
{
    /// <summary>
    /// How long a run recovered from a dead replica waits for that replica's sync lock: PostgreSQL drops a lost node's
    /// session within about 20 s of silence, and the cluster declares the node dead after about 25 s.
    /// </summary>
    public static readonly TimeSpan RecoveryLockWait = TimeSpan.FromSeconds(60);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(SyncSchedules.SyncKey) ?? context.JobDetail.Key.Name;
        if (!runtime.Project.Syncs.TryGetValue(name, out var sync) || !sync.Enabled || sync.Schedule is null)
        {
            LogNotHere(logger, name); // a replica on older YAML during a rollout: the replica that stored the schedule owns it
            return;
        }

        LogFire(logger, name, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.FireTimeUtc, context.Scheduler.SchedulerInstanceId, context.Recovering);
        var report = await runner.RunAsync(runtime, sync, cancellationToken, context.Recovering ? RecoveryLockWait : TimeSpan.Zero);
        LogDone(logger, name, report.Status.ToString(), report.Counts.ToString(), context.NextFireTimeUtc);
    }

    // Quartz reports a fire that follows a misfire with the missed fire's time, so both times are logged.
    [LoggerMessage(3001, LogLevel.Information, "Sync {Sync}: fire {ScheduledFire:o}, started {Fired:o} on {Instance} (recovering: {Recovering})")]
    private static partial void LogFire(ILogger logger, string sync, DateTimeOffset scheduledFire, DateTimeOffset fired, string instance, bool recovering);

    [LoggerMessage(3002, LogLevel.Information, "Sync {Sync}: {Status}: {Counts}; next run at {Next:u}")]
    private static partial void LogDone(ILogger logger, string sync, string status, string counts, DateTimeOffset? next);

    [LoggerMessage(3003, LogLevel.Warning, "Sync {Sync} is scheduled by another replica's YAML but not by this one's (a rollout under way?); this fire was skipped here")]
    private static partial void LogNotHere(ILogger logger, string sync);
}
