using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
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

        // One statement per chunk, each key once (its last send, as one by one would leave it).
        var last = sends.GroupBy(s => s.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in last.Chunk(RowsPerStatement))
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertPending, new { sync, runId, rows = PendingRows(chunk) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ClearPendingAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"delete from pending_sends where sync = @sync and key {KeyIn}", new { sync, keys = keys.ToArray() }, cancellationToken: cancellationToken));
    }

    public async Task<UnsettledSends> MarkUnsettledAsync(string sync, bool addUnstored, CancellationToken cancellationToken)
    {
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(MarkUnsettled, new { sync }, transaction, cancellationToken: cancellationToken));
        var added = addUnstored
            ? await connection.ExecuteAsync(new CommandDefinition(AddUnsettled, new { sync, matched = true, now = Time(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken))
            : 0;
        await transaction.CommitAsync(cancellationToken);
        return new UnsettledSends(marked, added);
    }

    // A write leaves its key matching with its payload's hash; a state otherwise differs. Driven by the log (its keys
    // looked up by primary key), so a sync of a million keys with a few logged reads a few. A key already unknown is left
    // alone, so the count is of keys marked now.
    private const string MarkUnsettled = """
        update sync_records set hash = 0, row_hash = 0
        where sync = @sync and key in (select key from pending_sends where sync = @sync) and (hash <> 0 or row_hash <> 0)
            and exists (select 1 from pending_sends p where p.sync = @sync and p.key = sync_records.key and (p.action = 'Delete' or p.hash <> sync_records.hash or not sync_records.matched))
        """;

    // Its key bucket is filled in before buckets are next summed (FillKeyBucketsAsync), as for a record of an older version.
    private const string AddUnsettled = """
        insert into sync_records (sync, key, hash, matched, row_hash, destination_id, updated_at)
        select p.sync, p.key, 0, @matched, 0, null, @now from pending_sends p
        where p.sync = @sync and p.action <> 'Delete' and not exists (select 1 from sync_records r where r.sync = p.sync and r.key = p.key)
        """;

    /// <summary>
    /// This dialect's upsert into <c>pending_sends</c> for <c>@sync</c> and <c>@runId</c> of the JSON array <c>@rows</c>
    /// (objects with k: key, a: action, h: hash, t: attempted at, as <see cref="TimeText"/> writes it).
    /// </summary>
    protected abstract string UpsertPending { get; }

    /// <summary>A timestamp as text inside a JSON parameter, for this dialect to store as <see cref="Time"/> would.</summary>
    protected virtual string TimeText(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private string PendingRows(IEnumerable<PendingSend> sends)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var send in sends)
            {
                writer.WriteStartObject();
                writer.WriteString("k", send.Key);
                writer.WriteString("a", send.Action.ToString());
                writer.WriteNumber("h", unchecked((long)send.Hash));
                writer.WriteString("t", TimeText(send.AttemptedAt));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
