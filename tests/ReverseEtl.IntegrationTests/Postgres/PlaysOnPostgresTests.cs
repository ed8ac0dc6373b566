namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>The shipped plays, unchanged, on the demo data in PostgreSQL: RETL_WAREHOUSE is the only switch.</summary>
[Collection(UsesPostgres.Name)]
public sealed class PlaysOnPostgresTests(PostgresServer server)
{
    [Fact]
    public async Task RunOnce_RetlWarehousePostgres_WritesExactlyTheRequestsTheDuckDbDemoWrites()
    {
        await using var onDuckDb = new TestProject().WithShippedConfig(initialSend: true);
        Assert.Equal(0, (await onDuckDb.CliAsync("run", "--once")).ExitCode);
        var database = await server.CreateDatabaseAsync();
        await DemoInPostgres.LoadAsync(Path.Combine(onDuckDb.Paths.DataDirectory, "demo-warehouse.duckdb"), database);
        await using var onPostgres = new TestProject().WithShippedConfig(initialSend: true)
            .WithVariable("RETL_WAREHOUSE", "postgres").WithVariable("POSTGRES_CONNECTION_STRING", database);

        var run = await onPostgres.CliAsync("run", "--once");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(6, run.Output.Split('\n').Count(l => l.Contains(": Succeeded: ", StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Combine(onPostgres.Paths.DataDirectory, "demo-warehouse.duckdb")), "no DuckDB demo on the postgres run");
        foreach (var outbox in new[] { "slack", "hubspot", "salesforce", "intercom", "partner-webhook" })
        {
            var expected = onDuckDb.OutboxRequests(outbox);
            Assert.True(expected.Count > 10, $"{outbox}: the DuckDB run wrote {expected.Count} requests");
            Assert.Equal(expected, onPostgres.OutboxRequests(outbox));
            Assert.True(outbox is "slack" or "partner-webhook" || expected.Any(r => r.Contains("acc_3001", StringComparison.Ordinal)), $"{outbox}: the demo's NULL-bearing account is compared too");
        }
    }
}
