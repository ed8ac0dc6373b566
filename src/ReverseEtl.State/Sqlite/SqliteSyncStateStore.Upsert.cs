using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ReverseEtl.State.Sqlite;

/// <summary>Storing records: one prepared statement run per row.</summary>
public sealed partial class SqliteSyncStateStore
{
    // The same upsert as the JSON array form before it, a row at a time: SQLite runs in process, so a statement
    // prepared once and bound per row costs less than writing, parsing and walking a JSON array of 5,000 rows
    // (json_each), and the key bucket is computed here instead of by a call back from SQLite for each row.
    private const string UpsertOne = """
        insert into sync_records (sync, key, hash, matched, row_hash, destination_id, updated_at, key_bucket)
        values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        on conflict (sync, key) do update set hash = excluded.hash, matched = excluded.matched, row_hash = excluded.row_hash,
            destination_id = coalesce(excluded.destination_id, sync_records.destination_id), updated_at = excluded.updated_at,
            key_bucket = excluded.key_bucket
        """;

    // Bound and stepped through SQLitePCLRaw, under Microsoft.Data.Sqlite's own connection and transaction (begun
    // immediate, so the write lock is already held): a SqliteCommand per row costs a data reader, parameter lookups
    // by name and a busy-retry stopwatch, about half of this step's CPU on a first run.
    protected override Task UpsertRecordsAsync(DbConnection connection, DbTransaction transaction, string sync, object now, IReadOnlyList<RecordRow> rows)
    {
        var db = ((SqliteConnection)connection).Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, UpsertOne, out var statement), db);
        using (statement)
        {
            Check(BindText(statement, 1, sync), db);
            Check(BindText(statement, 7, (string)now), db);
            foreach (var row in rows)
            {
                Check(BindText(statement, 2, row.Key), db);
                Check(raw.sqlite3_bind_int64(statement, 3, unchecked((long)row.State.Hash)), db);
                Check(raw.sqlite3_bind_int64(statement, 4, row.State.Matched ? 1 : 0), db);
                Check(raw.sqlite3_bind_int64(statement, 5, unchecked((long)row.State.RowHash)), db);
                Check(row.DestinationId is { } id ? BindText(statement, 6, id) : raw.sqlite3_bind_null(statement, 6), db);
                Check(raw.sqlite3_bind_int64(statement, 8, KeyBucket(row.Key)), db);
                var done = raw.sqlite3_step(statement);
                if (done != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(done, db);
                }

                Check(raw.sqlite3_reset(statement), db);
            }
        }

        return Task.CompletedTask;
    }

    // With its length: the string form stops at a NUL character, which a key from a warehouse may hold.
    private static int BindText(sqlite3_stmt statement, int index, string text) =>
        raw.sqlite3_bind_text(statement, index, System.Text.Encoding.UTF8.GetBytes(text).AsSpan());

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
