using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The run pipeline's log lines (event ids 1000–1099), written through the logger it was made with.</summary>
public sealed partial class RunLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(1000, LogLevel.Information, "Sync {Sync}: run {RunId} started")]
    public partial void RunStarted(string sync, long runId);

    [LoggerMessage(1001, LogLevel.Information, "Sync {Sync}: run {RunId} {Status}: {Counts}")]
    public partial void RunFinished(string sync, long runId, string status, string counts);

    [LoggerMessage(1002, LogLevel.Error, "Sync {Sync}: run {RunId} failed: {Error}")]
    public partial void RunFailed(string sync, long runId, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Sync {Sync}: row {RowNumber} rejected: {Reason}")]
    public partial void RowRejected(string sync, long rowNumber, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Sync {Sync}: record {Key} failed ({Kind}): {Message}")]
    public partial void RecordFailed(string sync, string key, string kind, string message);

    [LoggerMessage(1005, LogLevel.Information, "Sync {Sync}: {Progress}")]
    public partial void Progress(string sync, string progress);

    [LoggerMessage(1006, LogLevel.Warning, "Sync {Sync}: more rejected rows or failed records than shown; `failures --sync` with the sync's name lists the failing records")]
    public partial void MoreProblems(string sync);

    [LoggerMessage(1007, LogLevel.Critical, "Sync {Sync}: run {RunId} stopped by an internal error")]
    public partial void RunCrashed(string sync, long runId, Exception exception);

    [LoggerMessage(1008, LogLevel.Warning, "Sync {Sync} is already running in another process (another replica or a run --once); this run was skipped")]
    public partial void AlreadyRunning(string sync);

    [LoggerMessage(1009, LogLevel.Information, "Sync {Sync} is locked by another process (the dead replica's session may linger); waiting up to {Seconds} s for it")]
    public partial void WaitingForLock(string sync, double seconds);

    [LoggerMessage(1010, LogLevel.Warning, "Sync {Sync}: run {RunId} held back a plan: {Reason}")]
    public partial void PlanHeld(string sync, long runId, string reason);

    [LoggerMessage(1011, LogLevel.Warning, "Sync {Sync}: {Pending} sends of an earlier run have no known outcome (it stopped with them in flight); {Marked} keys whose send differs from their state are sent again, whatever their rows now hold, and {Added} keys never stored are now held, so that the mirror deletes them if their rows are gone")]
    public partial void UnsettledSends(string sync, int pending, long marked, long added);

    [LoggerMessage(1300, LogLevel.Warning, "Sync {Sync}: storing the answered batches failed while the run was already ending on another error, which is the one reported: {Reason}")]
    public partial void StoreFailedWhileEnding(string sync, string reason);
}
