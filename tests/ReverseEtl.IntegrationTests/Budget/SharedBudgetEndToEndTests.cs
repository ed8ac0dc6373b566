using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Hosting;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Budget;

/// <summary>
/// Two replicas (two worker hosts, each with its own container, pools and pace) on one PostgreSQL state run different
/// HubSpot syncs on one token at once, against a stand-in that enforces the token's rolling limit: the budget kept in
/// PostgreSQL holds the pace across both, so no request is refused, and every record arrives.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class SharedBudgetEndToEndTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Limit = 10;
    private const int Rows = 60;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoReplicas_OneToken_PostgresState_NoRateLimitAnswers_EveryRecordDelivered(bool quotaHeaders)
    {
        using var hubSpot = new RollingLimitStandIn(Limit, Window, quotaHeaders);
        var state = await server.CreateDatabaseAsync();
        await using var first = Replica("a", state, hubSpot);
        await using var second = Replica("b", state, hubSpot);

        var reports = await Task.WhenAll(first.RunAsync("companies-a"), second.RunAsync("companies-b"));

        output.WriteLine($"{hubSpot.Accepted} accepted, {hubSpot.RateLimited} answered 429");
        Assert.All(reports, r => Assert.Equal((RunStatus.Succeeded, (long)Rows), (r.Status, r.Counts.Sent)));
        Assert.Equal(0, hubSpot.RateLimited);
        var delivered = hubSpot.Delivered.Select(i => i["id"]!.GetValue<string>()).ToList();
        Assert.Equal(2 * Rows, delivered.Count);
        Assert.Equal(2 * Rows, delivered.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(hubSpot.Delivered, i => i["properties"]!["name"]?.GetValue<string>() == "Zoë 名前 ✓");
        Assert.Equal(2 * (Rows / 5), hubSpot.Accepted);
    }

    [Fact]
    public async Task TwoWorkerProcesses_RunOnce_OneToken_PostgresState_NoRateLimitAnswers_EveryRecordDelivered()
    {
        const int rows = 100;
        using var hubSpot = new RollingLimitStandIn(Limit, Window, quotaHeaders: false);
        var state = await server.CreateDatabaseAsync();
        await using var first = Replica("a", state, hubSpot, rows);
        await using var second = Replica("b", state, hubSpot, rows);

        await using (var a = new WorkerProcess(first, Environment(state, "a"), "run", "--once"))
        await using (var b = new WorkerProcess(second, Environment(state, "b"), "run", "--once"))
        {
            await a.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(120));
            await b.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(120));
        }

        output.WriteLine($"{hubSpot.Accepted} accepted, {hubSpot.RateLimited} answered 429");
        Assert.Equal(0, hubSpot.RateLimited);
        var delivered = hubSpot.Delivered.Select(i => i["id"]!.GetValue<string>()).ToList();
        Assert.Equal(2 * rows, delivered.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(2 * rows, delivered.Count);
        // The replicas sent at the same time (else the test shows nothing): each one's first batch came before the other's last.
        var firstA = delivered.FindIndex(id => id.StartsWith("a_", StringComparison.Ordinal));
        var firstB = delivered.FindIndex(id => id.StartsWith("b_", StringComparison.Ordinal));
        Assert.True(firstA < delivered.FindLastIndex(id => id.StartsWith("b_", StringComparison.Ordinal))
            && firstB < delivered.FindLastIndex(id => id.StartsWith("a_", StringComparison.Ordinal)), "the two workers' sends did not overlap");
    }

    [Fact]
    public async Task BudgetUnreadable_RunFails_NamingTheConnectionAndWhatToCheck_NothingSent()
    {
        using var hubSpot = new RollingLimitStandIn(Limit, Window);
        var state = await server.CreateDatabaseAsync();
        await using var replica = Replica("a", state, hubSpot);
        await replica.State.InitializeAsync(CancellationToken.None);
        await using (var connection = new Npgsql.NpgsqlConnection(state))
        {
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand("drop table credential_budgets", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var report = await replica.RunAsync("companies-a");

        Assert.Equal((RunStatus.Failed, 0L), (report.Status, report.Counts.Sent));
        var error = Assert.Single(await replica.State.GetStatusAsync(CancellationToken.None)).Error;
        Assert.StartsWith($"HubSpot connection 'crm' ({new Uri(hubSpot.Url).Authority}): the request budget shared by replicas could not be read from the PostgreSQL state", error, StringComparison.Ordinal);
        Assert.Contains("): 42P01: relation \"credential_budgets\" does not exist; check RETL_STATE_CONNECTION_STRING", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-shared-token", error, StringComparison.Ordinal);
        Assert.Equal(0, hubSpot.Accepted + hubSpot.Reads + hubSpot.RateLimited);
    }

    private static Dictionary<string, string> Environment(string state, string name) =>
        new() { ["RETL_STATE_CONNECTION_STRING"] = state, ["RETL_INSTANCE_ID"] = $"worker-{name}" };

    // One replica: its own folders, DuckDB and host; the state (and so the budget) is shared, the token is the same.
    private static TestProject Replica(string name, string state, RollingLimitStandIn hubSpot, int rows = Rows)
    {
        var project = new TestProject().WithVariable("RETL_STATE_CONNECTION_STRING", state).WithVariable("RETL_INSTANCE_ID", $"replica-{name}");
        project.Sql("wh.duckdb", $"""
            create table accounts as select printf('{name}_%03d', i) as account_id,
              case i % 5 when 0 then null when 1 then '' when 2 then 'Zoë 名前 ✓' when 3 then repeat('long ', 400) else 'Account ' || i end as account_name
            from range(1, {rows + 1}) t(i);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: { hubspot: { token: pat-shared-token, base_url: "{{hubSpot.Url}}", rate_limit: { requests: {{Limit}}, per_seconds: {{Window.TotalSeconds}} } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              companies-{{name}}:
                model: accounts
                destination: crm
                mode: upsert
                batch_size: 5
                fields: { product_account_id: account_id, name: account_name }
                hubspot: { object: companies, id_property: product_account_id }
            """);
    }
}
