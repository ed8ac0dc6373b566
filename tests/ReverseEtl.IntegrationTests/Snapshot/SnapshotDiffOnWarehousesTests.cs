using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Snapshot;

public sealed class SnapshotDiffOnDuckDbTests : SnapshotDiffTests
{
    private protected override Task<TestProject> ProjectAsync()
    {
        var project = new TestProject().WithFile("project.yaml", Yaml("{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }"));
        project.Sql("wh.duckdb", "create schema retl_state");
        return Task.FromResult(project);
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    private protected override Task<long> ScalarAsync(TestProject project, string sql) => DuckDbScalarAsync(project, sql);

    internal static async Task<long> DuckDbScalarAsync(TestProject project, string sql)
    {
        await using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "wh.duckdb")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Run_MoreKeysThanOneBulkChunk_WrittenAsTheRunGoesAndTheNextRunsReadOnlyChanges()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'ключ_' || lpad(cast(i as varchar), 6, '0') as account_id, case when i % 7 = 0 then null else 'Account ' || i end as account_name,
                   i % 40 as days_in_stage, case when i % 5 = 0 then '' else repeat('ü', i % 300) end as internal_note
            from generate_series(1, 120500) as t(i)
            """);

        var first = await project.RunAsync("by-snapshot");
        Assert.Equal((0L, 120_500L, 120_500L), await SnapshotTableAsync(project)); // all written: 100,000 keys once the state had them, the rest at the end
        var unchanged = await project.RunAsync("by-snapshot");
        await ExecuteAsync(project, "update accounts set days_in_stage = 99 where account_id in ('ключ_000001', 'ключ_100000', 'ключ_120500')");
        var changed = await project.RunAsync("by-snapshot");

        Assert.Equal((RunStatus.Succeeded, 120_500L, 120_500L), (first.Status, first.Counts.Added, first.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 0L, 0L), (unchanged.Status, unchanged.Counts.RowsRead, unchanged.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 3L, 3L, 3L), (changed.Status, changed.Counts.RowsRead, changed.Counts.Changed, changed.Counts.Sent));
    }

    [Fact]
    public async Task Run_TheSnapshotTable_HasNoPrimaryKeyAndHoldsEachKeyOnce()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(300));
        await RunBothAsync(project);
        await ExecuteAsync(project, "update accounts set days_in_stage = days_in_stage + 1 where account_id <= 'acc_0100'");
        await RunBothAsync(project);

        Assert.Equal((0L, 300L, 300L), await SnapshotTableAsync(project));
    }

    // The snapshot's diff returns DuckDB's row hash as a number, never printed: it must be the number whose 16 hex digits
    // the bucket diff (and the snapshot) store, for rows hashed by hash() and rows with a double hashed by md5 alike, or
    // a sync that gains a snapshot would read and rehash every row.
    [Theory]
    [InlineData("accounts")] // hashed by hash()
    [InlineData("scored")] // a double: hashed by md5
    public async Task Run_SyncMovedFromBucketsToASnapshot_SameRowHashesSoNothingReadOrSent(string table)
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(700) + """
            ;
            insert into accounts values ('ключ_1', 'Имя — ünïcödé', 1, 'n'), ('emoji_🙂', 'Party 🎉', 2, ''), ('o''neil', '', 3, null),
                ('long_1', repeat('y', 5000), 4, 'n'), ('nulls_1', null, null, null);
            create table scored as select *, case when days_in_stage % 3 = 0 then null else days_in_stage / 7.0 end :: double as score from accounts
            """);
        string Model(string connection) => Yaml(connection).Replace("sql: select * from accounts", $"sql: select * from {table}");
        var buckets = await project.WithFile("project.yaml", Model("{ duckdb: { path: wh.duckdb } }")).RunAsync("by-snapshot");

        var snapshot = await project.WithFile("project.yaml", Model("{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }")).RunAsync("by-snapshot");
        await ExecuteAsync(project, $"update {table} set internal_note = 'edited ✓' where account_id in ('acc_0003', 'ключ_1')");
        var changed = await project.RunAsync("by-snapshot");

        Assert.Equal((RunStatus.Succeeded, 705L), (buckets.Status, buckets.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 0L, 0L), (snapshot.Status, snapshot.Counts.RowsRead, snapshot.Counts.Sent));
        Assert.Equal(705L, await ScalarAsync(project, "select count(distinct row_hash) from retl_state.retl_snapshot"));
        Assert.Equal((RunStatus.Succeeded, 2L, 0L), (changed.Status, changed.Counts.RowsRead, changed.Counts.Sent)); // a column no field maps

        // The two rows' new row hashes, stored from the numbers the snapshot's diff returned, are their texts' numbers.
        var stored = await project.State.FindRecordsAsync("by-snapshot", ["acc_0003", "ключ_1"], CancellationToken.None);
        foreach (var key in (string[])["acc_0003", "ключ_1"])
        {
            var rowHash = new ReverseEtl.Warehouses.DuckDb.DuckDbWarehouse(new(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false)).RowHash("q", ReverseEtl.Core.Running.RowHashSalt.Of(project.Load().Project!.Syncs["by-snapshot"]));
            var text = await TextAsync(project, $"select {rowHash} from (select * from {table}) as q where account_id = '{key}'");
            Assert.Equal(ulong.Parse(text.AsSpan(0, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), stored[key].RowHash);
        }
    }

    private static async Task<string> TextAsync(TestProject project, string sql)
    {
        await using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "wh.duckdb")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Assert.IsType<string>(await command.ExecuteScalarAsync());
    }

    // The snapshot table's primary keys, rows and distinct keys.
    private static async Task<(long Keys, long Rows, long Distinct)> SnapshotTableAsync(TestProject project)
    {
        await using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "wh.duckdb")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            select (select count(*) from duckdb_constraints() where table_name = 'retl_snapshot' and constraint_type = 'PRIMARY KEY'),
                   count(*), count(distinct key_text) from retl_state.retl_snapshot
            """;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)));
    }
}

[Collection(UsesPostgres.Name)]
public sealed class SnapshotDiffOnPostgresTests(PostgresServer server) : SnapshotDiffTests
{
    private string _connectionString = string.Empty;

    private protected override async Task<TestProject> ProjectAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        var project = new TestProject().WithVariable("PG", _connectionString)
            .WithFile("project.yaml", Yaml("""{ postgres: { connection_string: "${PG}", snapshot: { schema: retl_state } } }"""));
        await ExecuteAsync(project, "create schema retl_state");
        return project;
    }

    private protected override Task ExecuteAsync(TestProject project, string sql) => PostgresServer.ExecuteAsync(_connectionString, sql);

    private protected override async Task<long> ScalarAsync(TestProject project, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>The same, writing and reading through Snowflake's SQL API served by WireMock and answered from a DuckDB file.</summary>
public sealed class SnapshotDiffOnSnowflakeTests : SnapshotDiffTests, IDisposable
{
    private Snowflake.SnowflakeOnDuckDb? _snowflake;

    private protected override Task<TestProject> ProjectAsync()
    {
        var project = new TestProject();
        _snowflake = new Snowflake.SnowflakeOnDuckDb(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), []);
        project.Sql("wh.duckdb", "create schema retl_state");
        return Task.FromResult(project.WithFile("project.yaml", Yaml($$"""{ snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{_snowflake.Url}}", snapshot: { schema: retl_state } } }""")));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    private protected override Task<long> ScalarAsync(TestProject project, string sql) => SnapshotDiffOnDuckDbTests.DuckDbScalarAsync(project, sql);

    public void Dispose() => _snowflake?.Dispose();
}
