using System.Text.RegularExpressions;

namespace ReverseEtl.IntegrationTests.Differential;

public sealed class DiffModesAgreeOnDuckDbTests : DiffModesAgreeTests
{
    private protected override Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var connection = mode == "snapshot" ? "{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }" : "{ duckdb: { path: wh.duckdb } }";
        var project = new TestProject().WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal));
        project.Sql("wh.duckdb", "create schema retl_state");
        return Task.FromResult(project);
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }
}

[Collection(Postgres.UsesPostgres.Name)]
public sealed class DiffModesAgreeOnPostgresTests(Postgres.PostgresServer server) : DiffModesAgreeTests, IDisposable
{
    private readonly Dictionary<TestProject, string> _databases = [];

    private protected override async Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var database = await server.CreateDatabaseAsync();
        var connection = mode == "snapshot" ? """{ postgres: { connection_string: "${PG}", snapshot: { schema: retl_state } } }""" : """{ postgres: { connection_string: "${PG}" } }""";
        var project = new TestProject().WithVariable("PG", database).WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal));
        _databases[project] = database;
        await Postgres.PostgresServer.ExecuteAsync(database, "create schema retl_state");
        return project;
    }

    private protected override Task ExecuteAsync(TestProject project, string sql) => Postgres.PostgresServer.ExecuteAsync(_databases[project], sql);

    private protected override string Alike(string? error) => Regex.Replace(error ?? string.Empty, "retl_test_[0-9]+", "retl_test_N");

    // Each seed makes three databases, and Npgsql keeps idle connections to each: many seeds would exhaust the server's.
    public void Dispose() => Npgsql.NpgsqlConnection.ClearAllPools();
}

/// <summary>The same through Snowflake's SQL API served by WireMock and answered from each project's DuckDB file.</summary>
public sealed class DiffModesAgreeOnSnowflakeTests : DiffModesAgreeTests, IDisposable
{
    private readonly List<Snowflake.SnowflakeOnDuckDb> _servers = [];

    private protected override Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var project = new TestProject();
        var server = new Snowflake.SnowflakeOnDuckDb(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), []);
        _servers.Add(server);
        project.Sql("wh.duckdb", "create schema retl_state");
        var connection = $$"""{ snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{server.Url}}"{{(mode == "snapshot" ? ", snapshot: { schema: retl_state }" : string.Empty)}} } }""";
        return Task.FromResult(project.WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal)));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    public void Dispose() => _servers.ForEach(s => s.Dispose());
}
