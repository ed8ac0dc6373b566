using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;
using SQLitePCL;

namespace ReverseEtl.State.Sqlite;

// The whole state of a sync in key order (the merge of diff: worker, the snapshot's check and rebuild), stepped through
// SQLitePCLRaw as the bucket sums are: a data reader's async read and typed getters per record cost more than SQLite's
// own scan. The key is decoded from its bytes as stored (their length from SQLite, NUL included), as the upsert bound them.
public sealed partial class SqliteSyncStateStore
{
    private const string ReadAll = "select key, hash, matched, row_hash from sync_records where sync = ?1 order by key";

    public override async IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var read = await BeginReadAsync(cancellationToken);
        var db = read.Connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, ReadAll, out var statement), db);
        using (statement)
        {
            Check(BindText(statement, 1, sync), db);
            for (var step = raw.sqlite3_step(statement); step != raw.SQLITE_DONE; step = raw.sqlite3_step(statement))
            {
                if (step != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(step, db);
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return Record(statement);
            }
        }
    }

    private static StoredRecord Record(sqlite3_stmt statement)
    {
        var state = new RecordState(
            unchecked((ulong)raw.sqlite3_column_int64(statement, 1)), raw.sqlite3_column_int64(statement, 2) != 0, unchecked((ulong)raw.sqlite3_column_int64(statement, 3)));
        return new StoredRecord(Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 0)), state);
    }
}
