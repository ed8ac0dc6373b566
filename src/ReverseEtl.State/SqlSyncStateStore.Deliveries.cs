using Dapper;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>The write-ahead log of sends (<see cref="IDeliveryLog"/>).</summary>
public abstract partial class SqlSyncStateStore
{
    public async Task<Dictionary<string, PendingSend>> LoadPendingAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PendingRow>(new CommandDefinition(
            "select key as Key, action as Action, hash as Hash, attempted_at as AttemptedAt from pending_sends where sync = @sync",
            new { sync }, cancellationToken: cancellationToken));
        return rows.ToDictionary(
            r => r.Key,
            r => new PendingSend(r.Key, Enum.Parse<RecordAction>(r.Action), unchecked((ulong)r.Hash), ReadTime(r.AttemptedAt)),
            StringComparer.Ordinal);
    }

    public async Task RecordPendingAsync(string sync, long runId, IReadOnlyCollection<PendingSend> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sends);
        if (sends.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            insert into pending_sends (sync, key, action, hash, run_id, attempted_at) values (@Sync, @Key, @Action, @Hash, @RunId, @At)
            on conflict (sync, key) do update set action = excluded.action, hash = excluded.hash, run_id = excluded.run_id,
                attempted_at = excluded.attempted_at
            """,
            sends.Select(s => new { Sync = sync, s.Key, Action = s.Action.ToString(), Hash = unchecked((long)s.Hash), RunId = runId, At = Time(s.AttemptedAt) }),
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ClearPendingAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"delete from pending_sends where sync = @sync and key {KeyIn}", new { sync, keys = keys.ToArray() }, cancellationToken: cancellationToken));
    }

    // Properties, not a constructor: SQLite and PostgreSQL hand timestamps back as different types.
    private sealed class PendingRow
    {
        public string Key { get; init; } = "";
        public string Action { get; init; } = "";
        public long Hash { get; init; }
        public object AttemptedAt { get; init; } = "";
    }
}
