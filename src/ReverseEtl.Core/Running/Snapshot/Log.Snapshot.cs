using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The in-warehouse snapshot's lines (event ids 1401–1410, 1450–1499).</summary>
public sealed partial class RunLog
{
    [LoggerMessage(1450, LogLevel.Warning, "Sync {Sync}: the warehouse snapshot {Table} holds {SnapshotKeys} keys, the state {StateKeys} (or their row hashes differ): the state changed outside a run (reset, forget, a 'diff: worker' run, a stop before the snapshot write, another state database); {Action}")]
    public partial void SnapshotBehind(string sync, string table, long snapshotKeys, long stateKeys, string action);

    [LoggerMessage(1451, LogLevel.Information, "Sync {Sync}: warehouse snapshot {Table} rebuilt from the state, {Keys} keys")]
    public partial void SnapshotRebuilt(string sync, string table, long keys);

    [LoggerMessage(1452, LogLevel.Warning, "Sync {Sync}: the warehouse snapshot {Table} could not be updated with {Keys} keys ({Reason}); the state holds them, and the next run finds the difference and rebuilds the snapshot from the state")]
    public partial void SnapshotNotWritten(string sync, string table, long keys, string reason);

    [LoggerMessage(1453, LogLevel.Information, "Sync {Sync}: warehouse snapshot {Table} updated, {Keys} keys")]
    public partial void SnapshotWritten(string sync, string table, long keys);

    [LoggerMessage(1401, LogLevel.Debug, "Sync {Sync}: warehouse snapshot {Table} checked against the state by key buckets: {Differing} of {Buckets} differ")]
    public partial void SnapshotBucketsCompared(string sync, string table, int differing, int buckets);

    [LoggerMessage(1402, LogLevel.Information, "Sync {Sync}: warehouse snapshot {Table}: {Buckets} key buckets rewritten from the state, {Keys} keys")]
    public partial void SnapshotBucketsRewritten(string sync, string table, int buckets, long keys);

    [LoggerMessage(1403, LogLevel.Warning, "Sync {Sync}: warehouse snapshot {Table} still differs from the state after rewriting {Buckets} key buckets (it holds {SnapshotKeys} keys, the state {StateKeys}, or their check numbers differ: a difference the buckets' sums cannot see); rebuilding it whole before the diff")]
    public partial void SnapshotStillBehind(string sync, string table, int buckets, long snapshotKeys, long stateKeys);

    [LoggerMessage(1454, LogLevel.Warning, "Sync {Sync}: the diff against warehouse snapshot {Table}, run while the state was read for its check, failed too: {Error}; the run fails with the state's error: {StateError}")]
    public partial void SnapshotDiffNotRead(string sync, string table, string error, string stateError);

    [LoggerMessage(1455, LogLevel.Warning, "Sync {Sync}: the diff against warehouse snapshot {Table}, run while the state was read for its check, failed: {Error}; the snapshot differs from the state, so it is repaired and the diff run again")]
    public partial void SnapshotDiffRunAhead(string sync, string table, string error);

    [LoggerMessage(1456, LogLevel.Warning, "Sync {Sync}: the diff against warehouse snapshot {Table} failed: {Error}; this run diffs as without the snapshot instead (the same changes), and the snapshot is updated after the state as usual")]
    public partial void SnapshotDiffFailed(string sync, string table, string error);
}
