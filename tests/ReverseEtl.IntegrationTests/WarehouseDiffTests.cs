using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The diff in the warehouse gives exactly the changes of the diff in the worker, run after run (new, changed, removed,
/// duplicated and keyless rows, a change in an unmapped column), while fetching only the new or changed rows.
/// </summary>
public abstract partial class WarehouseDiffTests
{
    private protected abstract Task<TestProject> ProjectAsync();

    private protected abstract Task ExecuteAsync(TestProject project, string sql);

    [Fact]
    public async Task Run_SameDataBothWays_SameRequestsAndOnlyChangedRowsFetched()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note ' || cast(i as varchar) as internal_note
            from generate_series(1, 500) as t(i)
            """);

        var first = await RunBothAsync(project);
        Assert.Equal((500L, 500L), (first.Warehouse.Counts.Sent, first.Warehouse.Counts.RowsFetched));

        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 1 where account_id in ('acc_0001', 'acc_0002', 'acc_0003');
            update accounts set internal_note = 'edited' where account_id in ('acc_0010', 'acc_0011', 'acc_0012', 'acc_0013', 'acc_0014');
            delete from accounts where account_id in ('acc_0100', 'acc_0101');
            insert into accounts values ('acc_9001', 'New 1', 1, 'n'), ('acc_\9002', 'New 2 \n', 2, 'n'), ('acc_0200', 'Duplicate', 3, 'n'), (null, 'No key', 4, 'n');
            """);
        var second = await RunBothAsync(project);
        var third = await RunBothAsync(project);

        Assert.Equal((2L, 3L, 2L, 3L), (second.Worker.Counts.Added, second.Worker.Counts.Changed, second.Worker.Counts.Removed, second.Worker.Counts.Rejected));
        Assert.Equal(second.Worker.Counts.ToString(), second.Warehouse.Counts.ToString());
        Assert.Equal(3L + 5 + 2, second.Warehouse.Counts.RowsFetched);
        Assert.Equal((0L, 0L), (third.Warehouse.Counts.Sent, third.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    // A first run reads every row whole, merged with the state streamed in key order, and keeps no set of the keys seen:
    // a key on three rows, a null and an empty key are rejected as diff: worker rejects them, with the same row numbers.
    [Fact]
    public async Task Run_FirstRunWithDuplicatedNullAndEmptyKeys_SameEventsRequestsAndStateAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, AwkwardAccounts(300));
        await ExecuteAsync(project, "insert into accounts values ('ключ_00250', 'Duplicate ü', 3, 'n'), ('ключ_00250', null, 4, ''), (null, 'No key', 4, 'n'), ('', 'Empty key 東京', 5, 'n')");

        var first = await SameBothWaysAsync(project);

        Assert.Equal((299L, 5L, 304L), (first.Counts.Sent, first.Counts.Rejected, first.Counts.RowsFetched));
    }

    // Fetches of a thousand keys run in the warehouse while the key rows go on being read: four, then two, and the
    // requests come out as the worker's diff sends them, in order.
    [Fact]
    public async Task Run_ChangesInSeveralFetchesOfAThousand_SameRequestsInOrderAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, AwkwardAccounts(3500));
        var first = await RunBothAsync(project);
        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 100 where days_in_stage % 2 = 0;
            insert into accounts values ('ключ_00007', 'Duplicate', 1, ''), (null, 'No key', 2, 'x');
            """);

        var second = await RunBothAsync(project);
        var third = await RunBothAsync(project);

        Assert.Equal((3500L, 3500L, 3500L), (first.Worker.Counts.Sent, first.Warehouse.Counts.Sent, first.Warehouse.Counts.RowsFetched));
        Assert.Equal((1750L, 3L), (second.Worker.Counts.Changed, second.Worker.Counts.Rejected)); // both rows of the duplicated key, and the keyless one
        Assert.Equal(second.Worker.Counts.ToString(), second.Warehouse.Counts.ToString());
        Assert.Equal(1750L, second.Warehouse.Counts.RowsFetched);
        Assert.Equal((0L, 0L), (third.Warehouse.Counts.Sent, third.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    // A model that comes back empty is held as diff: worker holds it (nothing removed until approved), not an internal error.
    [Fact]
    public async Task Run_ModelEmptiedAfterARun_HeldAsTheWorkerDiffHoldsItNothingRemoved()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, AwkwardAccounts(40));
        await RunBothAsync(project);
        await ExecuteAsync(project, "delete from accounts");

        var emptied = await RunBothAsync(project);

        Assert.Equal((RunStatus.Held, RunStatus.Held), (emptied.Worker.Status, emptied.Warehouse.Status));
        Assert.Equal(emptied.Worker.Error?.Replace("by-worker", "by-warehouse", StringComparison.Ordinal), emptied.Warehouse.Error);
        Assert.Contains("the model returned no rows", emptied.Warehouse.Error, StringComparison.Ordinal);
        Assert.Equal(emptied.Worker.Counts.ToString(), emptied.Warehouse.Counts.ToString());
        Assert.Equal((0L, 0L), (emptied.Warehouse.Counts.Sent, emptied.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    // Accounts with non-ASCII keys and names, null and empty names, and notes up to 299 characters long.
    private protected static string AwkwardAccounts(int rows) => $"""
        create table accounts as
        select 'ключ_' || lpad(cast(i as varchar), 5, '0') as account_id,
               case when i % 11 = 0 then null when i % 13 = 0 then '' else 'Zoë 🙂 ' || cast(i as varchar) end as account_name,
               i % 40 as days_in_stage, repeat('ü', i % 300) as internal_note
        from generate_series(1, {rows}) as t(i)
        """;

    internal static async Task<(SyncRunReport Worker, SyncRunReport Warehouse)> RunBothAsync(TestProject project, string prefix = "by-") =>
        (await project.RunAsync($"{prefix}worker"), await project.RunAsync($"{prefix}warehouse"));

    // Every request body, in order, with the dry-run ids (derived from the bodies) as they are.
    internal static List<string> Requests(TestProject project, string outbox) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl")).Select(l => JsonNode.Parse(l)!["body"]?.ToJsonString() ?? "").ToList();

    internal static string Yaml(string warehouseConnection) => $$"""
        version: 1
        connections:
          wh: {{warehouseConnection}}
          worker: { hubspot: { token: "" } }
          warehouse: { hubspot: { token: "" } }
          events-worker: { intercom: { token: "" } }
          events-warehouse: { intercom: { token: "" } }
          chat: { slack: { token: "" } }
        models:
          accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
          visits: { connection: wh, primary_key: [account_id, visit_no], sql: select * from visits }
          stamps: { connection: wh, primary_key: seen_at, sql: select * from stamps }
        syncs:
          by-worker:
            model: accounts
            destination: worker
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
            hubspot: { object: companies, id_property: product_account_id }
          stuck-worker:
            model: accounts
            destination: chat
            mode: trigger
            trigger: { when: "days_in_stage >= 30", initial: skip }
            limits: { messages: none }
            fields: { days: days_in_stage }
            slack: { channel: "#cs", text: "An account is stuck in onboarding" }
          by-warehouse:
            model: accounts
            destination: warehouse
            mode: mirror
            delete_limit_percent: 50
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
            hubspot: { object: companies, id_property: product_account_id }
          pair-worker:
            model: visits
            destination: worker
            mode: mirror
            delete_limit_percent: 50
            limits: { updates: none }
            fields: { product_account_id: visit_id, name: note, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          pair-warehouse:
            model: visits
            destination: warehouse
            mode: mirror
            delete_limit_percent: 50
            limits: { updates: none }
            diff: warehouse
            fields: { product_account_id: visit_id, name: note, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          stamp-worker:
            model: stamps
            destination: worker
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: stamp_id, name: note, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          stamp-warehouse:
            model: stamps
            destination: warehouse
            mode: mirror
            delete_limit_percent: 50
            diff: warehouse
            fields: { product_account_id: stamp_id, name: note, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          hot-worker:
            model: visits
            destination: events-worker
            mode: trigger
            trigger: { when: "minutes >= 30", initial: send }
            limits: { messages: none }
            intercom: { object: events, event_name: visit-hot, user_id: visit_id, created_at: seen_at, metadata: [note] }
          hot-warehouse:
            model: visits
            destination: events-warehouse
            mode: trigger
            trigger: { when: "minutes >= 30", initial: send }
            limits: { messages: none }
            diff: warehouse
            intercom: { object: events, event_name: visit-hot, user_id: visit_id, created_at: seen_at, metadata: [note] }
        """;
}

public sealed class WarehouseDiffOnDuckDbTests : WarehouseDiffTests
{
    private protected override Task<TestProject> ProjectAsync() =>
        Task.FromResult(new TestProject().WithFile("project.yaml", Yaml("{ duckdb: { path: wh.duckdb } }")));

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }
}

[Collection(UsesPostgres.Name)]
public sealed class WarehouseDiffOnPostgresTests(PostgresServer server) : WarehouseDiffTests
{
    private string _connectionString = string.Empty;

    private protected override async Task<TestProject> ProjectAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return new TestProject().WithVariable("PG", _connectionString).WithFile("project.yaml", Yaml("""{ postgres: { connection_string: "${PG}" } }"""));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql) => PostgresServer.ExecuteAsync(_connectionString, sql);
}

/// <summary>The same, reading Snowflake's SQL API served by WireMock and answered from a DuckDB file.</summary>
public sealed class WarehouseDiffOnSnowflakeTests : WarehouseDiffTests, IDisposable
{
    private Snowflake.SnowflakeOnDuckDb? _snowflake;

    private protected override bool WholeNumbersStream => false;

    private protected override bool HasUuid => false;

    private protected override int? StatementsSubmitted => _snowflake?.Submitted.Count;

    private protected override Task<TestProject> ProjectAsync()
    {
        var project = new TestProject();
        _snowflake = new Snowflake.SnowflakeOnDuckDb(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), []);
        return Task.FromResult(project.WithFile("project.yaml", Yaml($$"""{ snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{_snowflake.Url}}" } }""")));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    // An account whose DEFAULT_NULL_ORDERING puts nulls first: the worker's reads still put a null key last, as the
    // counts that number a partial read's rejected rows take it, so both reads number them alike (they did not).
    [Fact]
    public async Task Diff_WorkerOnAnAccountThatOrdersNullsFirst_RejectedRowsNumberedAsAReadOfEveryRow()
    {
        await using var project = await ProjectAsync();
        _snowflake!.NullsFirst = true;
        await ExecuteAsync(project, AwkwardAccounts(600));
        Assert.Equal(600L, (await project.RunAsync("by-worker")).Counts.Sent);
        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 1 where account_id = 'ключ_00007';
            insert into accounts values (null, 'No key ü', 1, 'n'), ('ключ_00300', 'Duplicate 東京', 2, ''), (null, '', 3, 'n'), ('', 'Empty key', 4, 'n');
            """);

        var read = await SameBothReadsAsync(project, "by-worker");

        Assert.Equal(5, read.Events.Count(e => e.StartsWith("rejected", StringComparison.Ordinal)));
        Assert.Equal(["rejected row 1 :", "rejected row 603 :", "rejected row 604 :"], read.Events.Where(e => e.Contains(" : ", StringComparison.Ordinal)).Select(e => e[..(e.IndexOf(':', StringComparison.Ordinal) + 1)]).Order(StringComparer.Ordinal)); // the empty key first, the nulls after the 601 keyed rows
        Assert.InRange(read.RowsReadAgain, 5, 300); // a partial read: its rejections numbered by counts
        Assert.Contains(_snowflake.Submitted, s => s.Contains("nulls last", StringComparison.Ordinal));
    }

    public void Dispose() => _snowflake?.Dispose();
}
