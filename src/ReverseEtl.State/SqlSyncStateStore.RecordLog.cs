using System.Data.Common;
using System.Globalization;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>The per-record log (<see cref="IRecordLog"/>): a batch of entries is one transaction, written as each dialect writes rows fastest.</summary>
public abstract partial class SqlSyncStateStore
{
    public async Task AppendRecordLogAsync(string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await InsertRecordLogAsync(connection, sync, runId, entries, cancellationToken);
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
        using var turn = await WriteTurnAsync(cancellationToken);
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

    // Sync by sync, each through the index on (sync, at): 'where at < @before' alone read the whole table (its requests
    // too), 0.14 s for 600,000 entries on SQLite with the file cached, at the end of each process's first run.
    // One write turn for them all, as the prune of one sync takes (SQLite: the process's writers one at a time, so no
    // delete meets another's lock and sleeps).
    public async Task<long> PruneRecordLogByAgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        var dropped = 0L;
        foreach (var sync in (await connection.QueryAsync<string>(new CommandDefinition(LoggedSyncs, cancellationToken: cancellationToken))).ToList())
        {
            dropped += await connection.ExecuteAsync(new CommandDefinition(DeleteOldEntries, new { sync, before = Time(before) }, cancellationToken: cancellationToken));
        }

        return dropped;
    }

    internal const string DeleteOldEntries = "delete from record_log where sync = @sync and at < @before";

    // The syncs with entries, one index seek each (the next name past the last): a loose scan of record_log_by_time.
    internal const string LoggedSyncs = """
        with recursive syncs (sync) as (
            select min(sync) from record_log
            union all
            select (select min(r.sync) from record_log r where r.sync > syncs.sync) from syncs where syncs.sync is not null)
        select sync from syncs where sync is not null
        """;

    /// <summary>This dialect's insert of a batch of log entries for <paramref name="sync"/> and <paramref name="runId"/>, in their order, all or none.</summary>
    protected abstract Task InsertRecordLogAsync(DbConnection connection, string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken);

    /// <summary>An entry's time as the log stores it in text: UTC, to the millisecond.</summary>
    protected static string LogTime(RecordLogEntry entry) =>
        entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

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
