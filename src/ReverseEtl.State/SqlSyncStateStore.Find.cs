using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>Reading the stored state of given keys only, a statement per <see cref="KeysPerLookup"/> keys.</summary>
public abstract partial class SqlSyncStateStore
{
    /// <summary>Keys looked up by one statement (SQLite takes each as a parameter of its own).</summary>
    public const int KeysPerLookup = 1_000;

    public async Task<Dictionary<string, RecordState>> FindRecordsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var records = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return records;
        }

        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(KeysPerLookup))
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                $"select key, hash, matched, row_hash from sync_records where sync = @sync and key {KeyIn}",
                new { sync, keys = chunk }, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
            {
                records[reader.GetString(0)] = new RecordState(
                    unchecked((ulong)reader.GetInt64(1)), reader.GetBoolean(2), unchecked((ulong)reader.GetInt64(3)));
            }
        }

        return records;
    }
}
