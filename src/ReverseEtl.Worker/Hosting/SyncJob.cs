using Microsoft.Extensions.Logging;
using Quartz;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Worker.Hosting;

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
