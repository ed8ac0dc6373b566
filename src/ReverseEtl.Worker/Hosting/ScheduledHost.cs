using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The long-running worker: the host's own run, with Quartz running each enabled sync that has a schedule, health
/// endpoints, and a graceful stop on SIGTERM (no new batch is started; the batch in flight finishes and is recorded,
/// within <c>RETL_SHUTDOWN_SECONDS</c>). The definitions are read once at start-up and must be valid before this runs.
/// </summary>
public sealed partial class ScheduledHost(IHost host, LoadedProject project, ISyncStateStore state, IOptions<WorkerOptions> options, ILogger<ScheduledHost> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await state.InitializeAsync(cancellationToken);
        var scheduled = project.Result.Project!.Syncs.Values.Count(s => s.Enabled && s.Schedule is not null);
        LogStarting(logger, scheduled, options.Value.ToString());
        await host.RunAsync(cancellationToken);
    }

    [LoggerMessage(3000, LogLevel.Information, "Scheduling {Count} sync(s): {Settings}")]
    private static partial void LogStarting(ILogger logger, int count, string settings);
}
