using Microsoft.Extensions.Logging;

namespace ReverseEtl.Core.Running;

/// <summary>The bucket comparison's lines (event ids 1400–1449, and 1301).</summary>
public sealed partial class RunLog
{
    [LoggerMessage(1400, LogLevel.Debug, "Sync {Sync}: {Differing} of {Buckets} key buckets differ from the state, and {NullKeys} rows have a null key; only their keys are read")]
    public partial void BucketsCompared(string sync, int differing, int buckets, long nullKeys);

    [LoggerMessage(1301, LogLevel.Debug, "Sync {Sync}: the state store has no bucket for every key (PostgreSQL keeps none yet; on SQLite, keys a worker of an older version wrote): each stored key is hashed here")]
    public partial void BucketsHashedHere(string sync);
}
