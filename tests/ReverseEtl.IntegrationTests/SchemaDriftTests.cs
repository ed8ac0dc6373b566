namespace ReverseEtl.IntegrationTests;

/// <summary>A model that drops or retypes a mapped column stops its sync before anything is sent, naming the column and the model.</summary>
public class SchemaDriftTests
{
    [Fact]
    public async Task Run_MappedColumnChangesType_StopsBeforeSendingUntilAccepted()
    {
        await using var project = Project();
        Assert.Equal(0, (await project.CliAsync("run", "--once")).ExitCode);
        project.Sql("wh.duckdb", """
            update accounts set days_in_stage = 99;
            alter table accounts alter days_in_stage type varchar;
            """);

        var stopped = await project.CliAsync("run", "--once");
        var accepted = await project.CliAsync("run", "--once", "--accept-schema-changes");
        var after = await project.CliAsync("run", "--once");

        Assert.Equal(1, stopped.ExitCode);
        Assert.DoesNotContain("dry run", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("alerts: Failed: 0 rows read, 0 added, 0 changed, 0 removed, 0 rejected; 0 sent, 0 failed — sync 'alerts': model 'accounts' changed the type of column 'days_in_stage' (BigInt → Varchar) since the last run; nothing was sent. If the change is intended, run once with --accept-schema-changes", stopped.Output, StringComparison.Ordinal);
        Assert.Equal(0, accepted.ExitCode);
        Assert.Contains("; 2 sent, 0 failed", accepted.Output, StringComparison.Ordinal);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public async Task Run_MappedColumnDropped_NamesTheColumnAndWhatTheModelReturns()
    {
        await using var project = Project();
        project.Sql("wh.duckdb", "alter table accounts drop column days_in_stage");

        var run = await project.CliAsync("run", "--once");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("config/project.yaml:13:45: syncs.alerts.fields.days: column 'days_in_stage' is not returned by the model; model 'accounts' returns: account_id", run.Output, StringComparison.Ordinal);
    }

    private static TestProject Project()
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", "create table accounts as select * from (values ('acc_1', 20::bigint), ('acc_2', 30::bigint)) t(account_id, days_in_stage)");
        return project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "true", on: [enter, change], initial: send }
                fields: { account_id: account_id, days: days_in_stage }
                slack: { channel: "#cs", text: "{{ row.account_id }}: {{ row.days }}" }
            """);
    }
}
