using System.Runtime.CompilerServices;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>Reading the stored state of every key: whole, streamed in key order, or counted.</summary>
public abstract partial class SqlSyncStateStore
{
    public async Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        await foreach (var (key, state) in ReadRecordsAsync(sync, cancellationToken))
        {
            records[key] = state;
        }

        return records;
    }

    public async Task<long> CountRecordsAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from sync_records where sync = @sync", new { sync }, cancellationToken: cancellationToken));
    }

    public virtual async IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select key, hash, matched, row_hash from sync_records where sync = @sync order by key{KeyCollation}";
        var parameter = command.CreateParameter();
        (parameter.ParameterName, parameter.Value) = ("sync", sync);
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Typed getters: nothing boxed per row (matched is an integer in SQLite and a boolean in PostgreSQL; both read as bool).
            var state = new RecordState(unchecked((ulong)reader.GetInt64(1)), reader.GetBoolean(2), unchecked((ulong)reader.GetInt64(3)));
            yield return new StoredRecord(reader.GetString(0), state);
        }
    }
}
