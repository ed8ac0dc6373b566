using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>Failing records and what an operator does about them (<see cref="IFailureStore"/>).</summary>
public abstract partial class SqlSyncStateStore
{
    private const string ForKey = "sync = @sync and (@key is null or key = @key)";

    public async Task<IReadOnlyDictionary<string, ulong>> LoadParkedAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, long Hash)>(new CommandDefinition(
            "select key, hash from record_failures where sync = @sync and not retryable and hash is not null", new { sync }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => unchecked((ulong)r.Hash), StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyList<FailingRecord> Records, int Total)> ListFailuresAsync(string sync, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from record_failures where sync = @sync", new { sync }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<FailureRow>(new CommandDefinition(
            """
            select key as Key, attempts as Attempts, coalesce(first_failed_at, failed_at) as FirstFailedAt, failed_at as LastFailedAt,
                   case when not retryable and hash is not null then 1 else 0 end as Parked, message as Message
            from record_failures where sync = @sync order by failed_at desc, key limit @limit
            """, new { sync, limit }, cancellationToken: cancellationToken));
        return (rows.Select(r => new FailingRecord(r.Key, (int)r.Attempts, ReadTime(r.FirstFailedAt), ReadTime(r.LastFailedAt), r.Parked == 1, r.Message)).ToList(), (int)total);
    }

    public async Task<int> RetryAsync(string sync, string? key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"update record_failures set retryable = @yes where {ForKey}", new { sync, key, yes = true }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition($"select count(*) from record_failures where {ForKey}", new { sync, key }, cancellationToken: cancellationToken));
    }

    public async Task<int> SkipAsync(string sync, string? key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { sync, key, now = Time(time.GetUtcNow()) };

        // What was attempted becomes the record's state, as if delivered; a failed delete forgets the record, as if deleted.
        const string Attempted = "select key from record_failures where " + ForKey + " and hash is not null and matched is not null";
        await connection.ExecuteAsync(
            $"""
            insert into sync_records (sync, key, hash, matched, row_hash, updated_at)
            select sync, key, hash, matched, 0, @now from record_failures where {ForKey} and hash is not null and matched is not null
            on conflict (sync, key) do update set hash = excluded.hash, matched = excluded.matched, row_hash = 0, updated_at = excluded.updated_at
            """, args, transaction);
        var unfilled = (await connection.QueryAsync<string>($"select key from sync_records where {ForKey} and key_bucket is null and key in ({Attempted})", args, transaction)).AsList();
        if (unfilled.Count > 0)
        {
            await SetKeyBucketsAsync(connection, transaction, sync, unfilled); // the worker's bucket, as every write of a record sets it
        }

        await connection.ExecuteAsync(
            $"delete from sync_records where {ForKey} and key in (select key from record_failures where {ForKey} and hash = 0 and matched is null)", args, transaction);
        await connection.ExecuteAsync($"delete from pending_sends where {ForKey} and key in (select key from record_failures where {ForKey})", args, transaction);
        var skipped = await connection.ExecuteAsync($"delete from record_failures where {ForKey}", args, transaction);
        await transaction.CommitAsync(cancellationToken);
        return skipped;
    }

    public async Task<int> ResetAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var forgotten = await connection.ExecuteAsync("delete from sync_records where sync = @sync", new { sync }, transaction);
        await connection.ExecuteAsync(
            """
            delete from record_failures where sync = @sync; delete from pending_sends where sync = @sync;
            delete from sync_columns where sync = @sync; delete from held_plans where sync = @sync;
            """,
            new { sync }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return forgotten;
    }

    // Properties, not a constructor: SQLite and PostgreSQL hand timestamps back as different types.
    private sealed class FailureRow
    {
        public string Key { get; init; } = "";
        public long Attempts { get; init; }
        public object FirstFailedAt { get; init; } = "";
        public object LastFailedAt { get; init; } = "";
        public long Parked { get; init; }
        public string Message { get; init; } = "";
    }
}
