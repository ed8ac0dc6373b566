using System.Data.Common;
using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Sqlite;

/// <summary>
/// The per-record log on SQLite: a batch is one transaction of one prepared insert run per entry, which SQLite does
/// faster than unpacking a JSON array of the same rows (no statement is parsed per entry, no JSON per column).
/// </summary>
public sealed partial class SqliteSyncStateStore
{
    private static readonly string[] LogColumns = ["$key", "$at", "$action", "$decision", "$outcome", "$message", "$vendor", "$request", "$hashes"];

    protected override async Task InsertRecordLogAsync(DbConnection connection, string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = ((SqliteConnection)connection).CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            insert into record_log (sync, key, run_id, at, action, decision, outcome, message, vendor_id, request, field_hashes)
            values ($sync, $key, $run, $at, $action, $decision, $outcome, $message, $vendor, $request, $hashes)
            """;
        command.Parameters.AddWithValue("$sync", sync);
        command.Parameters.AddWithValue("$run", runId);
        var values = LogColumns.Select(name => command.Parameters.Add(new SqliteParameter(name, DBNull.Value))).ToArray();
        command.Prepare();
        foreach (var entry in entries)
        {
            object?[] row = [entry.Key, LogTime(entry), entry.Action, entry.Decision, entry.Outcome, entry.Message, entry.VendorId, entry.Request, entry.FieldHashes];
            for (var i = 0; i < row.Length; i++)
            {
                values[i].Value = row[i] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
