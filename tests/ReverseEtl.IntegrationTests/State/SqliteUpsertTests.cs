using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>
/// SQLite's upsert binds each row itself and its scans step their statements (SQLitePCLRaw under Microsoft.Data.Sqlite):
/// what PostgreSQL cannot store (a NUL inside a text) and what the rows hold as SQLite types must come out as the JSON
/// array form stored them, and a scan must wait out another process's lock as Microsoft.Data.Sqlite's reader does.
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

    [Fact]
    public async Task ReadRecords_KeysWithNulEmptyAndLong_StreamedWholeInUtf8OrderWithTheirState()
    {
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        var keys = new[] { "nul\0inside", "nul\0", "\0", "", "ü-😀", new string('é', 4_000), "Z", "a" };
        var states = keys.Select((k, i) => new RecordState(ulong.MaxValue - (ulong)i, i % 2 == 0, i == 3 ? 0 : (ulong)i << 60)).ToList();
        await store.ApplyAsync("s", [.. keys.Select((k, i) => new StateUpdate(k, states[i]))], CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("a", new RecordState(1, true, 1))], CancellationToken.None);

        var read = await store.ReadRecordsAsync("s", CancellationToken.None).ToListAsync();

        var expected = keys.Select((k, i) => new StoredRecord(k, states[i]))
            .OrderBy(r => System.Text.Encoding.UTF8.GetBytes(r.Key), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)));
        Assert.Equal(expected, read);
        Assert.Empty(await store.ReadRecordsAsync("none", CancellationToken.None).ToListAsync());
    }


    // The prune by age must seek, not read the whole log with its requests: the syncs found through the index on
    // (sync, at) and each sync's old entries deleted through it.
    [Fact]
    public async Task PruneByAge_PlansOfItsStatements_SeekThroughTheTimeIndexOnly()
    {
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendRecordLogAsync("s ", 1, [new RecordLogEntry("k", "update", "changed", "sent", DateTimeOffset.UnixEpoch)], CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        var syncs = await PlanAsync(connection, SqlSyncStateStore.LoggedSyncs);
        var delete = await PlanAsync(connection, SqlSyncStateStore.DeleteOldEntries.Replace("@sync", "'s '").Replace("@before", "'2026'"));

        Assert.Contains(syncs, step => step.Contains("USING COVERING INDEX record_log_by_time (sync>?)", StringComparison.Ordinal));
        Assert.Contains(delete, step => step.Contains("USING INDEX record_log_by_time (sync=? AND at<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(syncs.Concat(delete), step => step.StartsWith("SCAN record_log", StringComparison.Ordinal) || step.StartsWith("SCAN r", StringComparison.Ordinal));
        Assert.Equal(1, await store.PruneRecordLogByAgeAsync(DateTimeOffset.UnixEpoch.AddDays(1), CancellationToken.None)); // the name with its trailing space
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "explain query plan " + sql;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }

    [Fact]
    public async Task Scans_AnotherConnectionHoldsTheDatabaseExclusively_WaitForItThenReadTheState()
    {
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        var keys = new[] { "a", "ü", "", "nul\0" };
        await store.ApplyAsync("s", [.. keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i << 62)))], CancellationToken.None);
        var expectedSums = await store.SumKeyBucketsAsync("s", 4, CancellationToken.None);
        var expectedRecords = await store.ReadRecordsAsync("s", CancellationToken.None).ToListAsync();
        SqliteConnection.ClearAllPools(); // in WAL mode an open connection shares the file: none of the store's may be open for the lock below

        await using var holder = new SqliteConnection($"Data Source={_path};Pooling=False");
        await holder.OpenAsync();
        await using (var take = holder.CreateCommand())
        {
            take.CommandText = "pragma locking_mode = exclusive; begin exclusive; select count(*) from sync_records;";
            await take.ExecuteNonQueryAsync();
        }

        var sums = Task.Run(() => store.SumKeyBucketsAsync("s", 4, CancellationToken.None));
        var records = Task.Run(async () => await store.ReadRecordsAsync("s", CancellationToken.None).ToListAsync());
        await Task.Delay(300);
        Assert.False(sums.IsCompleted); // neither failed with "database is locked": both wait, as every statement of the store does
        Assert.False(records.IsCompleted);
        await holder.CloseAsync();

        Assert.Equal(expectedSums, await sums);
        Assert.Equal(expectedRecords, await records);
    }

    // A diff may stop reading the state part way (an error, a cancelled run): its read transaction must end with it, or
    // the WAL could not be checkpointed past it for as long as the process lives.
    [Fact]
    public async Task ReadRecords_ConsumerStopsAfterTheFirstRecord_LetsGoOfItsRead()
    {
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.ApplyAsync("s", [.. Enumerable.Range(0, 500).Select(i => new StateUpdate($"k-{i:D3}-é", new RecordState((ulong)i + 1, true, 7)))], CancellationToken.None);

        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            Assert.Equal("k-000-é", record.Key);
            break;
        }

        await store.ApplyAsync("s", [new StateUpdate("k-999", new RecordState(9, false, 9))], CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "pragma wal_checkpoint(truncate)";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(0, reader.GetInt32(0)); // not busy: no reader holds the WAL
    }
}
