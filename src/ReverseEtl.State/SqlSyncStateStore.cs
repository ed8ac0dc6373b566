using System.Data.Common;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>
/// The sync state in a SQL database: the statements every dialect shares (both SQLite and PostgreSQL take
/// <c>insert … on conflict … do update</c> and <c>returning</c>); each dialect opens connections, migrates its schema
/// and stores timestamps its own way.
/// </summary>
public abstract partial class SqlSyncStateStore(TimeProvider time) : ISyncStateStore
{
    /// <summary>This process's name, recorded with each run it starts: the host name and process id unless set (RETL_INSTANCE_ID).</summary>
    public string Instance { get; init; } = ProcessInstance.Default;

    /// <inheritdoc/>
    /// <exception cref="StateStoreException">The store cannot be opened or is damaged; the message says where and what to do.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await MigrateAsync(connection, cancellationToken);
        }
        catch (Exception ex) when (Explain(ex) is { } message)
        {
            throw new StateStoreException(message, ex);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: cancellationToken));
    }

    public async Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, string Id)>(new CommandDefinition(
            $"select key, destination_id from sync_records where sync = @sync and key {KeyIn} and destination_id is not null",
            new { sync, keys = keys.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.Id, StringComparer.Ordinal);
    }

    public async Task<Dictionary<string, string>> LoadColumnsAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, string DataType)>(new CommandDefinition(
            "select name, data_type from sync_columns where sync = @sync", new { sync }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name, r => r.DataType, StringComparer.Ordinal);
    }

    public async Task SaveColumnsAsync(string sync, IReadOnlyDictionary<string, string> columns, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("delete from sync_columns where sync = @sync", new { sync }, transaction);
        await connection.ExecuteAsync("insert into sync_columns (sync, name, data_type) values (@Sync, @Name, @DataType)",
            columns.Select(c => new { Sync = sync, Name = c.Key, DataType = c.Value }), transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Time(time.GetUtcNow());
        await connection.ExecuteAsync(
            """
            insert into record_failures (sync, key, run_id, retryable, message, failed_at, first_failed_at, attempts, hash, matched)
            values (@Sync, @Key, @RunId, @Retryable, @Message, @Now, @Now, 1, @Hash, @Matched)
            on conflict (sync, key) do update set run_id = excluded.run_id, retryable = excluded.retryable,
                message = excluded.message, failed_at = excluded.failed_at, hash = excluded.hash, matched = excluded.matched,
                attempts = record_failures.attempts + 1, first_failed_at = coalesce(record_failures.first_failed_at, record_failures.failed_at)
            """,
            failures.Select(f => new
            {
                Sync = sync, f.Key, RunId = runId, f.Retryable, f.Message, Now = now,
                Hash = f.Attempted is { } a ? unchecked((long)a.Hash) : f.Delete ? 0 : (long?)null, Matched = f.Attempted?.Matched,
            }),
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>How this dialect tests a key against the list parameter <c>@keys</c> (Dapper expands it for SQLite; PostgreSQL takes an array).</summary>
    protected virtual string KeyIn => "in @keys";

    /// <summary>Appended to <c>order by key</c> so that keys come in <see cref="KeyOrder"/> (by UTF-8 bytes).</summary>
    protected virtual string KeyCollation => "";

    /// <summary>An open connection.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits for this store's turn to write, where writers exclude each other (SQLite: one writer per file, and a
    /// connection that finds it busy sleeps before it tries again); null where they need no turn (PostgreSQL). A run
    /// writes from two sides at once: its answered batches (<c>Outbound</c>'s store queue) and its record log; those two
    /// take turns. Other writes (a run's start and end, approvals, alerts) are rare and take none: they may still meet
    /// SQLite's busy wait.
    /// </summary>
    protected virtual ValueTask<IDisposable?> WriteTurnAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// One line for a failure to open or migrate the store, naming where it is and what to do; null for anything else,
    /// which is a defect and goes on up as it is.
    /// </summary>
    protected abstract string? Explain(Exception exception);

    /// <summary>Creates or upgrades the schema, safely when several workers start at once.</summary>
    protected abstract Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A timestamp as this dialect stores it.</summary>
    protected abstract object Time(DateTimeOffset value);

    /// <summary>A stored timestamp back.</summary>
    protected abstract DateTimeOffset ReadTime(object value);
}
