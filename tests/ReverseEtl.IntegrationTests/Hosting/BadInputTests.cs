using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// Bad input as a user meets it, the worker run as its own process: one line that names the file, path or sync and
/// says what to do, exit 2 for the definitions and settings and 1 for the rest, no stack trace unless --verbose, and
/// the state left as it was.
/// </summary>
public partial class BadInputTests
{
    private const string Sync = "alerts";

    [Theory]
    [InlineData("validate")]
    [InlineData("run", "--once")]
    public async Task Worker_UnclosedBracketInASyncFile_ExitsTwoWithOneLineAtTheBracketAndCreatesNoState(params string[] verb)
    {
        await using var project = new TestProject().WithShippedConfig();
        var file = Path.Combine(project.Paths.ConfigDirectory, "syncs", "crm-partner-context.yaml");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, Cancel)).Replace("    model: account_partner_context", "    model: [account_partner_context", StringComparison.Ordinal), Cancel);

        var (code, lines) = await RunAsync(project, verb);

        Assert.Equal(2, code);
        Assert.Equal(
            [
                "config/syncs/crm-partner-context.yaml:8:12: YAML syntax: this '[' is not closed by a ']'; close it, or write the value without brackets",
                $"1 problem(s) in the definitions under {project.Paths.ConfigDirectory}.",
            ],
            lines);
        Assert.False(File.Exists(Path.Combine(project.Paths.DataDirectory, "state.db")));
    }

    [Fact]
    public async Task Worker_SyncNamedToClimbOutOfTheDataFolder_ExitsTwoNamingItAndWritesNothing()
    {
        await using var project = WorkerProjects.DryRun("""
            syncs:
              "../../x": { model: accounts, destination: chat, mode: trigger, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
            """, accounts: 3);

        var (code, lines) = await RunAsync(project, "run", "--once");

        Assert.Equal(2, code);
        Assert.Equal(
            "config/project.yaml:8:3: syncs.../../x: the name '../../x' may hold only lower-case letters, digits, '-' and '_', must start with a letter or digit, and may be at most 64 characters long",
            lines[0]);
        Assert.Equal(["wh.duckdb"], Directory.EnumerateFileSystemEntries(project.Paths.DataDirectory).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(project.Root, "x.lock")));
    }

    [Fact]
    public async Task Schema_NamePattern_AcceptsEveryShippedNameAndRefusesOnesThatLeaveAFolder()
    {
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Config, "reverse-etl.schema.json"), Cancel))!;
        var pattern = new Regex(schema["definitions"]!["name"]!["pattern"]!.GetValue<string>());
        await using var shipped = new TestProject().WithShippedConfig();
        var project = shipped.Load().Project!;
        var names = project.Syncs.Keys.Concat(project.Models.Keys).Concat(project.Connections.Keys).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches(pattern, n));
        Assert.All(["../../x", "a/b", "Zoë", "-dash", "a.b", "", new string('x', 65)], n => Assert.DoesNotMatch(pattern, n));
        Assert.Matches(pattern, new string('x', 64));
    }

    [Fact]
    public async Task Plan_WarehouseRejectsTheQuery_OneLineNamingTheSyncExitOneOthersStillPlanned()
    {
        await using var project = WorkerProjects.DryRun("""
              broken: { connection: wh, primary_key: account_id, sql: select * from nowhere }
            syncs:
              fine: { model: accounts, destination: chat, mode: trigger, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
              zz-broken: { model: broken, destination: chat, mode: trigger, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
            """, accounts: 3);

        var plan = await project.CliAsync("plan");

        Assert.Equal(1, plan.ExitCode);
        var line = Assert.Single(Lines(plan.Error));
        // At the model's own inline sql: the word the warehouse pointed at, not a line of the query wrapped around it.
        Assert.StartsWith(
            "zz-broken: cannot plan: config/project.yaml:7:73: model 'broken' (sync 'zz-broken'): the warehouse rejected the query: DuckDB (wh.duckdb) rejected the query for ",
            line, StringComparison.Ordinal);
        Assert.Contains("nowhere", line, StringComparison.Ordinal);
        Assert.StartsWith("fine: 3 rows, 3 added", plan.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ShippedConfig_EveryEnabledSyncPlannedWithSamplesAndExitZero()
    {
        await using var project = new TestProject().WithShippedConfig();
        var enabled = project.Load().Project!.Syncs.Values.Where(s => s.Enabled).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

        var plan = await project.CliAsync("plan");

        Assert.Equal(0, plan.ExitCode);
        Assert.DoesNotContain("error", plan.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(enabled, Regex.Matches(plan.Output, @"(?m)^(\S+): \d+ rows, ").Select(m => m.Groups[1].Value));
        Assert.Contains("\"Product_Account_Id__c\": \"acc_", plan.Output, StringComparison.Ordinal); // a Salesforce sample, whose typed values once broke the writing
    }

    [Fact]
    public async Task Plan_MappedColumnChangedType_OneLineNamingTheColumnExitOne()
    {
        await using var project = WorkerProjects.DryRun($$$"""
            syncs:
              {{{Sync}}}: { model: accounts, destination: chat, mode: trigger, fields: { id: account_id }, slack: { channel: "#cs", text: "{{ row.id }}" } }
            """, accounts: 3);
        Assert.Equal(0, (await project.CliAsync("run", "--once")).ExitCode);
        project.Sql("wh.duckdb", "create or replace table accounts as select 1 as account_id");

        var plan = await project.CliAsync("plan");

        Assert.Equal(1, plan.ExitCode);
        Assert.Equal(
            "alerts: cannot plan: sync 'alerts': model 'accounts' changed the type of column 'account_id' (Varchar → Integer) since the last run; nothing was sent. If the change is intended, run once with --accept-schema-changes",
            Assert.Single(Lines(plan.Error)));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Runs the worker to its end; its exit code and the lines it printed that are not JSON logs (a stack trace would be among them).</summary>
    private static async Task<(int Code, List<string> Lines)> RunAsync(TestProject project, params string[] args) =>
        await RunAsync(project, new Dictionary<string, string>(), args);

    private static async Task<(int Code, List<string> Lines)> RunAsync(TestProject project, Dictionary<string, string> environment, params string[] args)
    {
        await using var worker = new WorkerProcess(project, environment, args);
        var code = await worker.ExitCodeAsync(TimeSpan.FromSeconds(60));
        await worker.KillAsync(); // waits for the last of its output
        return (code, worker.Text.ToList());
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
