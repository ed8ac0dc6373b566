using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ReverseEtl.IntegrationTests.RecordLog;

/// <summary>
/// The per-record log on the demo (DuckDB, SQLite state, the dry-run outbox): what each run decided and sent for each
/// record, the redacted fields kept out of it and out of explain, and its retention and size bound.
/// </summary>
public sealed class RecordLogDemoTests
{
    private const string Crm = "crm-partner-context-hubspot";
    private const string Alerts = "stagnant-onboarding-alerts";

    [Fact]
    public async Task TwoRuns_EachRecordLoggedRedactedAndExplainShowsEnteredThenChanged()
    {
        await using var project = new TestProject().WithShippedConfig();
        var first = await project.RunAsync(Crm);
        var sent = Sent(project);
        var (key, contact) = sent.First(s => s.Contact?.Contains('@', StringComparison.Ordinal) == true);
        var other = sent.First(s => s.Key != key).Key;
        var longName = "Zoë \"Q\" 東京 — " + new string('ж', 3_000);
        project.Sql("demo-warehouse.duckdb", $"update account_activation set account_name = '{longName}' where account_id = '{key}'");
        project.Sql("demo-warehouse.duckdb", $"update account_activation set account_name = '', account_domain = null where account_id = '{other}'");
        var wouldSend = await project.CliAsync("explain", "--sync", Crm, "--key", key);

        var second = await project.RunAsync(Crm);
        var explained = await project.CliAsync("explain", "--sync", Crm, "--key", key);
        var json = JsonNode.Parse((await project.CliAsync("explain", "--sync", Crm, "--key", key, "--json")).Output)!;
        var history = await project.CliAsync("history", "--sync", Crm, "--key", key, "--limit", "1");
        var never = await project.CliAsync("history", "--sync", Crm, "--key", "no such key");

        var logged = await LoggedAsync(project, Crm);
        Assert.Equal(first.Counts.Sent + second.Counts.Sent, logged.Count);
        Assert.Equal(2L, second.Counts.Sent);
        Assert.All(logged.Take((int)first.Counts.Sent), e => Assert.Equal(("create", "entered", "sent", true), (e.Action, e.Decision, e.Outcome, e.VendorId!.StartsWith("dry", StringComparison.Ordinal))));
        Assert.All(logged.Skip((int)first.Counts.Sent), e => Assert.Equal(("update", "changed", "sent"), (e.Action, e.Decision, e.Outcome)));
        Assert.DoesNotContain(logged, e => e.Request!.Contains('@', StringComparison.Ordinal)); // no partner contact's address, in any entry
        Assert.All(logged, e => Assert.Contains("\"best_help_partner_contact\":\"[redacted]\"", e.Request, StringComparison.Ordinal));

        Assert.Contains("  would send (Change): {", wouldSend.Output, StringComparison.Ordinal);
        Assert.Contains("[redacted]", wouldSend.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(contact!, wouldSend.Output + explained.Output + json.ToJsonString(), StringComparison.Ordinal);
        var lines = explained.Output.ReplaceLineEndings("\n").Split('\n');
        var recent = Array.IndexOf(lines, "  recent runs, newest first:");
        Assert.Matches($@"^    run {second.RunId} at \S+ \S+Z: update, changed \(name\) → sent, vendor id dry[0-9A-F]{{12}}$", lines[recent + 1]);
        Assert.Contains($"… ({longName.Length} characters)", lines[recent + 2], StringComparison.Ordinal);
        Assert.Matches($@"^    run {first.RunId} at \S+ \S+Z: create, entered → sent, vendor id dry[0-9A-F]{{12}}$", lines[recent + 3]);

        var historyLines = history.Output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal($"{Crm}, key {key}: the latest 1 run(s) that decided about it, newest first:", historyLines[0]);
        Assert.Equal(lines[recent + 1][2..], historyLines[1]); // the same line as explain's, less indented
        Assert.Equal(3, historyLines.Length);
        Assert.Equal((0, $"{Crm}: no run logged key no such key (the per-record log keeps RETL_RECORD_LOG_DAYS days)."), (never.ExitCode, never.Output.Trim()));

        var runs = json["recent_runs"]!.AsArray();
        Assert.Equal([(second.RunId, "changed", "sent"), (first.RunId, "entered", "sent")],
            runs.Select(r => (r!["run_id"]!.GetValue<long>(), r["decision"]!.GetValue<string>(), r["outcome"]!.GetValue<string>())));
        Assert.Equal(["name"], runs[0]!["changed_fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("[redacted]", runs[0]!["request"]!["best_help_partner_contact"]!.GetValue<string>());
        Assert.Equal((key, "unchanged: the row is as last delivered (or recorded), so a run sends nothing"), (json["key"]!.GetValue<string>(), json["decision"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Retention_TheOldestPastTheBoundDroppedThenEverythingPastTheDays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        await using var project = new TestProject(time).WithShippedConfig().WithVariable("RETL_RECORD_LOG_MAX_ROWS", "50");
        var first = await project.RunAsync(Alerts);
        var afterFirst = await LoggedAsync(project, Alerts);
        time.Advance(TimeSpan.FromDays(15));
        project.Sql("demo-warehouse.duckdb", """
            update account_activation set days_in_stage = 30
            where account_id = (select min(account_id) from account_activation where not is_activated and days_in_stage < 7)
            """);

        var third = await project.RunAsync(Alerts);

        Assert.InRange(first.Counts.Baselined, 100, 1000); // each matching row recorded without sending (initial: skip) is logged
        Assert.Equal(50, afterFirst.Count);
        // A run writes no more than the bound (the rest would only be pruned): its first 50 entries.
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), afterFirst.Select(e => e.Id));
        Assert.All(afterFirst, e => Assert.Equal(("none", "baselined", "skipped"), (e.Action, e.Decision, e.Outcome)));
        Assert.Equal(1L, third.Counts.Sent);
        var left = Assert.Single(await LoggedAsync(project, Alerts));
        Assert.Equal((third.RunId, "message", "entered", "sent"), (left.RunId, left.Action, left.Decision, left.Outcome));
    }

    [Fact]
    public async Task Settings_RecordLogOutOfRange_ExitTwoNamingTheVariableAndValue()
    {
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_RECORD_LOG_DAYS", "-1").WithVariable("RETL_RECORD_LOG_MAX_ROWS", "0");

        var status = await project.CliAsync("status");

        Assert.Equal(2, status.ExitCode);
        Assert.Equal("""
            RETL_RECORD_LOG_DAYS='-1' is not a whole number from 0 to 3650.
            RETL_RECORD_LOG_MAX_ROWS='0' is not a whole number from 1 to 100000000.

            """, status.Error.ReplaceLineEndings("\n"));
    }

    // The records the run sent to HubSpot, with their partner contact, from the dry-run outbox.
    private static List<(string Key, string? Contact)> Sent(TestProject project) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "hubspot.jsonl"))
            .Where(l => l.Contains("/batch/upsert", StringComparison.Ordinal))
            .SelectMany(l => JsonNode.Parse(l)!["body"]!["inputs"]!.AsArray())
            .Select(i => (i!["properties"]!["product_account_id"]!.GetValue<string>(), i["properties"]!["best_help_partner_contact"]?.GetValue<string>()))
            .ToList();

    private static async Task<List<Row>> LoggedAsync(TestProject project, string sync)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "state.db")};Pooling=false");
        var rows = await connection.QueryAsync<Row>(
            "select id as Id, run_id as RunId, key as Key, action as Action, decision as Decision, outcome as Outcome, vendor_id as VendorId, request as Request from record_log where sync = @sync order by id",
            new { sync });
        return rows.ToList();
    }

    private sealed record Row(long Id, long RunId, string Key, string Action, string Decision, string Outcome, string? VendorId, string? Request);
}
