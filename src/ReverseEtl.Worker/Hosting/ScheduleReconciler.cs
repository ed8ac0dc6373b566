using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// Brings the stored schedules in line with the YAML before the scheduler starts: a sync whose schedule is unchanged
/// keeps its stored trigger (so a fire missed while no worker was up is still known, and handled by its misfire
/// policy), a new or changed one is (re)scheduled, and a sync no longer scheduled is removed.
/// </summary>
internal sealed partial class ScheduleReconciler(ISchedulerFactory factory, LoadedProject project, ILogger<ScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var wanted = project.Result.Project!.Syncs.Values.Where(s => s.Enabled && s.Schedule is not null).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SyncSchedules.Group), cancellationToken))
        {
            if (!wanted.ContainsKey(key.Name))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                LogRemoved(logger, key.Name);
            }
        }

        foreach (var sync in wanted.Values)
        {
            await scheduler.AddJob(SyncSchedules.Job(sync), AddJobOptions.Replacing, cancellationToken);
            var trigger = SyncSchedules.Trigger(sync, sync.Schedule!);
            var stored = await scheduler.GetTrigger(trigger.Key, cancellationToken);
            if (stored is null)
            {
                // Replacing: a replica starting at the same moment may have stored the same trigger since GetTrigger.
                await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
            }
            else if (!SameSchedule(stored, trigger))
            {
                await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken);
                LogChanged(logger, sync.Name, sync.Schedule!.Cron, sync.Schedule.TimeZone);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool SameSchedule(ITrigger stored, ICronTrigger wanted) =>
        stored is ICronTrigger cron && cron.CronExpressionString == wanted.CronExpressionString
        && cron.TimeZone.Id == wanted.TimeZone.Id && cron.MisfireInstruction == wanted.MisfireInstruction;

    [LoggerMessage(3004, LogLevel.Information, "Sync {Sync} is no longer scheduled in the YAML; its stored schedule was removed")]
    private static partial void LogRemoved(ILogger logger, string sync);

    [LoggerMessage(3005, LogLevel.Information, "Sync {Sync}: schedule changed to '{Cron}' ({TimeZone})")]
    private static partial void LogChanged(ILogger logger, string sync, string cron, string timeZone);
}
