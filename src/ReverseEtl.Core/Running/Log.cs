using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Sync {Sync}: run {RunId} started")]
    public static partial void RunStarted(ILogger logger, string sync, long runId);

    [LoggerMessage(1001, LogLevel.Information, "Sync {Sync}: run {RunId} {Status}: {Counts}")]
    public static partial void RunFinished(ILogger logger, string sync, long runId, string status, string counts);

    [LoggerMessage(1002, LogLevel.Error, "Sync {Sync}: run {RunId} failed: {Error}")]
    public static partial void RunFailed(ILogger logger, string sync, long runId, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Sync {Sync}: row {RowNumber} rejected: {Reason}")]
    public static partial void RowRejected(ILogger logger, string sync, long rowNumber, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Sync {Sync}: record {Key} failed ({Kind}): {Message}")]
    public static partial void RecordFailed(ILogger logger, string sync, string key, string kind, string message);

    [LoggerMessage(1005, LogLevel.Information, "Sync {Sync}: {Rows} rows read so far")]
    public static partial void Progress(ILogger logger, string sync, long rows);

    [LoggerMessage(1006, LogLevel.Warning, "Sync {Sync}: more rejected rows or failed records than shown; `status` lists the failing records")]
    public static partial void MoreProblems(ILogger logger, string sync);

    [LoggerMessage(1007, LogLevel.Error, "Sync {Sync}: run {RunId} stopped by an internal error")]
    public static partial void RunCrashed(ILogger logger, string sync, long runId, Exception exception);

    [LoggerMessage(1008, LogLevel.Warning, "Sync {Sync} is already running in another process (another replica or a run --once); this run was skipped")]
    public static partial void AlreadyRunning(ILogger logger, string sync);

    [LoggerMessage(1009, LogLevel.Information, "Sync {Sync} is locked by another process (the dead replica's session may linger); waiting up to {Seconds} s for it")]
    public static partial void WaitingForLock(ILogger logger, string sync, double seconds);
}
