using System.Globalization;
using System.Text.Json;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>The per-record log (<see cref="IRecordLog"/>): a batch of entries is one statement, its rows passed as one JSON array.</summary>
public abstract partial class SqlSyncStateStore
{
    public async Task AppendRecordLogAsync(string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var rows = JsonSerializer.Serialize(entries.Select(e => new LogRow(
            e.Key, e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            e.Action, e.Decision, e.Outcome, e.Message, e.VendorId, e.Request, e.FieldHashes)), LogRow.Json);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordLogInsert, new { sync, runId, rows }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RecordLogEntry>> LoadRecordLogAsync(string sync, string key, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredRow>(new CommandDefinition(
            """
            select run_id as RunId, key as Key, at as At, action as Action, decision as Decision, outcome as Outcome,
                   message as Message, vendor_id as VendorId, request as Request, field_hashes as FieldHashes
            from record_log where sync = @sync and key = @key order by id desc limit @limit
            """,
            new { sync, key, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new RecordLogEntry(r.Key, r.Action, r.Decision, r.Outcome, ReadTime(r.At))
        {
            RunId = r.RunId, Message = r.Message, VendorId = r.VendorId, Request = r.Request, FieldHashes = r.FieldHashes,
        }).ToList();
    }

    public async Task<long> PruneRecordLogAsync(string sync, DateTimeOffset before, long maxRows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var dropped = await connection.ExecuteAsync(new CommandDefinition(
            "delete from record_log where sync = @sync and at < @before", new { sync, before = Time(before) }, transaction, cancellationToken: cancellationToken));
        var excess = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from record_log where sync = @sync", new { sync }, transaction, cancellationToken: cancellationToken)) - maxRows;
        if (excess > 0)
        {
            dropped += await connection.ExecuteAsync(new CommandDefinition(
                "delete from record_log where id in (select id from record_log where sync = @sync order by at, id limit @excess)",
                new { sync, excess }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return dropped;
    }

    public async Task<long> PruneRecordLogByAgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("delete from record_log where at < @before", new { before = Time(before) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// This dialect's insert of a batch of log rows from the JSON array <c>@rows</c> (objects with k, t, a, d, o, m, v, r, f),
    /// in the array's order, for <c>@sync</c> and <c>@runId</c>.
    /// </summary>
    protected abstract string RecordLogInsert { get; }

    private sealed record LogRow(string K, string T, string A, string D, string O, string? M, string? V, string? R, string? F)
    {
        // Lower-case names, as the dialects' SQL reads them.
        public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    }

    // Properties, not a constructor: SQLite and PostgreSQL hand timestamps back as different types.
    private sealed class StoredRow
    {
        public long RunId { get; init; }
        public string Key { get; init; } = "";
        public object At { get; init; } = "";
        public string Action { get; init; } = "";
        public string Decision { get; init; } = "";
        public string Outcome { get; init; } = "";
        public string? Message { get; init; }
        public string? VendorId { get; init; }
        public string? Request { get; init; }
        public string? FieldHashes { get; init; }
    }
}
