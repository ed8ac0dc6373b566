using Microsoft.Extensions.Logging;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>Calls each <see cref="IRunObserver"/> in turn; one that throws is logged and the others still run.</summary>
internal static partial class RunObservers
{
    public static async Task NotifyAsync(IEnumerable<IRunObserver> observers, ProjectRuntime runtime, SyncDefinition sync, SyncRunReport report, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.RunFinishedAsync(runtime, sync, report, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogObserverFailed(logger, sync.Name, report.RunId, observer.GetType().Name, ex);
            }
        }
    }

    [LoggerMessage(3101, LogLevel.Error, "Sync {Sync}: after run {RunId}, {Observer} failed; the run's outcome stands")]
    private static partial void LogObserverFailed(ILogger logger, string sync, long runId, string observer, Exception exception);
}
