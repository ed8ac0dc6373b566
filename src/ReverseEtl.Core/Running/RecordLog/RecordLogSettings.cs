namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>How long the per-record log is kept, and how large it may grow (<c>RETL_RECORD_LOG_DAYS</c>, <c>RETL_RECORD_LOG_MAX_ROWS</c>).</summary>
/// <param name="Days">Entries older than this many days are dropped after each run; 0 turns the log off (nothing written, the sync's entries dropped).</param>
/// <param name="MaxRows">At most this many entries per sync; the oldest go first.</param>
public sealed record RecordLogSettings(int Days = 14, long MaxRows = 200_000)
{
    /// <summary>Whether runs write the log.</summary>
    public bool Enabled => Days > 0;
}
