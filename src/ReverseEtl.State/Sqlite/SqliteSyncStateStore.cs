using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;

namespace ReverseEtl.State.Sqlite;

/// <summary>The sync state in a SQLite file (the default for a single worker).</summary>
public sealed class SqliteSyncStateStore(string databasePath, TimeProvider time) : ISyncStateStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("pragma journal_mode = wal");
        await SqliteMigrator.MigrateAsync(connection, cancellationToken);
    }

    public async Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "select key, hash, matched from sync_records where sync = $sync";
        command.Parameters.AddWithValue("$sync", sync);
        var records = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records[reader.GetString(0)] = new RecordState(unchecked((ulong)reader.GetInt64(1)), reader.GetInt64(2) != 0);
        }

        return records;
    }

    public async Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, string Id)>(new CommandDefinition(
            "select key, destination_id from sync_records where sync = @sync and key in @keys and destination_id is not null",
            new { sync, keys }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.Id, StringComparer.Ordinal);
    }

    public async Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
    {
        if (updates.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        foreach (var update in updates)
        {
            var sql = update.State is null
                ? "delete from sync_records where sync = @Sync and key = @Key;"
                : """
                  insert into sync_records (sync, key, hash, matched, destination_id, updated_at)
                  values (@Sync, @Key, @Hash, @Matched, @DestinationId, @Now)
                  on conflict (sync, key) do update set hash = excluded.hash, matched = excluded.matched,
                      destination_id = coalesce(excluded.destination_id, sync_records.destination_id), updated_at = excluded.updated_at;
                  """;
            await connection.ExecuteAsync(sql + " delete from record_failures where sync = @Sync and key = @Key;", new
            {
                Sync = sync,
                update.Key,
                Hash = unchecked((long)(update.State?.Hash ?? 0)),
                Matched = update.State?.Matched ?? false,
                update.DestinationId,
                Now = now,
            }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            insert into record_failures (sync, key, run_id, retryable, message, failed_at)
            values (@Sync, @Key, @RunId, @Retryable, @Message, @Now)
            on conflict (sync, key) do update set run_id = excluded.run_id, retryable = excluded.retryable,
                message = excluded.message, failed_at = excluded.failed_at
            """,
            failures.Select(f => new { Sync = sync, f.Key, RunId = runId, f.Retryable, f.Message, Now = Now() }),
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            "insert into sync_runs (sync, started_at, status) values (@sync, @at, 'Running') returning id",
            new { sync, at = Format(startedAt) });
    }

    public async Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var c = result.Counts;
        await connection.ExecuteAsync(
            """
            update sync_runs set finished_at = @At, status = @Status, rows_read = @RowsRead, rejected = @Rejected,
                added = @Added, changed = @Changed, removed = @Removed, sent = @Sent, failed = @Failed, error = @Error
            where id = @RunId
            """,
            new { RunId = runId, At = Format(result.FinishedAt), Status = result.Status.ToString(), c.RowsRead, c.Rejected, c.Added, c.Changed, c.Removed, c.Sent, c.Failed, result.Error });
    }

    public async Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StatusRow>(
            """
            select r.sync as Sync, r.id as RunId, r.started_at as StartedAt, r.finished_at as FinishedAt, r.status as Status,
                   r.rows_read as RowsRead, r.rejected as Rejected, r.added as Added, r.changed as Changed, r.removed as Removed,
                   r.sent as Sent, r.failed as Failed, r.error as Error,
                   (select count(*) from record_failures f where f.sync = r.sync) as FailingRecords,
                   cast((select f.key || ': ' || f.message from record_failures f where f.sync = r.sync order by f.failed_at desc limit 1) as text) as LastFailure
            from sync_runs r
            where r.id = (select max(id) from sync_runs x where x.sync = r.sync)
            order by r.sync
            """);
        return rows.Select(r => r.ToStatus()).ToList();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private string Now() => Format(time.GetUtcNow());

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Properties, not a constructor: SQLite reports a null column's type as a blob, which Dapper's constructor matching rejects.
    private sealed class StatusRow
    {
        public string Sync { get; init; } = "";
        public long RunId { get; init; }
        public string StartedAt { get; init; } = "";
        public string? FinishedAt { get; init; }
        public string Status { get; init; } = "";
        public long RowsRead { get; init; }
        public long Rejected { get; init; }
        public long Added { get; init; }
        public long Changed { get; init; }
        public long Removed { get; init; }
        public long Sent { get; init; }
        public long Failed { get; init; }
        public string? Error { get; init; }
        public long FailingRecords { get; init; }
        public string? LastFailure { get; init; }

        public SyncStatus ToStatus() => new(Sync, RunId, Parse(StartedAt), FinishedAt is null ? null : Parse(FinishedAt), Status,
            new RunCounts { RowsRead = RowsRead, Rejected = Rejected, Added = Added, Changed = Changed, Removed = Removed, Sent = Sent, Failed = Failed },
            Error, (int)FailingRecords, LastFailure);

        private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
