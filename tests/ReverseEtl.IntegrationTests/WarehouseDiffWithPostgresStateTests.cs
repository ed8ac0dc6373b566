using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Every diff of <see cref="WarehouseDiffTests"/> on DuckDB with the state in PostgreSQL, which sums the stored keys'
/// buckets itself. The worker's log is captured (debug and up) to tell how the stored side was summed: by the store
/// (event 1400 without 1301) or by hashing each stored key here (1301).
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class WarehouseDiffWithPostgresStateTests(PostgresServer server) : WarehouseDiffTests
{
    private readonly FakeLogCollector _log = new();
    private string _state = string.Empty;

    private protected override async Task<TestProject> ProjectAsync()
    {
        _state = await server.CreateDatabaseAsync();
        var provider = new FakeLoggerProvider(_log);
        return new TestProject { ConfigureServices = s => s.AddLogging(l => l.AddProvider(provider).AddFilter<FakeLoggerProvider>(null, LogLevel.Debug)) }
            .WithVariable("RETL_STATE_CONNECTION_STRING", _state)
            .WithFile("project.yaml", Yaml("{ duckdb: { path: wh.duckdb } }"));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    private protected override Task StateSqlAsync(TestProject project, string sql) => PostgresServer.ExecuteAsync(_state, sql);

    [Fact]
    public async Task Run_StateStoredBeforeTheBuckets_FilledOnceThenSummedByTheStoreAndNoKeyHashedHere()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 5, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note' as internal_note
            from generate_series(1, 12000) as t(i);
            insert into accounts values ('ü-東京', 'Zoë', 1, ''), ('ACC_00001', 'Case variant', 3, 'n'), ('', 'Empty key: rejected', 2, 'n');
            """);
        await project.RunAsync("by-warehouse");
        Assert.Empty(Events(1301));
        Assert.Equal(0, await ScalarAsync("select count(*) from sync_records where key_bucket is null"));

        await StateSqlAsync(project, "update sync_records set key_bucket = null"); // as the version before left the state
        await ExecuteAsync(project, "update accounts set account_name = 'Renamed ü' where account_id in ('acc_00002', 'acc_11000', 'ü-東京', 'ACC_00001')");
        _log.Clear();
        var changed = await project.RunAsync("by-warehouse");
        var unchanged = await project.RunAsync("by-warehouse");

        Assert.Equal((0L, 4L, 0L), (changed.Counts.Added, changed.Counts.Changed, changed.Counts.Removed));
        Assert.InRange(changed.Counts.KeysRead, 4, 12002 / 2);
        Assert.Equal((0L, 0L), (unchanged.Counts.RowsFetched, unchanged.Counts.Sent));
        Assert.Single(Events(1411)); // filled at the first sum after, 3 batches, and not again
        Assert.Contains("gave 12002 stored records their key bucket, in 3 batches", Events(1411)[0].Message, StringComparison.Ordinal);
        Assert.Equal(2, Events(1400).Count); // the bucket comparison, both runs
        Assert.Empty(Events(1301));
        Assert.Equal(0, await ScalarAsync("select count(*) from sync_records where key_bucket is null"));
    }

    private List<FakeLogRecord> Events(int id) => _log.GetSnapshot().Where(r => r.Id.Id == id).ToList();

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_state);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
