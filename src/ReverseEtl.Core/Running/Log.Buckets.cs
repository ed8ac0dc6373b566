using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The bucket comparison's lines (event ids 1400, 1412, 1413, 1414, 1415, 1416, and 1301).</summary>
public sealed partial class RunLog
{
    [LoggerMessage(1400, LogLevel.Debug, "Sync {Sync}: {Differing} of {Buckets} key buckets differ from the state, and {NullKeys} rows have a null key; only their keys are read")]
    public partial void BucketsCompared(string sync, int differing, int buckets, long nullKeys);

    [LoggerMessage(1413, LogLevel.Debug, "Sync {Sync}: {Differing} of {Buckets} row-hash buckets differ from the state, and {BadKeys} rows have a key with a null or empty part; only the rows and stored keys of those buckets are read, every key past half of them or where a key is on several rows, every row whole where almost all differ")]
    public partial void RowHashBucketsCompared(string sync, int differing, int buckets, long badKeys);

    [LoggerMessage(1415, LogLevel.Debug, "Sync {Sync}: every row read in no order and hashed here; {Differing} of {Buckets} key buckets differ from the state's payload hashes, and {KeylessRows} rows have a null or empty key; {Next}")]
    public partial void WorkerBucketsCompared(string sync, int differing, int buckets, long keylessRows, string next);

    [LoggerMessage(1416, LogLevel.Warning, "Sync {Sync}: model {Model} changed while it was read twice: {Moved} of the {Buckets} key buckets read again hold another count of rows than at first; their changes and new rows are taken as read again, and their keys not found are not taken for removed until the next run")]
    public partial void ModelChangedBetweenReads(string sync, string model, int moved, int buckets);

    [LoggerMessage(1414, LogLevel.Debug, "Sync {Sync}: {Rows} rows have a key of a type that cannot be bucketed (neither text, whole number, date nor uuid); compared by row-hash buckets instead")]
    public partial void KeyNotBucketed(string sync, long rows);

    [LoggerMessage(1301, LogLevel.Debug, "Sync {Sync}: the state store gave no bucket sums (some key has no stored bucket yet: a record another writer held while they were filled): each stored key is hashed here")]
    public partial void BucketsHashedHere(string sync);

    [LoggerMessage(1412, LogLevel.Warning, "Sync {Sync}: a fetch of changed rows, in flight when the read of the key rows ended early, failed too: {Error}")]
    public partial void FetchInFlightFailed(string sync, string error);
}
