using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The verbs on one sync's records, as an operator uses them: a rejected record is parked and listed, retried, skipped;
/// a plan past a limit is held, shown and approved once; a reset resyncs within the limits.
/// </summary>
public sealed partial class RecordVerbsTests : IDisposable
{
    private const string Crm = "crm-partner-context-hubspot";
    private readonly WireMockServer _slack = WireMockServer.Start();

    [Fact]
    public async Task RejectedRecord_ParkedListedRetriedThenSkipped()
    {
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(100).RespondWith(Json(SlackEndToEndTests.PostOk));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WildcardMatcher("*C_GONE*")))
            .AtPriority(1).RespondWith(Json("""{"ok":false,"error":"channel_not_found"}"""));
        await using var project = SlackProject();

        var first = await project.CliAsync("run", "--once");
        var second = await project.CliAsync("run", "--once");
        var listed = await project.CliAsync("failures", "--sync", "alerts");
        var retry = await project.CliAsync("retry", "--sync", "alerts", "--key", "Zoë/3");
        var third = await project.CliAsync("run", "--once");
        var skip = await project.CliAsync("skip", "--sync", "alerts", "--all");
        var fourth = await project.CliAsync("run", "--once");

        Assert.Equal((1, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains("0 sent, 0 failed; 1 parked after a rejection", second.Output, StringComparison.Ordinal);
        Assert.Matches(@"alerts: 1 failing record\(s\):\n  Zoë/3  parked  1 attempt\(s\), first \S+ \S+Z, last \S+ \S+Z: .*channel_not_found", listed.Output.ReplaceLineEndings("\n"));
        Assert.Equal((0, "1 failing record(s) of alerts will be sent again on its next run."), (retry.ExitCode, retry.Output.Trim()));
        Assert.Contains("0 sent, 1 failed", third.Output, StringComparison.Ordinal);
        Assert.Equal(0, skip.ExitCode);
        Assert.Contains("0 sent, 0 failed", fourth.Output, StringComparison.Ordinal);
        Assert.Equal(3 + 1, Posts()); // two delivered, the rejected one twice (first run and after retry)
        Assert.Contains("alerts: no failing records.", (await project.CliAsync("failures", "--sync", "alerts")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_TheLatestRunsNewestFirstWithWhatEachDid()
    {
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Json(SlackEndToEndTests.PostOk));
        await using var project = SlackProject().WithVariable("RETL_INSTANCE_ID", "ops-laptop");
        var before = await project.CliAsync("history", "--sync", "alerts");
        await project.CliAsync("run", "--once");
        await project.CliAsync("run", "--once");
        await project.CliAsync("run", "--once");

        var history = await project.CliAsync("history", "--sync", "alerts", "--limit", "2");

        Assert.Equal((0, "alerts has not run yet."), (before.ExitCode, before.Output.Trim()));
        var lines = history.Output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal("alerts: the latest 2 run(s), newest first:", lines[0]);
        Assert.Matches(@"^  run 3 Succeeded at \S+ \S+Z, \d+\.\d s on ops-laptop: 3 rows read, 0 added, 0 changed, 0 removed, 0 rejected; 0 sent, 0 failed$", lines[1]);
        Assert.StartsWith("  run 2 Succeeded", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task ReadVerbs_Json_OneDocumentForScripts()
    {
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(100).RespondWith(Json(SlackEndToEndTests.PostOk));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WildcardMatcher("*C_GONE*")))
            .AtPriority(1).RespondWith(Json("""{"ok":false,"error":"channel_not_found"}"""));
        await using var project = SlackProject();
        var before = await project.CliAsync("status", "--json");
        var createdByStatus = File.Exists(Path.Combine(project.Paths.DataDirectory, "state.db"));
        await project.CliAsync("run", "--once");

        var status = JsonNode.Parse((await project.CliAsync("status", "--json")).Output)!.AsArray();
        var failures = JsonNode.Parse((await project.CliAsync("failures", "--sync", "alerts", "--json")).Output)!;
        var history = JsonNode.Parse((await project.CliAsync("history", "--sync", "alerts", "--json")).Output)!.AsArray();

        Assert.Equal("[]", before.Output.Trim());
        Assert.False(createdByStatus);
        var last = status.Single()!["last_run"]!;
        Assert.Equal(("alerts", "PartiallyFailed", 2L, 1L), (last["sync"]!.GetValue<string>(), last["status"]!.GetValue<string>(), last["counts"]!["sent"]!.GetValue<long>(), last["counts"]!["failed"]!.GetValue<long>()));
        Assert.Empty(status.Single()!["held_plans"]!.AsArray());
        Assert.Equal((1, "Zoë/3", true), (failures["total"]!.GetValue<int>(), failures["records"]![0]!["key"]!.GetValue<string>(), failures["records"]![0]!["parked"]!.GetValue<bool>()));
        Assert.Contains("channel_not_found", failures["records"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(last["run_id"]!.GetValue<long>(), Assert.Single(history)!["run_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Explain_SaysWhatARunWouldDoWithOneRecordAndWhy()
    {
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(100).RespondWith(Json(SlackEndToEndTests.PostOk));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WildcardMatcher("*C_GONE*")))
            .AtPriority(1).RespondWith(Json("""{"ok":false,"error":"channel_not_found"}"""));
        await using var project = SlackProject();
        var fresh = await project.CliAsync("explain", "--sync", "alerts", "--key", "acc_1");
        await project.CliAsync("run", "--once");
        project.Sql("wh.duckdb", "update accounts set account_name = 'Acme — renamed' where account_id = 'acc_1'");
        var posts = Posts();

        var parked = await project.CliAsync("explain", "--sync", "alerts", "--key", "Zoë/3");
        var changed = await project.CliAsync("explain", "--sync", "alerts", "--key", "acc_1");
        var unchanged = await project.CliAsync("explain", "--sync", "alerts", "--key", "acc_4");

        Assert.Contains("  decision: new to the sync, and it matches: sent", fresh.Output, StringComparison.Ordinal);
        Assert.Contains("  would send (Enter): {", fresh.Output, StringComparison.Ordinal);
        Assert.Contains("  decision: parked: the destination rejected this very payload before; `retry` sends it again", parked.Output, StringComparison.Ordinal);
        Assert.Matches(@"  failing: parked, 1 attempt\(s\), first \S+ \S+Z, last \S+ \S+Z: .*channel_not_found", parked.Output);
        Assert.DoesNotContain("would send", parked.Output, StringComparison.Ordinal);
        Assert.Contains("  decision: it changed, but this sync does not send that change (its mode or trigger.on): recorded, not sent", changed.Output, StringComparison.Ordinal);
        Assert.Matches(@"  stored: payload hash [0-9a-f]{16}, matching, destination id \S+", changed.Output);
        Assert.Contains("  decision: unchanged: the row is as last delivered (or recorded), so a run sends nothing", unchanged.Output, StringComparison.Ordinal);
        Assert.Equal(posts, Posts()); // explaining sends nothing
    }

    [Fact]
    public async Task Verbs_WrongUse_OneClearLineAndExitCode()
    {
        await using var project = SlackProject();

        var unknown = await project.CliAsync("failures", "--sync", "nope");
        var both = await project.CliAsync("retry", "--sync", "alerts", "--key", "a", "--all");
        var neither = await project.CliAsync("skip", "--sync", "alerts");
        var missing = await project.CliAsync("retry", "--sync", "alerts", "--key", "not-failing");
        var nothingHeld = await project.CliAsync("approve", "--sync", "alerts");

        Assert.Equal((2, "No sync named 'nope'; defined: alerts"), (unknown.ExitCode, unknown.Error.Trim()));
        Assert.Equal((2, "Give either --key KEY or --all."), (both.ExitCode, both.Error.Trim()));
        Assert.Equal((2, "Give either --key KEY or --all."), (neither.ExitCode, neither.Error.Trim()));
        Assert.Equal((1, "alerts has no failing record with key 'not-failing'; `failures --sync alerts` lists them."), (missing.ExitCode, missing.Output.Trim()));
        Assert.Equal((1, "alerts has no held plan to approve."), (nothingHeld.ExitCode, nothingHeld.Error.Trim()));
    }

    [Fact]
    public async Task FieldAddedToTheHubSpotSync_EveryUpdateHeldShownAndApprovedOnce()
    {
        await using var project = new TestProject().WithShippedConfig();
        var created = await project.CliAsync("run", "--once", "--sync", Crm);
        var yaml = Path.Combine(project.Paths.ConfigDirectory, "syncs", "crm-partner-context.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml)
            .Replace("      stage_entered_on: stage_entered_on\n", "      stage_entered_on: stage_entered_on\n      overlapping_partner_count: overlapping_partner_count\n", StringComparison.Ordinal)
            .Replace("        activation_stage: Activation stage\n", "        activation_stage: Activation stage\n        overlapping_partner_count: Overlapping partners (count)\n", StringComparison.Ordinal));

        var plan = await project.CliAsync("plan", "--sync", Crm);
        var held = await project.CliAsync("run", "--once", "--sync", Crm);
        var status = await project.CliAsync("status");
        var approve = await project.CliAsync("approve", "--sync", Crm);
        var approved = await project.CliAsync("run", "--once", "--sync", Crm);
        var again = await project.CliAsync("approve", "--sync", Crm);

        var records = Regex.Match(created.Output, @"(\d+) sent").Groups[1].Value;
        Assert.Equal(0, created.ExitCode);
        Assert.Contains($"would be held by limits: updates: {records} planned, more than ", plan.Output, StringComparison.Ordinal);
        Assert.Equal(1, held.ExitCode);
        Assert.Contains($"{Crm}: Held: ", held.Output, StringComparison.Ordinal);
        Assert.Contains($"{records} updates planned, more than limits.updates (the larger of 1000 and 50% of {records} held); none of them was sent", held.Output, StringComparison.Ordinal);
        Assert.Contains($"  held by run 2: {records} updates planned", status.Output, StringComparison.Ordinal);
        Assert.Equal((0, $"approved updates: {records} (held by run 2)"), (approve.ExitCode, approve.Output.Split('\n')[0].Trim()));
        Assert.Equal(0, approved.ExitCode);
        Assert.Contains($"{records} sent, 0 failed", approved.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
    }

    [Fact]
    public async Task Reset_ResyncsEverythingWithinTheLimits()
    {
        await using var project = new TestProject().WithShippedConfig();
        await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");

        var reset = await project.CliAsync("reset", "--sync", "stagnant-onboarding-alerts");
        var run = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");

        Assert.Equal(0, reset.ExitCode);
        Assert.Matches(@"^stagnant-onboarding-alerts: forgot 3002 delivered record\(s\)\.", reset.Output);
        Assert.Equal(1, run.ExitCode); // not a first run any more: every stagnant account enters, more than limits.messages
        Assert.Contains("messages planned, more than limits.messages", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl")));
    }

    public void Dispose() => _slack.Dispose();

    private TestProject SlackProject()
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values
              ('acc_1', 'Acme', 'C_OK'), ('Zoë/3', 'Gamma — ' || repeat('ж', 2000), 'C_GONE'), ('acc_4', '', 'C_OK')
            ) t(account_id, account_name, channel);
            """);
        return project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: xoxb-test, base_url: "{{{_slack.Url}}}/api", timeout_seconds: 5 } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { initial: send }
                slack: { channel: "{{ row.channel }}", text: "{{ row.account_name }} stuck" }
            """);
    }

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private int Posts() => _slack.LogEntries.Count(e => e.RequestMessage!.Path.EndsWith("chat.postMessage", StringComparison.Ordinal));
}
