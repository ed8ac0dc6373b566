using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>
/// SQLite's upsert binds each row itself (SQLitePCLRaw under Microsoft.Data.Sqlite): what PostgreSQL cannot store (a
/// NUL inside a text) and what the rows hold as SQLite types must come out as the JSON array form stored them.
/// </summary>
public sealed class SqliteUpsertTests : IDisposable
{
    private readonly string _path = Path.Combine(Directory.CreateTempSubdirectory("retl-upsert-").FullName, "state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
    }

    [Fact]
    public async Task Apply_KeysWithNulAndIdsOrNot_StoredWholeWithIntegerValuesAndTheirBucket()
    {
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        var keys = new[] { "nul\0inside", "nul\0", "\0", "", "ü-😀", new string('é', 4_000) };

        await store.ApplyAsync("s", [.. keys.Select((k, i) => new StateUpdate(k, new RecordState(ulong.MaxValue - (ulong)i, i % 2 == 0, (ulong)i), i == 0 ? "id\0x" : null))], CancellationToken.None);
        await store.ApplyAsync("s", [new StateUpdate("nul\0inside", new RecordState(1, false))], CancellationToken.None); // no id: the stored one stays

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select key, hash, matched, row_hash, destination_id, key_bucket, typeof(hash) || typeof(matched) || typeof(row_hash) || typeof(key_bucket) from sync_records where sync = 's'";
        var rows = new Dictionary<string, (long Hash, long Matched, long RowHash, string? Id, long Bucket, string Types)>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0), (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
            }
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((1L, 0L, 0L, "id\0x"), (rows["nul\0inside"].Hash, rows["nul\0inside"].Matched, rows["nul\0inside"].RowHash, rows["nul\0inside"].Id));
        Assert.Equal((unchecked((long)(ulong.MaxValue - 1)), 0L, 1L, (string?)null), (rows["nul\0"].Hash, rows["nul\0"].Matched, rows["nul\0"].RowHash, rows["nul\0"].Id));
        Assert.All(keys, k => Assert.Equal((SqlSyncStateStore.KeyBucket(k), "integerintegerintegerinteger"), (rows[k].Bucket, rows[k].Types)));
    }
}
