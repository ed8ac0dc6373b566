using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>
/// The shipped plays, unchanged, reading Snowflake's SQL API (served by WireMock, answered from the demo data): the
/// environment is the only switch, the Snowflake models are what is sent, and every request is the DuckDB run's.
/// </summary>
public sealed class PlaysOnSnowflakeTests
{
    [Fact]
    public async Task RunOnce_RetlWarehouseSnowflake_SendsTheSnowflakeModelsAndWritesExactlyTheDuckDbRequests()
    {
        await using var onDuckDb = new TestProject().WithShippedConfig(initialSend: true);
        Assert.Equal(0, (await onDuckDb.CliAsync("run", "--once")).ExitCode);
        var twins = SnowflakeOnDuckDb.ShippedModelTwins();
        using var snowflake = new SnowflakeOnDuckDb(Path.Combine(onDuckDb.Paths.DataDirectory, "demo-warehouse.duckdb"), twins);
        await using var onSnowflake = new TestProject().WithShippedConfig(initialSend: true)
            .WithVariable("RETL_WAREHOUSE", "snowflake").WithVariable("SNOWFLAKE_ACCOUNT", "myorg-myaccount")
            .WithVariable("SNOWFLAKE_TOKEN", "pat-secret").WithVariable("SNOWFLAKE_WAREHOUSE", "REVERSE_ETL_WH")
            .WithVariable("SNOWFLAKE_DATABASE", "ANALYTICS").WithVariable("SNOWFLAKE_SCHEMA", "MARTS").WithVariable("SNOWFLAKE_ROLE", "REVERSE_ETL")
            .WithVariable("SNOWFLAKE_API_BASE_URL", snowflake.Url);

        var run = await onSnowflake.CliAsync("run", "--once");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal(6, run.Output.Split('\n').Count(l => l.Contains(": Succeeded: ", StringComparison.Ordinal)));
        Assert.False(File.Exists(Path.Combine(onSnowflake.Paths.DataDirectory, "demo-warehouse.duckdb")), "no DuckDB demo on the snowflake run");
        Assert.Empty(snowflake.ContractViolations);
        Assert.Equal(12, snowflake.Submitted.Count); // per sync: the zero-row check of its columns before the run, then the read
        Assert.Equal(6, snowflake.Submitted.Count(s => s.EndsWith("where 1 = 0", StringComparison.Ordinal)));
        Assert.All(snowflake.Submitted, s => Assert.Contains(twins, t => s.Contains(t.Snowflake, StringComparison.Ordinal)));
        Assert.Equal(4, twins.Count(t => snowflake.Submitted.Any(s => s.Contains(t.Snowflake, StringComparison.Ordinal))));
        foreach (var outbox in new[] { "slack", "hubspot", "salesforce", "intercom", "partner-webhook" })
        {
            var expected = onDuckDb.OutboxRequests(outbox);
            Assert.True(expected.Count > 10, $"{outbox}: the DuckDB run wrote {expected.Count} requests");
            Assert.Equal(expected, onSnowflake.OutboxRequests(outbox));
            Assert.True(outbox is "slack" or "partner-webhook" || expected.Any(r => r.Contains("acc_3001", StringComparison.Ordinal)), $"{outbox}: the demo's NULL-bearing account is compared too");
        }
    }

    [Fact]
    public async Task Run_ModelInAnotherDialect_FailsNamingTheSyncAndSnowflakesError()
    {
        await using var onDuckDb = new TestProject().WithFile("p.yaml", "version: 1");
        onDuckDb.Sql("wh.duckdb", "create table accounts as select 'acc_1' as account_id, 'Acme' as name");
        using var snowflake = new SnowflakeOnDuckDb(Path.Combine(onDuckDb.Paths.DataDirectory, "wh.duckdb"), []);
        await using var project = new TestProject().WithFile("project.yaml", $$"""
            version: 1
            connections:
              sf: { snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{snowflake.Url}}" } }
              crm: { hubspot: { token: "" } }
            models:
              accounts: { connection: sf, primary_key: account_id, sql: "select account_id, string_agg(name, ', ') as names from accounts group by account_id" }
            syncs:
              context:
                model: accounts
                destination: crm
                mode: upsert
                fields: { product_account_id: account_id, names: names }
                hubspot: { object: companies, id_property: product_account_id }
            """);

        var report = await project.RunAsync("context");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("Snowflake rejected the query for reverse-etl:context: 001003 (42000): SQL compilation error: syntax error at 'string_agg(' (not Snowflake SQL)", report.Error, StringComparison.Ordinal);
        Assert.Equal(0L, report.Counts.Sent);
    }
}
