using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>
/// The runner's side of the per-record log: the log a run writes to (none when it is off), the last entries written
/// on the run's way out, and the pruning after each run. The log is diagnostics: failing to write or prune it is
/// logged and changes nothing about how the run ends.
/// </summary>
internal sealed class RecordLogUpkeep(ISyncStateStore state, TimeProvider time, ILogger logger, RecordLogSettings settings)
{
    private readonly RunLog _log = new(logger);

    /// <summary>Where runs write their entries; null when <c>RETL_RECORD_LOG_DAYS</c> is 0.</summary>
    public IRecordLog? Log => settings.Enabled ? state : null;

    /// <summary>Writes what the run noted last (a batch that threw, records a stop left).</summary>
    public async Task FlushAsync(SyncRunContext? context)
    {
        if (context is null)
        {
            return;
        }

        try
        {
            await context.Book.FlushAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.RecordLogNotWritten(context.Sync.Name, context.RunId, ex.Message);
        }
    }

    private int _everySyncPruned;

    /// <summary>
    /// Drops the sync's entries past <c>RETL_RECORD_LOG_DAYS</c> (all of them when it is 0), then the oldest past
    /// <c>RETL_RECORD_LOG_MAX_ROWS</c>; after the process's first run, also every other sync's entries past the days,
    /// so that a sync that no longer runs (removed, renamed, disabled) does not keep them.
    /// </summary>
    public async Task PruneAsync(string sync)
    {
        try
        {
            var before = time.GetUtcNow().AddDays(-settings.Days);
            var dropped = await state.PruneRecordLogAsync(sync, before, settings.MaxRows, CancellationToken.None);
            if (Interlocked.Exchange(ref _everySyncPruned, 1) == 0)
            {
                dropped += await state.PruneRecordLogByAgeAsync(before, CancellationToken.None);
            }

            if (dropped > 0)
            {
                _log.RecordLogPruned(sync, dropped, settings.Days, settings.MaxRows);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.RecordLogNotPruned(sync, ex.Message);
        }
    }
}
