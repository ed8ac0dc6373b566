using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// The opt-in <c>snapshot: { schema }</c> of a warehouse connection: its name checked at start-up, its grant by the live
/// check (which creates the table), and a plan that writes nothing when the snapshot lags the state.
/// </summary>
public sealed class SnapshotSettingsTests
{
    [Fact]
    public async Task Validate_SchemaNotAPlainName_NamesConnectionAndField()
    {
        await using var project = Project("retl-state; drop table x");

        var problem = Assert.Single(project.Load().Errors);

        Assert.Equal(
            """config/project.yaml:3:56: connections.wh.duckdb.snapshot.schema: connection 'wh': 'retl-state; drop table x' is not a plain SQL name; use letters, digits and '_', optionally database.schema (e.g. retl_state), naming a schema this connection's user may create tables in""",
            problem.ToString());
    }

    [Fact]
    public async Task ValidateLive_SchemaExists_CreatesTheSnapshotTable()
    {
        await using var project = Project("retl_state");
        project.Sql("wh.duckdb", "create schema retl_state");

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(0, live.ExitCode);
        Assert.Equal(0L, Scalar(project, "select count(*) from retl_state.retl_snapshot"));
    }

    [Fact]
    public async Task ValidateLive_SchemaMissing_NamesConnectionFieldAndWhatToDo()
    {
        await using var project = Project("retl_nowhere");

        var live = await project.CliAsync("validate", "--live");

        Assert.NotEqual(0, live.ExitCode);
        Assert.Contains("connection 'wh': snapshot.schema 'retl_nowhere': the table retl_nowhere.retl_snapshot cannot be created (", live.Output + live.Error, StringComparison.Ordinal);
        Assert.Contains("create the schema and let this connection's user create tables in it and write to them, or remove 'snapshot:'", live.Output + live.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_SnapshotBehindState_CountsAsTheWorkerAndWritesNothing()
    {
        await using var project = Project("retl_state");
        project.Sql("wh.duckdb", "create schema retl_state");
        Assert.Equal(0, (await project.CliAsync("run", "--once", "--sync", "by-snapshot")).ExitCode);
        project.Sql("wh.duckdb", "delete from retl_state.retl_snapshot where key_text in ('acc_0001', 'ключ_2'); update accounts set account_name = '🙂' where account_id = 'acc_0003'");

        var plan = await project.CliAsync("plan", "--sync", "by-snapshot", "--json");

        Assert.Equal(0, plan.ExitCode);
        var counts = JsonNode.Parse(plan.Output)!.AsArray()[0]!["counts"]!;
        Assert.Equal((0L, 1L, 0L), (counts["added"]!.GetValue<long>(), counts["changed"]!.GetValue<long>(), counts["removed"]!.GetValue<long>()));
        Assert.Equal(5L, counts["rows_read"]!.GetValue<long>()); // every key, read as without a snapshot
        Assert.Equal(3L, Scalar(project, "select count(*) from retl_state.retl_snapshot"));
    }

    [Fact]
    public async Task Run_ModelEmptied_HoldsTheRemovalsAsWithoutSnapshot()
    {
        await using var project = Project("retl_state");
        project.Sql("wh.duckdb", "create schema retl_state");
        await project.RunAsync("by-snapshot");
        project.Sql("wh.duckdb", "delete from accounts");

        var emptied = await project.RunAsync("by-snapshot");

        Assert.Equal((5L, 5L, 5L, 0L), (emptied.Counts.RowsRead, emptied.Counts.Removed, emptied.Counts.Withheld, emptied.Counts.Sent));
        Assert.Equal(5L, Scalar(project, "select count(*) from retl_state.retl_snapshot"));
    }

    private static TestProject Project(string schema)
    {
        var project = new TestProject().WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb, snapshot: { schema: "{{schema}}" } } }
              crm: { hubspot: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              by-snapshot:
                model: accounts
                destination: crm
                mode: upsert
                diff: warehouse
                fields: { product_account_id: account_id, name: account_name }
                hubspot: { object: companies, id_property: product_account_id }
            """);
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values ('acc_0001', 'One'), ('ключ_2', 'Два'), ('acc_0003', ''), ('acc_0004', null), ('acc_0005', 'Five')) as t(account_id, account_name)
            """);
        return project;
    }

    private static long Scalar(TestProject project, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "wh.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
