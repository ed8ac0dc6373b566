using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

/// <summary>A DuckDB connection's memory_limit, threads and temp_directory: a sort larger than the limit spills, and running out names the setting.</summary>
public class DuckDbMemoryTests
{
    // 300,000 rows of about 140 bytes: some 40MB to sort by key text, more than the limit below.
    private const string Model = "select 'acc_' || lpad(cast(i as varchar), 8, '0') as account_id, repeat('é', 60) || cast(i as varchar) as notes from range(300000) t(i)";

    [Fact]
    public async Task Plan_ModelLargerThanMemoryLimit_SortsWithinItAndReadsEveryRow()
    {
        await using var project = Project("memory_limit: 48MB, threads: 1, temp_directory: spill");

        var result = await project.CliAsync("plan", "--sync", "s");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("s: 300000 rows, 300000 added, 0 changed, 0 removed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_TwoModelsSpillingAtOnceWithTheDefaultTempDirectory_EachReadsEveryRow()
    {
        await using var first = Project("memory_limit: 48MB, threads: 1");
        await using var second = Project("memory_limit: 48MB, threads: 1");

        var results = await Task.WhenAll(first.CliAsync("plan", "--sync", "s"), second.CliAsync("plan", "--sync", "s"));

        Assert.All(results, r => Assert.StartsWith("s: 300000 rows, 300000 added, 0 changed, 0 removed", r.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_NoMemoryLimitSet_QueryRunsWithin48MB()
    {
        await using var project = Project(settings: null, model: "select 'acc_1' as account_id, current_setting('memory_limit') as notes");

        var result = await project.CliAsync("plan", "--sync", "s");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"notes\": \"45.7 MiB\"", result.Output, StringComparison.Ordinal); // 48MB: 48,000,000 bytes
    }

    [Fact]
    public async Task Plan_NoMemoryLimitSetOnAConnectionKeepingASnapshot_QueryRunsWithin96MB()
    {
        await using var project = Project("snapshot: { schema: retl_state }", model: "select 'acc_1' as account_id, current_setting('memory_limit') as notes");

        var result = await project.CliAsync("plan", "--sync", "s");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"notes\": \"91.5 MiB\"", result.Output, StringComparison.Ordinal); // its diff joins the model with the snapshot
    }

    [Fact]
    public async Task Run_NoMemoryLimitSetAndTheModelReadsACsvFile_RunsAgainWithin96MBAndSaysSo()
    {
        var log = new FakeLogCollector();
        await using var project = Project(settings: null, model: CsvModel(), log: log);
        WriteCsv(project);

        var report = await project.RunAsync("s");

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var request = JsonNode.Parse(Assert.Single(project.OutboxRequests("crm")))!;
        var notes = request["body"]!["inputs"]!.AsArray().Select(i => (string?)i!["properties"]!["notes"]).Order(StringComparer.Ordinal);
        Assert.Equal(CsvNotes.Select(n => $"{n} @ 91.5 MiB").Order(StringComparer.Ordinal), notes); // read_csv's buffers need about 92MB
        var raised = Assert.Single(log.GetSnapshot(), r => r.Id.Id == 2500);
        Assert.Equal("DuckDB (wh.duckdb) ran out of memory for reverse-etl:s within the default memory_limit of 48MB; it runs again within 96MB, the limit from now on in this process (set memory_limit on the connection to choose it)", raised.Message);
    }

    [Fact]
    public async Task Run_NoMemoryLimitSetAndTwiceTheDefaultIsNotEnough_FailsSayingToSetIt()
    {
        var log = new FakeLogCollector();
        await using var project = Project(settings: null, model: CsvModel(", buffer_size = 50000000"), log: log);
        WriteCsv(project);

        var report = await project.RunAsync("s");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("(the connection sets no memory_limit, and the default, 96MB, raised once from 48MB, for 1 thread(s), is not enough: set memory_limit on the connection, e.g. 512MB)", report.Error, StringComparison.Ordinal);
        Assert.Single(log.GetSnapshot(), r => r.Id.Id == 2500);
    }

    [Fact]
    public async Task Run_MemoryLimitSetAndTheModelReadsACsvFile_FailsWithinItNamingTheSetting()
    {
        var log = new FakeLogCollector();
        await using var project = Project("memory_limit: 48MB", model: CsvModel(), log: log);
        WriteCsv(project);

        var report = await project.RunAsync("s");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("(the connection's memory_limit is 48MB with 1 thread(s): raise memory_limit, or lower threads)", report.Error, StringComparison.Ordinal);
        Assert.Contains(log.GetSnapshot(), r => r.Message.Contains("Sync s: run", StringComparison.Ordinal)); // the run's own log is collected
        Assert.DoesNotContain(log.GetSnapshot(), r => r.Id.Id == 2500);
    }

    [Fact]
    public async Task Run_MemoryLimitTooSmall_FailsNamingTheSettingToRaise()
    {
        await using var project = Project("memory_limit: 4MB");

        var report = await project.RunAsync("s");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("(the connection's memory_limit is 4MB with 1 thread(s): raise memory_limit, or lower threads)", report.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MemoryLimitNotASize_NamesTheFileAndKey()
    {
        await using var project = Project("memory_limit: lots");

        var errors = project.Errors();

        Assert.Contains(errors, e => e.StartsWith("config/project.yaml:", StringComparison.Ordinal) && e.Contains("memory_limit", StringComparison.Ordinal));
    }

    // Awkward values in a small file: read_csv takes its buffers whatever the file's size.
    private static readonly string[] CsvNotes = ["Zoë Ångström 日本", string.Empty, new string('x', 5_000), "a, \"quoted\" one", "a, \"quoted\" one"];

    private static string CsvModel(string options = "") =>
        $"select account_id, coalesce(notes, '') || ' @ ' || current_setting('memory_limit') as notes from read_csv('accounts.csv', header = true, all_varchar = true{options})";

    private static void WriteCsv(TestProject project) => File.WriteAllText(
        Path.Combine(project.Paths.DataDirectory, "accounts.csv"),
        $"account_id,notes\nacc_1,{CsvNotes[0]}\nacc_2,\nacc_3,{CsvNotes[2]}\nacc_4,\"a, \"\"quoted\"\" one\"\nacc_5,\"a, \"\"quoted\"\" one\"\n");

    private static TestProject Project(string? settings, string model = Model, FakeLogCollector? log = null)
    {
        var project = new TestProject { ConfigureServices = log is null ? null : s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(log)).AddFilter<FakeLoggerProvider>(null, LogLevel.Information)) }.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb{{(settings is null ? string.Empty : ", " + settings)}} } }
              crm: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: account_id, sql: "{{model}}" }
            syncs:
              s:
                model: m
                destination: crm
                mode: upsert
                fields: { product_account_id: account_id, notes: notes }
                hubspot: { object: companies, id_property: product_account_id }
            """);
        project.Sql("wh.duckdb", "select 1");
        return project;
    }
}
