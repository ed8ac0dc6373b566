using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Every diff of <see cref="WarehouseDiffTests"/> on DuckDB with a state store that keeps no buckets: the SQLite store
/// seen only as an <see cref="ISyncStateStore"/> (<see cref="PlainStore"/>), as a store of another kind would be. The
/// worker then sums the stored keys' buckets itself (each key hashed here, or its row hash read), and keeps only the
/// stored records of the buckets that differ (<c>BucketChanges.Wanted</c>), which the SQLite and PostgreSQL stores do
/// for it. Each test compares the requests and events with <c>diff: worker</c>'s, so both paths give the same changes.
/// </summary>
public sealed class WarehouseDiffWithPlainStateTests : WarehouseDiffTests
{
    private readonly FakeLogCollector _log = new();

    private protected override Task<TestProject> ProjectAsync()
    {
        var provider = new FakeLoggerProvider(_log);
        TestProject? project = null;
        project = new TestProject { ConfigureServices = services => services
            .AddLogging(l => l.AddProvider(provider).AddFilter<FakeLoggerProvider>(null, LogLevel.Debug))
            .AddSingleton(sp => PlainStore.Over(new SqliteSyncStateStore(
                Path.Combine(project!.Paths.DataDirectory, "state.db"), sp.GetRequiredService<TimeProvider>(), NullLogger<SqliteSyncStateStore>.Instance))) };
        return Task.FromResult(project.WithFile("project.yaml", Yaml("{ duckdb: { path: wh.duckdb } }")));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    private protected override async Task StateSqlAsync(TestProject project, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "state.db")}");
        await connection.ExecuteAsync(sql);
    }

    [Fact]
    public async Task Run_StoreWithoutBuckets_EachStoredKeyHashedHere()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, "create table accounts as select 'acc_' || cast(i as varchar) as account_id, 'Zoë ' || cast(i as varchar) as account_name, i % 40 as days_in_stage from generate_series(1, 500) as t(i)");
        await project.RunAsync("by-warehouse");
        await ExecuteAsync(project, "update accounts set account_name = 'Édité' where account_id = 'acc_7'");

        var changed = await project.RunAsync("by-warehouse");

        Assert.False(project.State is IKeyBucketStore);
        Assert.Equal((1L, 0L), (changed.Counts.Changed, changed.Counts.Added));
        Assert.InRange(changed.Counts.KeysRead, 1, 500 / 10);
        Assert.Single(_log.GetSnapshot(), r => r.Id.Id == 1301);
    }
}

/// <summary>A state store seen only through <see cref="ISyncStateStore"/>: what else it implements (its buckets) is hidden.</summary>
public class PlainStore : DispatchProxy
{
    private ISyncStateStore? _inner;

    public static ISyncStateStore Over(ISyncStateStore inner)
    {
        var proxy = Create<ISyncStateStore, PlainStore>();
        ((PlainStore)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return targetMethod.Invoke(_inner, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
    }
}
