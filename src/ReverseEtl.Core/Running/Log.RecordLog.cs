using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The per-record log's lines (event ids 1100–1119).</summary>
public sealed partial class RunLog
{
    [LoggerMessage(1100, LogLevel.Warning, "Sync {Sync}: run {RunId} could not write its per-record log ({Reason}); the run's state and counts are kept, explain lacks its entries")]
    public partial void RecordLogNotWritten(string sync, long runId, string reason);

    [LoggerMessage(1101, LogLevel.Warning, "Sync {Sync}: the per-record log could not be pruned ({Reason}); the next run tries again")]
    public partial void RecordLogNotPruned(string sync, string reason);

    [LoggerMessage(1102, LogLevel.Information, "Sync {Sync}: per-record log pruned, {Dropped} entries dropped (kept: {Days} days, at most {MaxRows} entries)")]
    public partial void RecordLogPruned(string sync, long dropped, int days, long maxRows);
}
