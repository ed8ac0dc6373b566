using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReverseEtl.State;

/// <summary>
/// Filling in the key buckets of records stored before the upgrade that added them (or written since by a worker of an
/// older version): only those records, found through the partial index of records without a bucket (migration 0010), from
/// the lowest key, a window of at most <see cref="KeyBucketsPerFill"/> of them per transaction, each short, so that no write
/// waits long behind it and a stop loses at most one window's work. A sync where a few lack theirs is not walked whole,
/// and one where none does costs a look into an empty index. Buckets never change meaning, so a window filled twice (two
/// workers at once) writes the same values.
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

    /// <summary>Gives every record of <paramref name="sync"/> that has none its key bucket, a window at a time.</summary>
    public async Task<KeyBucketFill> FillKeyBucketsAsync(string sync, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (fill, longest) = (default(KeyBucketFill), TimeSpan.Zero);
        string? after = null;
        while (true)
        {
            var windowStarted = time.GetTimestamp();
            var (count, read, last) = await FillWindowAsync(sync, after, cancellationToken);
            if (last is null)
            {
                break;
            }

            (fill, after) = (new KeyBucketFill(fill.Filled + count, fill.Windows + 1, fill.KeysRead + read), last);
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, time.GetElapsedTime(windowStarted).Ticks));
            if (read < KeyBucketsPerFill)
            {
                break; // a short window was the last: none without a bucket came after it
            }
        }

        if (fill.Filled > 0)
        {
            LogKeyBucketsFilled(Logger, sync, fill.Filled, fill.Windows, time.GetElapsedTime(started).TotalSeconds, longest.TotalMilliseconds);
        }

        return fill;
    }

    // The next window: the lowest keys without a bucket after the last window's, read from the partial index that holds
    // only those. A key another transaction holds (PostgreSQL's skip locked) stays without one; the next window starts
    // after it all the same, and a later fill gives it its bucket.
    private async Task<(int Filled, int Read, string? Last)> FillWindowAsync(string sync, string? after, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var window = (await connection.QueryAsync<string>(new CommandDefinition(
            $"select key from {UnfilledRecords} where sync = @sync and key_bucket is null{(after is null ? "" : " and key > @after")} order by key limit {KeyBucketsPerFill}",
            new { sync, after }, transaction, cancellationToken: cancellationToken))).AsList();
        if (window.Count == 0)
        {
            return (0, 0, null);
        }

        var filled = await SetKeyBucketsAsync(connection, transaction, sync, window);
        await transaction.CommitAsync(cancellationToken);
        return (filled, window.Count, window[^1]);
    }

    /// <summary>The records table as the fill's window reads it: where the store must be told to use the partial index.</summary>
    protected virtual string UnfilledRecords => "sync_records";

    /// <summary>Sets the bucket of those of <paramref name="keys"/> that have none, in the caller's transaction; returns how many.</summary>
    protected virtual Task<int> SetKeyBucketsAsync(DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<string> keys) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"update sync_records set key_bucket = retl_key_bucket(key) where sync = @sync and key_bucket is null and key {KeysIn}",
            new { sync, keys = KeyList(keys) }, transaction));

    [LoggerMessage(1411, LogLevel.Information, "Sync {Sync}: gave {Records} stored records their key bucket, in {Batches} batches ({Seconds:0.0} s, the longest {LongestMs:0} ms)")]
    private static partial void LogKeyBucketsFilled(ILogger logger, string sync, long records, int batches, double seconds, double longestMs);
}

/// <summary>What a key bucket fill did: records given their bucket, windows (transactions) taken, and keys read in them.</summary>
public readonly record struct KeyBucketFill(long Filled, int Windows, long KeysRead);
