using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>validate --live on DuckDB: each mistake named at its file:line:column, exit 2; a run stops before sending.</summary>
public class LiveCheckTests
{
    private const string Returns = "model 'accounts' returns: account_id, account_name, days_in_stage, note";

    [Fact]
    public async Task ValidateLive_NoMistake_PassesAndTheRunSendsEveryRow()
    {
        await using var project = new LiveCheckProject().Create();

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once");

        Assert.Equal((0, "live OK: alerts: model 'accounts' has the key, mapped columns and template fields; the trigger runs"), (live.ExitCode, live.Output.Split('\n')[1].TrimEnd()));
        Assert.Empty(PlayTypoTests.Lines(live.Error));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("; 3 sent, 0 failed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateLive_MappedColumnTheModelLacks_NamedAtTheField()
    {
        await using var project = new LiveCheckProject(NameColumn: "acount_name").Create();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal($"config/project.yaml:16:37: syncs.alerts.fields.name: column 'acount_name' is not returned by the model; {Returns}", PlayTypoTests.Lines(live.Error)[0]);
    }

    [Fact]
    public async Task ValidateLiveJson_OneDocument_EachSyncsProblemsWithFileLineAndColumn()
    {
        await using var project = new LiveCheckProject(NameColumn: "acount_name").Create();

        var live = await project.CliAsync("validate", "--live", "--json");

        Assert.Equal(2, live.ExitCode);
        var report = System.Text.Json.Nodes.JsonNode.Parse(live.Output)!;
        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.Empty(report["problems"]!.AsArray()); // the definitions themselves hold
        var alerts = Assert.Single(report["live"]!.AsArray())!;
        Assert.Equal(("alerts", "accounts", false), (alerts["sync"]!.GetValue<string>(), alerts["model"]!.GetValue<string>(), alerts["ok"]!.GetValue<bool>()));
        var problem = Assert.Single(alerts["problems"]!.AsArray())!;
        Assert.Equal(("config/project.yaml", 16, 37, "syncs.alerts.fields.name"),
            (problem["file"]!.GetValue<string>(), problem["line"]!.GetValue<int>(), problem["column"]!.GetValue<int>(), problem["path"]!.GetValue<string>()));
        Assert.Equal($"column 'acount_name' is not returned by the model; {Returns}", problem["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ValidateJson_BrokenDefinitions_EveryProblemInOneDocument_ExitTwo()
    {
        await using var project = new LiveCheckProject(PrimaryKey: "").Create();

        var offline = await project.CliAsync("validate", "--json");
        var live = await project.CliAsync("validate", "--live", "--json");

        Assert.Equal((2, 2), (offline.ExitCode, live.ExitCode));
        var report = System.Text.Json.Nodes.JsonNode.Parse(offline.Output)!;
        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.All(report["problems"]!.AsArray(), p => Assert.Equal("config/project.yaml", p!["file"]!.GetValue<string>()));
        Assert.NotEmpty(report["problems"]!.AsArray());
        Assert.Equal(offline.Output, live.Output); // nothing is checked live until the definitions hold
    }

    [Fact]
    public async Task ValidateLive_KeyColumnTheModelLacks_NamedAsPrimaryKeyAtTheSync()
    {
        await using var project = new LiveCheckProject(PrimaryKey: "[account_id, region]").Create();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal($"config/project.yaml:12:12: syncs.alerts.model: primary_key: model 'accounts' has no column 'region' (its primary_key at config/project.yaml:8:18); {Returns}", PlayTypoTests.Lines(live.Error)[0]);
    }

    [Fact]
    public async Task ValidateLive_SqlTypoInTriggerWhen_NamedAtTheConditionAndTheOtherChecksStillRun()
    {
        await using var project = new LiveCheckProject(When: "days_in_stag >= 7", Text: "{{ row.name }} for {{ row.dayz }} days").Create();

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once");

        Assert.Equal(2, live.ExitCode);
        var lines = PlayTypoTests.Lines(live.Error);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("config/project.yaml:15:23: syncs.alerts.trigger.when: the warehouse rejected the trigger condition: DuckDB (wh.duckdb) rejected the query for reverse-etl:alerts: Binder Error: Referenced column \"days_in_stag\" not found", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("LINE ", lines[0], StringComparison.Ordinal);
        Assert.Equal("config/project.yaml:19:36: syncs.alerts.slack.text: the template reads row.dayz, which the row does not have; the sync's fields are: id, name, days, note", lines[1]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(lines[0], run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")));
    }

    [Fact]
    public async Task ValidateLive_SqlErrorInTheModelFile_NamedAtTheFilesOwnLine()
    {
        await using var project = new LiveCheckProject(DaysExpression: "days_in_stage + nope").Create();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.StartsWith("config/models/accounts.sql:5:21: model 'accounts' (sync 'alerts'): the warehouse rejected the query: DuckDB (wh.duckdb) rejected the query for reverse-etl:alerts: Binder Error: Referenced column \"nope\" not found", PlayTypoTests.Lines(live.Error)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateLive_ModelColumnsNamedLikeTheWorkersOwn_NamedAtTheSyncAndTheRunSendsNothing()
    {
        // retl_matches__ is the trigger's own column and retl_row_hash__ the warehouse diff's: a model column of either
        // name would be read in their place. RETL_Bucket__ differs in case only.
        await using var project = new LiveCheckProject(DaysExpression: "days_in_stage as retl_matches__, 'ü' as RETL_Bucket__, days_in_stage as retl_row_hash__, days_in_stage").Create();

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once");

        Assert.Equal(2, live.ExitCode);
        var lines = PlayTypoTests.Lines(live.Error);
        const string Kept = "names that begin with 'retl_' and end with '__' are kept for the columns ReverseEtl adds to the model's query; rename the column in the model";
        Assert.Equal(
            [
                $"config/project.yaml:12:12: syncs.alerts.model: model 'accounts' returns a column named 'retl_matches__': {Kept}",
                $"config/project.yaml:12:12: syncs.alerts.model: model 'accounts' returns a column named 'RETL_Bucket__': {Kept}",
                $"config/project.yaml:12:12: syncs.alerts.model: model 'accounts' returns a column named 'retl_row_hash__': {Kept}",
            ],
            lines.Take(3));
        Assert.StartsWith("3 problem(s) found", lines[3], StringComparison.Ordinal);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(lines[1], run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")));
    }

    [Fact]
    public async Task Plan_ModelColumnNamedAsTheTriggersOwn_CannotPlanRatherThanPlanNothingToSend()
    {
        // All three rows match trigger.when (days_in_stage >= 7); read in place of the condition, the model's column
        // said none did.
        await using var project = new LiveCheckProject(DaysExpression: "days_in_stage as retl_matches__, days_in_stage").Create();

        var plan = await project.CliAsync("plan");

        Assert.Equal(1, plan.ExitCode);
        Assert.Equal(
            $"alerts: cannot plan: sync 'alerts': model 'accounts' returns a column named 'retl_matches__': {ModelQuery.ReservedNames}; rename the column in the model",
            PlayTypoTests.Lines(plan.Error)[0]);
        Assert.DoesNotContain("to send", plan.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateLive_SqlErrorInAnInlineBlockQuery_NamedAtTheYamlLine()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", LiveCheckProject.Table);
        project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              accounts:
                connection: wh
                primary_key: account_id
                sql: |
                  select account_id,
                         account_nam
                  from accounts
            syncs:
              alerts: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
            """);

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.StartsWith("config/project.yaml:11:14: model 'accounts' (sync 'alerts'): the warehouse rejected the query: DuckDB (wh.duckdb) rejected the query for reverse-etl:alerts: Binder Error: Referenced column \"account_nam\" not found", PlayTypoTests.Lines(live.Error)[0], StringComparison.Ordinal);
    }
}
