using Dapper;
using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Postgres;
using ReverseEtl.State.Postgres;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>What every state store must do alike; SQLite and PostgreSQL each pass it, for real.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly DateTimeOffset At = new(2025, 5, 20, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<ISyncStateStore> CreateAsync();

    /// <summary>A second store on the state <see cref="CreateAsync"/> made last, as another process (<paramref name="instance"/>) would open it.</summary>
    protected abstract ISyncStateStore OpenAgain(string instance = "another-process");

    [Fact]
    public async Task Apply_StoresHashesAndMatchesKeepsTheDestinationIdAndDeletes()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new("a", new RecordState(ulong.MaxValue - 1, true), "id-a"), new("b", new RecordState(42, false))], CancellationToken.None);
        await store.ApplyAsync("s", [new("a", new RecordState(7, false)), new("b", null)], CancellationToken.None);

        var records = await store.LoadRecordsAsync("s", CancellationToken.None);

        Assert.Equal(new RecordState(7, false), Assert.Single(records, r => r.Key == "a").Value);
        Assert.DoesNotContain("b", records.Keys);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "id-a" }, await store.LoadDestinationIdsAsync("s", ["a", "b", "zz"], CancellationToken.None));
        Assert.Empty(await store.LoadRecordsAsync("other", CancellationToken.None));
    }

    [Fact]
    public async Task Runs_StatusShowsTheLastRunOfEachSyncAndItsFailingRecordsUntilDelivered()
    {
        var store = await CreateAsync();
        var first = await store.StartRunAsync("s", At, CancellationToken.None);
        await store.FinishRunAsync(first, new RunResult(At.AddMinutes(1), RunStatus.Failed, new RunCounts { RowsRead = 3 }, "boom"), CancellationToken.None);
        var second = await store.StartRunAsync("s", At.AddHours(1), CancellationToken.None);
        await store.RecordFailuresAsync("s", second, [new("k1", true, "rate limited"), new("k2", false, "channel_not_found")], CancellationToken.None);
        await store.ApplyAsync("s", [new("k1", new RecordState(1, true))], CancellationToken.None);
        await store.FinishRunAsync(second, new RunResult(At.AddHours(1).AddMinutes(1), RunStatus.PartiallyFailed, new RunCounts { RowsRead = 3, Sent = 1, Failed = 2 }, null), CancellationToken.None);

        var status = Assert.Single(await store.GetStatusAsync(CancellationToken.None));

        Assert.Equal((second, "PartiallyFailed", At.AddHours(1), 1L, 2L), (status.RunId, status.Status, status.StartedAt, status.Counts.Sent, status.Counts.Failed));
        Assert.Equal((1, "k2: channel_not_found", (string?)null), (status.FailingRecords, status.LastFailure, status.Error));
    }

    [Fact]
    public async Task Initialize_AgainAndFromTwoWorkersAtOnce_IsHarmless()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new("a", new RecordState(1, true))], CancellationToken.None);

        await Task.WhenAll(store.InitializeAsync(CancellationToken.None), store.InitializeAsync(CancellationToken.None));

        Assert.Single(await store.LoadRecordsAsync("s", CancellationToken.None));
    }

    [Fact]
    public async Task TryLock_OneHolderPerSyncAcrossStores_FreeAgainOnceReleased()
    {
        var store = await CreateAsync();
        var other = OpenAgain();

        var held = await store.TryLockAsync("s", CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await other.TryLockAsync("s", CancellationToken.None));
        await using (var elsewhere = await other.TryLockAsync("t", CancellationToken.None))
        {
            Assert.NotNull(elsewhere);
        }

        await held.DisposeAsync();
        await using var again = await other.TryLockAsync("s", CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task StartRun_ClosesARunLeftOpenByADeadProcessAsAbandoned()
    {
        var store = await CreateAsync();
        var dead = await OpenAgain("worker-dead").StartRunAsync("s", At, CancellationToken.None);
        var untouched = await store.StartRunAsync("t", At, CancellationToken.None);

        var live = OpenAgain("worker-live");
        var next = await live.StartRunAsync("s", At.AddMinutes(5), CancellationToken.None);
        await live.FinishRunAsync(next, new RunResult(At.AddMinutes(6), RunStatus.Succeeded, new RunCounts(), null), CancellationToken.None);

        var runs = await RunsAsync();
        Assert.Equal(("Abandoned", At.AddMinutes(5)), (runs[dead].Status, runs[dead].FinishedAt));
        Assert.Equal(
            $"the process running it (worker-dead) stopped before the end (killed, crashed or its node lost); acknowledged records were kept and run {next} on worker-live took over",
            runs[dead].Error);
        Assert.Equal("worker-live", (await store.GetStatusAsync(CancellationToken.None)).Single(s => s.Sync == "s").Instance);
        Assert.Equal(("Running", (DateTimeOffset?)null), (runs[untouched].Status, runs[untouched].FinishedAt));
        Assert.Equal("Succeeded", runs[next].Status);
    }

    /// <summary>Every run, by id (the status verb shows only the last of each sync).</summary>
    protected abstract Task<Dictionary<long, (string Status, DateTimeOffset? FinishedAt, string? Error)>> RunsAsync();
}

public sealed class SqliteStateStoreTests : StateStoreContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("retl-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string _path = "";

    protected override async Task<ISyncStateStore> CreateAsync()
    {
        _path = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        var store = new SqliteSyncStateStore(_path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override ISyncStateStore OpenAgain(string instance = "another-process") => new SqliteSyncStateStore(_path, TimeProvider.System) { Instance = instance };

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        await connection.ExecuteAsync(sql);
    }

    protected override async Task<Dictionary<string, long?>> StoredBucketsAsync(string sync)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        var rows = await connection.QueryAsync<(string Key, long? Bucket)>("select key, key_bucket from sync_records where sync = @sync", new { sync });
        return rows.ToDictionary(r => r.Key, r => r.Bucket, StringComparer.Ordinal);
    }

    protected override async Task DowngradeToBeforeKeyBucketsAsync()
    {
        await ExecuteAsync("drop index if exists sync_records_no_bucket; alter table sync_records drop column key_bucket");
        await ExecuteAsync(DropRunReads);
        await ExecuteAsync("pragma user_version = 8");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        Assert.DoesNotContain("key_bucket", await connection.QueryAsync<string>("select name from pragma_table_info('sync_records')"));

        // The upgrade is a new process: pooled connections that cached the schema with the column are not kept.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("/etc/x")]
    [InlineData("")]
    public async Task TryLock_NameReachingOutsideTheLocksFolder_RefusedAndNothingWritten(string sync)
    {
        var store = await CreateAsync();
        var before = Directory.EnumerateFileSystemEntries(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => store.TryLockAsync(sync, CancellationToken.None));

        Assert.StartsWith($"The sync name '{sync}' cannot name a lock file under {Path.Combine(_folder, "locks")}; use letters, digits, '-' and '_'.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_folder)!, "x.lock")));
    }

    protected override async Task<Dictionary<long, (string Status, DateTimeOffset? FinishedAt, string? Error)>> RunsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        var rows = await connection.QueryAsync<(long Id, string Status, string? FinishedAt, string? Error)>("select id, status, finished_at, error from sync_runs");
        return rows.ToDictionary(r => r.Id, r => (r.Status, r.FinishedAt is null ? (DateTimeOffset?)null
            : DateTimeOffset.Parse(r.FinishedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal), r.Error));
    }
}

[Collection(UsesPostgres.Name)]
public sealed partial class PostgresStateStoreTests(PostgresServer server) : StateStoreContractTests, IAsyncDisposable
{
    private readonly List<PostgresSyncStateStore> _stores = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private string _database = "";

    [Fact]
    public async Task TryLock_HolderSessionIsNamed_EndingItFreesTheLock()
    {
        var store = await CreateAsync();
        var held = await store.TryLockAsync("stuck-sync", CancellationToken.None);
        Assert.NotNull(held);

        // What README tells an operator to run when a vanished replica's session is kept open by a proxy.
        await using (var admin = new Npgsql.NpgsqlConnection(_database))
        {
            var ended = await admin.QueryAsync<bool>("select pg_terminate_backend(pid) from pg_stat_activity where application_name = @name",
                new { name = PostgresSyncStateStore.LockSessionName("stuck-sync") });
            Assert.Equal([true], ended);
        }

        await using var taken = await OpenAgain().TryLockAsync("stuck-sync", CancellationToken.None);
        Assert.NotNull(taken);
        await held.DisposeAsync(); // its connection is gone: nothing to unlock, and no error
    }

    protected override async Task<ISyncStateStore> CreateAsync()
    {
        _database = await server.CreateDatabaseAsync();
        var store = (PostgresSyncStateStore)OpenAgain();
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override ISyncStateStore OpenAgain(string instance = "another-process")
    {
        var store = new PostgresSyncStateStore(_database, TimeProvider.System) { Instance = instance };
        _stores.Add(store);
        return store;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        await connection.ExecuteAsync(sql);
    }

    protected override async Task<Dictionary<string, long?>> StoredBucketsAsync(string sync)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        var rows = await connection.QueryAsync<(string Key, long? Bucket)>("select key, key_bucket from sync_records where sync = @sync", new { sync });
        return rows.ToDictionary(r => r.Key, r => r.Bucket, StringComparer.Ordinal);
    }

    protected override async Task DowngradeToBeforeKeyBucketsAsync()
    {
        await ExecuteAsync("alter table sync_records drop column key_bucket; delete from retl_schema_version where version >= 9");
        await ExecuteAsync(DropRunReads);
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from information_schema.columns where table_name = 'sync_records' and column_name = 'key_bucket'"));
        Npgsql.NpgsqlConnection.ClearAllPools(); // the upgrade is a new process: no session that cached the old row type
    }

    [Fact]
    public async Task SumKeyBuckets_ARecordWithoutItsBucketHeldByAnotherWriter_NoSumsSoTheKeysAreHashedThenFilledOnceFree()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new StateUpdate("a", new RecordState(1, true, 2)), new StateUpdate("ü held", new RecordState(3, false, 4))], CancellationToken.None);
        await ExecuteAsync("update sync_records set key_bucket = null where key = 'ü held'");
        await using var other = new Npgsql.NpgsqlConnection(_database);
        await other.OpenAsync();
        var writing = await other.BeginTransactionAsync();
        await other.ExecuteAsync("select 1 from sync_records where key = 'ü held' for update", transaction: writing);

        // The fill passes over the record another writer holds instead of waiting for it: no sums this time.
        var none = new CollectedBucketSums();
        Assert.False(await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 8, none, CancellationToken.None));
        Assert.Empty(none.Buckets); // whatever was added before the record without its bucket was met, cleared
        Assert.True(none.Clears > 0);
        Assert.Null((await StoredBucketsAsync("s"))["ü held"]);

        await writing.RollbackAsync();
        var sums = await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 8, CancellationToken.None);
        Assert.Equal(2, sums!.Sum(b => b.Rows));
        Assert.Equal(PostgresSyncStateStore.KeyBucket("ü held"), (await StoredBucketsAsync("s"))["ü held"]);
    }

    protected override async Task<Dictionary<long, (string Status, DateTimeOffset? FinishedAt, string? Error)>> RunsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        var rows = await connection.QueryAsync<(long Id, string Status, DateTime? FinishedAt, string? Error)>("select id, status, finished_at, error from sync_runs");
        return rows.ToDictionary(r => r.Id, r => (r.Status, r.FinishedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : (DateTimeOffset?)null, r.Error));
    }
}
