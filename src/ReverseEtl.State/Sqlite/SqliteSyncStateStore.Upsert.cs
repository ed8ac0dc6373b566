using System.Buffers;
using System.Data.Common;
using System.Text;
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
                Step(statement, db);
            }
        }

        return Task.CompletedTask;
    }

    // With its length: the string form stops at a NUL character, which a key from a warehouse may hold. SQLite copies
    // the bytes (SQLITE_TRANSIENT), so a short text is encoded on the stack and a long one in a rented array; an empty
    // text goes by the string form, as an empty span would bind NULL.
    private static int BindText(sqlite3_stmt statement, int index, string text)
    {
        if (text.Length == 0)
        {
            return raw.sqlite3_bind_text(statement, index, string.Empty);
        }

        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most <= 1024)
        {
            Span<byte> bytes = stackalloc byte[most];
            return raw.sqlite3_bind_text(statement, index, bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(most);
        try
        {
            return raw.sqlite3_bind_text(statement, index, rented.AsSpan(0, Encoding.UTF8.GetBytes(text, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Step(sqlite3_stmt statement, sqlite3 db)
    {
        var done = raw.sqlite3_step(statement);
        if (done != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(done, db);
        }

        Check(raw.sqlite3_reset(statement), db);
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
