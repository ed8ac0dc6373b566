using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReverseEtl.State;

/// <summary>
/// Filling in the key buckets of records stored before the upgrade that added them (or written since by a worker of an
/// older version): in key order, a window of <see cref="KeyBucketsPerFill"/> keys per transaction, each short, so that no write
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
    /// that a FIPS server allows. SQLite binds it per row in its own upsert (<c>UpsertRecordsAsync</c>) and needs no JSON rows.
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

        if (filled > 0)
        {
            LogKeyBucketsFilled(Logger, sync, filled, batches, time.GetElapsedTime(started).TotalSeconds, longest.TotalMilliseconds);
        }

        return filled;
    }

    // The next window of keys after the last batch's, in key order through the primary key, and which of them have no
    // bucket. Not "where key_bucket is null" in the select: PostgreSQL's planner then scans the whole table for each batch
    // (it takes the null buckets for rare), about 64 s of server CPU for 1M keys instead of a few.
    private async Task<(int Filled, string? Last)> FillBatchAsync(string sync, string? after, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var window = (await connection.QueryAsync<(string Key, bool Missing)>(new CommandDefinition(
            $"select key, key_bucket is null from sync_records where sync = @sync{(after is null ? "" : " and key > @after")} order by key limit {KeyBucketsPerFill}",
            new { sync, after }, transaction, cancellationToken: cancellationToken))).AsList();
        if (window.Count == 0)
        {
            return (0, null);
        }

        var missing = window.Where(k => k.Missing).Select(k => k.Key).ToList();
        var filled = missing.Count == 0 ? 0 : await SetKeyBucketsAsync(connection, transaction, sync, missing);
        await transaction.CommitAsync(cancellationToken);
        return (filled, window[^1].Key);
    }

    /// <summary>Sets the bucket of those of <paramref name="keys"/> that have none, in the caller's transaction; returns how many.</summary>
    protected virtual Task<int> SetKeyBucketsAsync(DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<string> keys) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"update sync_records set key_bucket = retl_key_bucket(key) where sync = @sync and key_bucket is null and key {KeysIn}",
            new { sync, keys = KeyList(keys) }, transaction));

    [LoggerMessage(1411, LogLevel.Information, "Sync {Sync}: gave {Records} stored records their key bucket, in {Batches} batches ({Seconds:0.0} s, the longest {LongestMs:0} ms)")]
    private static partial void LogKeyBucketsFilled(ILogger logger, string sync, long records, int batches, double seconds, double longestMs);
}
