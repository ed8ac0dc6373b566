using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The sends' log lines (event ids 1302–1309).</summary>
public sealed partial class RunLog
{
    [LoggerMessage(1302, LogLevel.Warning, "Sync {Sync}: a failed batch's ordered writes (its dry-run outbox lines) failed too; the batch's own failure is the one reported: {Reason}")]
    public partial void OrderedEffectFailedAfterBatch(string sync, string reason);
}
