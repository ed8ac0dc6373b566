using System.Data.Common;
using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;
using SQLitePCL;

namespace ReverseEtl.State.Sqlite;

/// <summary>
/// The per-record log on SQLite: a batch is one transaction of one prepared insert run per entry, which SQLite does
/// faster than unpacking a JSON array of the same rows (no statement is parsed per entry, no JSON per column).
/// </summary>
public sealed partial class SqliteSyncStateStore
{
    private const string InsertLogEntry = """
        insert into record_log (sync, key, run_id, at, action, decision, outcome, message, vendor_id, request, field_hashes)
        values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """;

    protected override async Task InsertRecordLogAsync(DbConnection connection, string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        // Begun immediate (Microsoft.Data.Sqlite's default): the write lock is held, so no step below meets a busy database.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        InsertEntries(((SqliteConnection)connection).Handle!, sync, runId, entries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Bound and stepped through SQLitePCLRaw, as the record upsert is: a SqliteCommand run per entry (a data reader,
    // parameters by name, a busy-retry stopwatch) cost about as much as SQLite's own work on a first run's million entries.
    private static void InsertEntries(sqlite3 db, string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, InsertLogEntry, out var statement), db);
        using (statement)
        {
            Check(BindText(statement, 1, sync), db);
            Check(raw.sqlite3_bind_int64(statement, 3, runId), db);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested(); // the transaction is rolled back: all or none
                Check(BindText(statement, 2, entry.Key), db);
                Check(BindText(statement, 4, LogTime(entry)), db);
                Check(BindText(statement, 5, entry.Action), db);
                Check(BindText(statement, 6, entry.Decision), db);
                Check(BindText(statement, 7, entry.Outcome), db);
                Check(BindTextOrNull(statement, 8, entry.Message), db);
                Check(BindTextOrNull(statement, 9, entry.VendorId), db);
                Check(BindTextOrNull(statement, 10, entry.Request), db);
                Check(BindTextOrNull(statement, 11, entry.FieldHashes), db);
                Step(statement, db);
            }
        }
    }

    private static int BindTextOrNull(sqlite3_stmt statement, int index, string? text) =>
        text is null ? raw.sqlite3_bind_null(statement, index) : BindText(statement, index, text);
}
