using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

/// <summary>Storing records: one prepared statement run per row.</summary>
public sealed partial class SqliteSyncStateStore
{
    // The same upsert as the JSON array form before it, a row at a time: SQLite runs in process, so a statement
    // prepared once and bound per row costs less than writing, parsing and walking a JSON array of 5,000 rows
    // (json_each), and the key bucket is computed here instead of by a call back from SQLite for each row.
    private const string UpsertOne = """
        insert into sync_records (sync, key, hash, matched, row_hash, destination_id, updated_at, key_bucket)
        values (@sync, @k, @h, @m, @r, @d, @now, @b)
        on conflict (sync, key) do update set hash = excluded.hash, matched = excluded.matched, row_hash = excluded.row_hash,
            destination_id = coalesce(excluded.destination_id, sync_records.destination_id), updated_at = excluded.updated_at,
            key_bucket = excluded.key_bucket
        """;

    protected override Task UpsertRecordsAsync(DbConnection connection, DbTransaction transaction, string sync, object now, IReadOnlyList<RecordRow> rows)
    {
        using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = UpsertOne;
        command.Parameters.AddWithValue("@sync", sync);
        command.Parameters.AddWithValue("@now", now);
        var (key, hash, matched, rowHash, destination, bucket) = (Add(command, "@k"), Add(command, "@h"), Add(command, "@m"), Add(command, "@r"), Add(command, "@d"), Add(command, "@b"));
        command.Prepare();
        foreach (var row in rows)
        {
            key.Value = row.Key;
            hash.Value = unchecked((long)row.State.Hash);
            matched.Value = row.State.Matched;
            rowHash.Value = unchecked((long)row.State.RowHash);
            destination.Value = (object?)row.DestinationId ?? DBNull.Value;
            bucket.Value = KeyBucket(row.Key);
            command.ExecuteNonQuery(); // SQLite's async is synchronous underneath; this saves a task per row
        }

        return Task.CompletedTask;
    }

    private static SqliteParameter Add(SqliteCommand command, string name) => command.Parameters.Add(new SqliteParameter { ParameterName = name });
}
