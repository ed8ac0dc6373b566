using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Quartz schedules from the syncs' YAML: one durable job per scheduled sync, never running twice at once, and a cron
/// trigger in the sync's time zone. A missed fire runs once (the default) or is skipped (<c>misfire: skip</c>). With a
/// PostgreSQL state store the schedules are Quartz's clustered ADO.NET job store in the same database, so replicas
/// share them: each fire runs on one replica, and a run whose replica died is recovered by another (jobs request
/// recovery). Across processes, the sync's lock in the state store keeps a second run out (see <c>SyncRunner</c>).
/// </summary>
public static class SyncSchedules
{
    public const string Group = "syncs";
    public const string SyncKey = "sync";

    /// <summary>Quartz configures its store while services are registered, so it takes the settings as they are then.</summary>
    public static IServiceCollection AddSyncSchedules(this IServiceCollection services, WorkerOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var misfire = TimeSpan.FromSeconds(settings.MisfireSeconds);
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(o =>
            {
                o.InstanceId = settings.InstanceName;
                o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            if (settings.StateConnectionString is { } connectionString)
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(connectionString);
                    store.ConfigureStore(o => o.MisfireThreshold = misfire);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                    store.UseClustering(c => (c.CheckinInterval, c.CheckinMisfireThreshold) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
                });
            }
            else
            {
                quartz.UseInMemoryStore(store => store.MisfireThreshold = misfire);
            }
        });
        services.AddTransient<SyncJob>();
        services.AddSingleton(sp => sp.GetRequiredService<LoadedProject>().CreateRuntime());
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
