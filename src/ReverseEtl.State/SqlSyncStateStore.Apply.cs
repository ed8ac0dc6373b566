using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>
/// Storing a batch of state updates in one transaction, a few statements per <see cref="RowsPerStatement"/> keys: the
/// rows go as one JSON array parameter (<c>json_each</c> on SQLite, <c>jsonb_to_recordset</c> on PostgreSQL), so no
/// statement meets a parameter limit and none is parsed per record.
/// </summary>
public abstract partial class SqlSyncStateStore
{
    /// <summary>The most keys one statement carries.</summary>
    public const int RowsPerStatement = 5_000;

    /// <summary>
    /// Stores the updates as if applied one by one, in order, all or none: the last update of a key wins, a removal
    /// before it is done first, and a destination id is kept unless a later update brings one or a removal came between.
    /// Each key's parked failure and write-ahead entry go too.
    /// </summary>
    public async Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return;
        }

        var keys = Fold(updates);
        var now = Time(time.GetUtcNow());
        using var turn = await WriteTurnAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in keys.Chunk(RowsPerStatement))
        {
            if (chunk.Any(k => k.Removed))
            {
                await ExecuteAsync(connection, transaction, $"delete from sync_records where sync = @sync and key {KeysIn}", new { sync, keys = KeyList(chunk.Where(k => k.Removed).Select(k => k.Key)) });
            }

            if (chunk.Any(k => k.State is not null))
            {
                var rows = chunk.Where(k => k.State is not null).Select(k => new RecordRow(k.Key, k.State!.Value, k.DestinationId)).ToList();
                await UpsertRecordsAsync(connection, transaction, sync, now, rows);
            }

            await ClearFailuresAndSendsAsync(connection, transaction, sync, chunk.Select(k => k.Key));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // Each key's parked failure and write-ahead entry go, from a table that holds any for the sync: a first run or a
    // dry run has none, and writing the key list, parsing it and looking each key up in an empty table cost about
    // 0.7 µs a key on SQLite. Asked after the chunk's first write, inside the transaction, so no writer adds one meanwhile.
    private async Task ClearFailuresAndSendsAsync(DbConnection connection, DbTransaction transaction, string sync, IEnumerable<string> keys)
    {
        var held = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select (select count(*) from (select 1 from record_failures where sync = @sync limit 1) f) + 2 * (select count(*) from (select 1 from pending_sends where sync = @sync limit 1) p)",
            new { sync }, transaction, cancellationToken: CancellationToken.None));
        var sql = ((held & 1) != 0 ? $"delete from record_failures where sync = @sync and key {KeysIn};" : "")
            + ((held & 2) != 0 ? $"delete from pending_sends where sync = @sync and key {KeysIn};" : "");
        if (sql.Length > 0)
        {
            await ExecuteAsync(connection, transaction, sql, new { sync, keys = KeyList(keys) });
        }
    }

    /// <summary>
    /// Upserts the rows into <c>sync_records</c>, keeping a stored destination id when a row brings none: by default one
    /// <see cref="UpsertRecords"/> statement over them as a JSON array. A dialect where running one prepared statement per
    /// row is cheaper than parsing JSON (SQLite, in process) overrides it.
    /// </summary>
    protected virtual Task UpsertRecordsAsync(DbConnection connection, DbTransaction transaction, string sync, object now, IReadOnlyList<RecordRow> rows) =>
        ExecuteAsync(connection, transaction, UpsertRecords, new { sync, now, rows = RecordRows(rows) });

    /// <summary>
    /// This dialect's upsert into <c>sync_records</c> for <c>@sync</c> at <c>@now</c> of the JSON array <c>@rows</c>
    /// (objects with k: key, h: hash, m: matched, r: row hash, d: destination id or null, b: key bucket where
    /// <see cref="KeyBucketInRows"/>), keeping a stored destination id when a row brings none. A dialect that overrides
    /// <see cref="UpsertRecordsAsync"/> needs none.
    /// </summary>
    protected virtual string UpsertRecords => throw new NotSupportedException($"{GetType().Name} gives no JSON upsert; it overrides UpsertRecordsAsync.");

    /// <summary>How this dialect tests a key against the parameter <c>@keys</c> that <see cref="KeyList"/> made.</summary>
    protected abstract string KeysIn { get; }

    /// <summary>A list of keys as this dialect's <see cref="KeysIn"/> reads it: a JSON array on SQLite, an array on PostgreSQL.</summary>
    protected virtual object KeyList(IEnumerable<string> keys) => JsonSerializer.Serialize(keys);

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, object parameters) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: CancellationToken.None));

    // The call's updates per key, in the order keys first came: whether it ends removed (or was removed on the way) and its last state.
    private static List<FoldedKey> Fold(IReadOnlyCollection<StateUpdate> updates)
    {
        var keys = new Dictionary<string, FoldedKey>(updates.Count, StringComparer.Ordinal);
        var order = new List<FoldedKey>(updates.Count);
        foreach (var update in updates)
        {
            if (!keys.TryGetValue(update.Key, out var key))
            {
                key = new FoldedKey(update.Key);
                keys.Add(update.Key, key);
                order.Add(key);
            }

            key.Removed |= update.State is null;
            key.DestinationId = update.State is null ? null : update.DestinationId ?? (key.State is null ? null : key.DestinationId);
            key.State = update.State;
        }

        return order;
    }

    private string RecordRows(IEnumerable<RecordRow> rows)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var key in rows)
            {
                var state = key.State;
                writer.WriteStartObject();
                writer.WriteString("k", key.Key);
                writer.WriteNumber("h", unchecked((long)state.Hash));
                writer.WriteBoolean("m", state.Matched);
                writer.WriteNumber("r", unchecked((long)state.RowHash));
                writer.WriteString("d", key.DestinationId);
                if (KeyBucketInRows)
                {
                    writer.WriteNumber("b", KeyBucket(key.Key));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>One key's last state in an <see cref="ApplyAsync"/> call, and the destination id to store with it (null keeps the stored one).</summary>
    protected readonly record struct RecordRow(string Key, RecordState State, string? DestinationId);

    private sealed class FoldedKey(string key)
    {
        public string Key { get; } = key;

        /// <summary>Removed at some point in the call: the stored row (and its destination id) goes before any upsert.</summary>
        public bool Removed { get; set; }

        public RecordState? State { get; set; }

        public string? DestinationId { get; set; }
    }
}
