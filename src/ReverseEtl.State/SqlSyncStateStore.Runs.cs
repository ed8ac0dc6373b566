using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>The runs of each sync: their lock, their history, and the status the <c>status</c> verb shows.</summary>
public abstract partial class SqlSyncStateStore
{
    public abstract Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Whether a live process holds the sync's run lock, asked without keeping any lock (a run never waits on it).</summary>
    protected abstract Task<bool> IsLockHeldAsync(string sync, CancellationToken cancellationToken);

    public async Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(
            "insert into sync_runs (sync, started_at, status, instance) values (@sync, @at, 'Running', @Instance) returning id",
            new { sync, at = Time(startedAt), Instance }, transaction);
        await connection.ExecuteAsync(
            """
            update sync_runs set finished_at = @at, status = @status,
                error = 'the process running it (' || coalesce(instance, 'unknown') || ') stopped before the end (killed, crashed or its node lost); acknowledged records were kept and run ' || @id || ' on ' || @Instance || ' took over'
            where sync = @sync and finished_at is null and id <> @id
            """,
            new { sync, at = Time(startedAt), status = nameof(RunStatus.Abandoned), id, Instance }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    public async Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await OpenAsync(cancellationToken);
        var c = result.Counts;
        await connection.ExecuteAsync(
            """
            update sync_runs set finished_at = @At, status = @Status, rows_read = @RowsRead, rejected = @Rejected,
                added = @Added, changed = @Changed, removed = @Removed, sent = @Sent, failed = @Failed, error = @Error,
                baselined = @Baselined, parked = @Parked, withheld = @Withheld,
                rows_fetched = @RowsFetched, keys_read = @KeysRead, buckets_read = @BucketsRead, held = @Held
            where id = @RunId
            """,
            new
            {
                RunId = runId, At = Time(result.FinishedAt), Status = result.Status.ToString(), c.RowsRead, c.Rejected, c.Added, c.Changed, c.Removed,
                c.Sent, c.Failed, result.Error, c.Baselined, c.Parked, c.Withheld, c.RowsFetched, c.KeysRead, c.BucketsRead, c.Held,
            });
    }

    public async Task<bool> HasCompletedRunAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from sync_runs where sync = @sync and status in ('Succeeded', 'PartiallyFailed')",
            new { sync }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<IReadOnlyList<SyncStatus>> GetHistoryAsync(string sync, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StatusRow>(new CommandDefinition(
            $"select {RunColumns} from sync_runs r where r.sync = @sync order by r.id desc limit @limit", new { sync, limit }, cancellationToken: cancellationToken));
        return await ShownAsync(rows, cancellationToken);
    }

    public async Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StatusRow>(
            $"""
            select {RunColumns},
                   (select count(*) from record_failures f where f.sync = r.sync) as FailingRecords,
                   cast((select f.key || ': ' || f.message from record_failures f where f.sync = r.sync order by f.failed_at desc limit 1) as text) as LastFailure
            from sync_runs r
            where r.id = (select max(id) from sync_runs x where x.sync = r.sync)
            order by r.sync
            """);
        return await ShownAsync(rows, cancellationToken);
    }

    // A run still open that no process holds the lock of died (killed, crashed, its node lost). The next run closes it
    // as Abandoned (StartRunAsync); until then it is shown so, not as a run still going.
    private async Task<IReadOnlyList<SyncStatus>> ShownAsync(IEnumerable<StatusRow> rows, CancellationToken cancellationToken)
    {
        var shown = new List<SyncStatus>();
        foreach (var status in rows.Select(r => r.ToStatus(ReadTime)))
        {
            var dead = status is { FinishedAt: null, Status: "Running" } && !await IsLockHeldAsync(status.Sync, cancellationToken);
            shown.Add(dead ? status with { Status = nameof(RunStatus.Abandoned), Error = GoneMessage(status.Instance) } : status);
        }

        return shown;
    }

    private static string GoneMessage(string? instance) =>
        $"the process running it ({instance ?? "unknown"}) is gone (killed, crashed or its node lost): no process holds the sync's lock. " +
        "Acknowledged records were kept; the next run closes this one and sends again what was in flight";

    // What status and history read of a run (aliased as StatusRow's properties).
    private const string RunColumns = """
        r.sync as Sync, r.id as RunId, r.started_at as StartedAt, r.finished_at as FinishedAt, r.status as Status,
        r.rows_read as RowsRead, r.rejected as Rejected, r.added as Added, r.changed as Changed, r.removed as Removed,
        r.sent as Sent, r.failed as Failed, r.error as Error, r.instance as Instance,
        r.baselined as Baselined, r.parked as Parked, r.withheld as Withheld,
        r.rows_fetched as RowsFetched, r.keys_read as KeysRead, r.buckets_read as BucketsRead, r.held as Held
        """;

    // Properties, not a constructor: SQLite reports a null column's type as a blob, which Dapper's constructor matching rejects.
    private sealed class StatusRow
    {
        public string Sync { get; init; } = "";
        public long RunId { get; init; }
        public object StartedAt { get; init; } = "";
        public object? FinishedAt { get; init; }
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
        public string? Instance { get; init; }
        public long Baselined { get; init; }
        public long Parked { get; init; }
        public long Withheld { get; init; }
        public long RowsFetched { get; init; }
        public long KeysRead { get; init; }
        public long BucketsRead { get; init; }
        public long Held { get; init; }

        public SyncStatus ToStatus(Func<object, DateTimeOffset> read) => new(Sync, RunId, read(StartedAt), Status,
            new RunCounts
            {
                RowsRead = RowsRead, Rejected = Rejected, Added = Added, Changed = Changed, Removed = Removed, Sent = Sent, Failed = Failed,
                Baselined = Baselined, Parked = Parked, Withheld = Withheld, RowsFetched = RowsFetched, KeysRead = KeysRead, BucketsRead = BucketsRead, Held = Held,
            })
        {
            FinishedAt = FinishedAt is null ? null : read(FinishedAt),
            Error = Error,
            FailingRecords = (int)FailingRecords,
            LastFailure = LastFailure,
            Instance = Instance,
        };
    }
}
