using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReverseEtl.State;

/// <summary>
/// Filling in the key buckets of records stored before the upgrade that added them (or written since by a worker of an
/// older version): in key order, <see cref="KeyBucketsPerFill"/> keys per transaction, each short, so that no write
/// waits long behind it and a stop loses at most one batch's work. Buckets never change meaning, so a batch filled twice
/// (two workers at once) writes the same values.
/// </summary>
public abstract partial class SqlSyncStateStore
{
    /// <summary>The most records one fill transaction gives their bucket.</summary>
    public const int KeyBucketsPerFill = 5_000;

    /// <summary>Where this store's own lines go (the key bucket fill); none unless a dialect takes a logger.</summary>
    protected virtual ILogger Logger => NullLogger.Instance;

    /// <summary>
    /// Whether the rows of <see cref="UpsertRecords"/> carry each key's bucket, computed here (b): PostgreSQL has no md5
    /// that a FIPS server allows. SQLite computes it in the statement with the worker's own function instead.
    /// </summary>
    protected virtual bool KeyBucketInRows => false;

    /// <summary>Gives every record of <paramref name="sync"/> that has none its key bucket, a batch at a time; returns how many were filled.</summary>
    public async Task<long> FillKeyBucketsAsync(string sync, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (filled, batches, longest) = (0L, 0, TimeSpan.Zero);
        string? after = null;
        while (true)
        {
            var batchStarted = time.GetTimestamp();
            var (count, last) = await FillBatchAsync(sync, after, cancellationToken);
            if (last is null)
            {
                break;
            }

            (filled, batches, after) = (filled + count, batches + 1, last);
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, time.GetElapsedTime(batchStarted).Ticks));
        }

        if (batches > 0)
        {
            LogKeyBucketsFilled(Logger, sync, filled, batches, time.GetElapsedTime(started).TotalSeconds, longest.TotalMilliseconds);
        }

        return filled;
    }

    // The next keys without a bucket after the last batch's, in key order through the primary key, so that no batch scans
    // the records filled before it. PostgreSQL skips records another transaction holds: they keep no bucket for now,
    // the sums then refuse and the caller hashes the keys, and the next sum fills them.
    private async Task<(int Filled, string? Last)> FillBatchAsync(string sync, string? after, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keys = (await connection.QueryAsync<string>(new CommandDefinition(
            $"select key from sync_records where sync = @sync and key_bucket is null{(after is null ? "" : " and key > @after")} order by key limit {KeyBucketsPerFill}{SkipLocked}",
            new { sync, after }, transaction, cancellationToken: cancellationToken))).AsList();
        if (keys.Count == 0)
        {
            return (0, null);
        }

        var filled = await SetKeyBucketsAsync(connection, transaction, sync, keys);
        await transaction.CommitAsync(cancellationToken);
        return (filled, keys[^1]);
    }

    /// <summary>Appended to the select of a fill batch: PostgreSQL locks the keys it takes and passes over those another writer holds.</summary>
    protected virtual string SkipLocked => "";

    /// <summary>Sets the bucket of those of <paramref name="keys"/> that have none, in the caller's transaction; returns how many.</summary>
    protected virtual Task<int> SetKeyBucketsAsync(DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<string> keys) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"update sync_records set key_bucket = retl_key_bucket(key) where sync = @sync and key_bucket is null and key {KeysIn}",
            new { sync, keys = KeyList(keys) }, transaction));

    [LoggerMessage(1411, LogLevel.Information, "Sync {Sync}: gave {Records} stored records their key bucket, in {Batches} batches ({Seconds:0.0} s, the longest {LongestMs:0} ms)")]
    private static partial void LogKeyBucketsFilled(ILogger logger, string sync, long records, int batches, double seconds, double longestMs);
}
