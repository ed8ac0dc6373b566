using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;
using ReverseEtl.IntegrationTests.Postgres;
using ReverseEtl.State.Postgres;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>What every state store must do alike; SQLite and PostgreSQL each pass it, for real.</summary>
public abstract class StateStoreContractTests
{
    private static readonly DateTimeOffset At = new(2025, 5, 20, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<ISyncStateStore> CreateAsync();

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
}

public sealed class SqliteStateStoreTests : StateStoreContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("retl-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    protected override async Task<ISyncStateStore> CreateAsync()
    {
        var store = new SqliteSyncStateStore(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}

[Collection(UsesPostgres.Name)]
public sealed class PostgresStateStoreTests(PostgresServer server) : StateStoreContractTests, IAsyncDisposable
{
    private readonly List<PostgresSyncStateStore> _stores = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected override async Task<ISyncStateStore> CreateAsync()
    {
        var store = new PostgresSyncStateStore(await server.CreateDatabaseAsync(), TimeProvider.System);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
