using System.Text.RegularExpressions;

namespace ReverseEtl.IntegrationTests;

/// <summary>The verbs as a user calls them, on the shipped config and the demo warehouse, with no credentials set.</summary>
public partial class CommandLineTests
{
    private const string Sync = "stagnant-onboarding-alerts";

    [Fact]
    public async Task Validate_ShippedConfig_SaysOkAndExitsZero()
    {
        await using var project = new TestProject().WithShippedConfig();

        var result = await project.CliAsync("validate");

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Error));
        Assert.Matches(@"^OK: \d+ connections, \d+ models, \d+ syncs in ", result.Output);
    }

    [Fact]
    public async Task Plan_BeforeAnyRun_CountsWhatWouldBeSentWithSamples_SendsNothingAndChangesNoState()
    {
        await using var project = new TestProject().WithShippedConfig(initialSend: true);

        var plan = await project.CliAsync("plan", "--sync", "partner-co-onboarding");

        Assert.Equal(0, plan.ExitCode);
        var counts = PlanLine().Match(plan.Output);
        Assert.True(counts.Success, plan.Output);
        Assert.Equal(counts.Groups["rows"].Value, counts.Groups["added"].Value);
        Assert.Equal(("0", "0", "0"), (counts.Groups["changed"].Value, counts.Groups["removed"].Value, counts.Groups["rejected"].Value));
        Assert.Equal(3, Regex.Count(plan.Output, "  sample: "));
        Assert.Contains("\"blocks\": [", plan.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.Paths.OutboxDirectory));
        Assert.EndsWith("plan: nothing was sent, nothing was written to the outbox and no sync state changed", plan.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("outbox", plan.Error, StringComparison.Ordinal);
        Assert.Equal("No sync has run yet.", (await project.CliAsync("status")).Output.Trim());

        var run = await project.CliAsync("run", "--once", "--sync", "partner-co-onboarding");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"  dry run (no credentials): the requests for {counts.Groups["send"].Value} record(s) were written to ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAllAndKey_AfterARun_RenderCurrentRowsThoughNothingChanged_SendAndWriteNothing()
    {
        await using var project = new TestProject().WithShippedConfig();
        const string Crm = "crm-partner-context-hubspot";
        await project.CliAsync("run", "--once", "--sync", Crm);
        var outbox = File.ReadAllText(Path.Combine(project.Paths.OutboxDirectory, "hubspot.jsonl"));
        var runs = (await project.State.GetHistoryAsync(Crm, 10, CancellationToken.None)).Count;

        var plan = await project.CliAsync("plan", "--sync", Crm);
        var all = await project.CliAsync("plan", "--sync", Crm, "--all", "--limit", "3");
        var key = Regex.Match(all.Output, @"^  (\S+) \(Enter\): \{", RegexOptions.Multiline).Groups[1].Value;
        var one = await project.CliAsync("plan", "--sync", Crm, "--key", key);
        var missing = await project.CliAsync("plan", "--sync", Crm, "--key", "no-such-account ü");
        var noSync = await project.CliAsync("plan", "--all");

        Assert.Equal("0", PlanLine().Match(plan.Output).Groups["send"].Value);
        Assert.Equal(0, all.ExitCode);
        Assert.StartsWith($"{Crm}: 3 current row(s) rendered as a first send would be; nothing is sent or written", all.Output, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(all.Output, @"^  \S+ \(Enter\): \{", RegexOptions.Multiline));
        Assert.Contains("\"product_account_id\": ", all.Output, StringComparison.Ordinal);
        Assert.Equal((0, 1), (one.ExitCode, Regex.Count(one.Output, @"\(Enter\): \{")));
        Assert.Contains($"  {key} (Enter): ", one.Output, StringComparison.Ordinal);
        Assert.Equal((1, $"{Crm}: the model has no row with key 'no-such-account ü' (or it was rejected: a null or duplicated key)."), (missing.ExitCode, missing.Error.Trim()));
        Assert.Equal((2, "plan --all and plan --key preview one sync: give --sync NAME."), (noSync.ExitCode, noSync.Error.Trim()));
        Assert.Equal(outbox, File.ReadAllText(Path.Combine(project.Paths.OutboxDirectory, "hubspot.jsonl")));
        Assert.Equal(runs, (await project.State.GetHistoryAsync(Crm, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task PlanJson_OneDocumentWithCountsSamplesAndPreviews()
    {
        await using var project = new TestProject().WithShippedConfig();
        const string Crm = "crm-partner-context-hubspot";

        var plan = await project.CliAsync("plan", "--sync", Crm, "--json");
        var preview = await project.CliAsync("plan", "--sync", Crm, "--all", "--limit", "2", "--json");

        Assert.Equal((0, 0), (plan.ExitCode, preview.ExitCode));
        var only = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(plan.Output)!.AsArray())!;
        Assert.Equal((Crm, 2153L, 2153L), (only["sync"]!.GetValue<string>(), only["to_send"]!.GetValue<long>(), only["counts"]!["rows_read"]!.GetValue<long>()));
        Assert.Equal(3, only["samples"]!.AsArray().Count);
        Assert.NotNull(only["samples"]![0]!["properties"]!["product_account_id"]);
        var rows = System.Text.Json.Nodes.JsonNode.Parse(preview.Output)!["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("enter", r!["action"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.NotNull(r!["body"]!["properties"]!["product_account_id"]));
    }

    [Fact]
    public async Task RunOnce_OnATerminal_OneTableWithTotalsThenTheNotes()
    {
        await using var project = new TestProject().WithShippedConfig();
        project.Terminal = true;

        var run = await project.CliAsync("run", "--once");

        var lines = run.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"sync\s+.\s+status\s+.\s+rows read\s+.\s+added\s+.\s+changed\s+.\s+removed\s+.\s+sent\s+.\s+failed\s+.\s+held back\s+.\s+duration"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"crm-partner-context-hubspot\s+.\s+Succeeded\s+.\s+2,153\s+.\s+2,153\s+.\s+0\s+.\s+0\s+.\s+2,153\s+.\s+0\s+.\s+0\s+.\s+\d+\.\d s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"total\s+.\s+.\s+13,445\s+.\s+13,445\s+.\s+0\s+.\s+0\s+.\s+5,914\s+.\s+0\s+.\s+0\s+"));
        Assert.Contains("crm-partner-context-hubspot: dry run (no credentials): the requests for 2153 record(s) were written to ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(": Succeeded: ", run.Output, StringComparison.Ordinal); // no plain line as well as the row
    }

    [Fact]
    public async Task RunOnce_OnAnInteractiveTerminal_ShowsEachSyncsProgressLive_ThenOnlyTheTable()
    {
        await using var project = new TestProject().WithShippedConfig();
        (project.Terminal, project.Live) = (true, new StringWriter());

        var run = await project.CliAsync("run", "--once");

        var live = Regex.Replace(project.Live.ToString(), @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty); // without the escape codes
        Assert.Equal(0, run.ExitCode);
        foreach (var sync in new[] { "crm-partner-context-hubspot", "intercom-stage-entered-events", "stagnant-onboarding-alerts" })
        {
            Assert.Contains($"{sync}: Succeeded", live, StringComparison.Ordinal); // each line ends saying how its run ended
        }

        Assert.Contains("crm-partner-context-hubspot: Succeeded: 2,153 rows read, 2,153 to send, 2,153 sent (", live, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(run.Output, @"^│ crm-partner-context-hubspot\s", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Plan_FirstRunOfAlertsWithInitialSkip_WouldSendNothingAndSaysWhatItWouldRecord()
    {
        await using var project = new TestProject().WithShippedConfig();

        var plan = await project.CliAsync("plan", "--sync", Sync);
        var run = await project.CliAsync("run", "--once", "--sync", Sync);

        var counts = PlanLine().Match(plan.Output);
        Assert.Equal(("3002", "3002", "0"), (counts.Groups["rows"].Value, counts.Groups["added"].Value, counts.Groups["send"].Value));
        var recorded = Regex.Match(plan.Output, @"; (\d+) matching would be recorded without sending \(initial: skip\)").Groups[1].Value;
        Assert.InRange(int.Parse(recorded, System.Globalization.CultureInfo.InvariantCulture), 100, 1000);
        Assert.DoesNotContain("  sample: ", plan.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"0 sent, 0 failed; {recorded} matching recorded without sending (initial: skip)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dry run", run.Output + run.Error, StringComparison.Ordinal); // nothing was written to the outbox
        Assert.False(Directory.Exists(project.Paths.OutboxDirectory));
    }

    [Fact]
    public async Task Status_AfterRun_ShowsTheRunAndPlanShowsNothingLeftToSend()
    {
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_INSTANCE_ID", "ops-laptop");
        var run = await project.CliAsync("run", "--once");
        var sent = Regex.Match(run.Output, $@"{Sync}: Succeeded: .* (\d+) sent").Groups[1].Value;

        var status = await project.CliAsync("status");
        var plan = await project.CliAsync("plan");

        Assert.Equal(0, status.ExitCode);
        Assert.Matches($@"(?m)^{Sync}: run \d+ Succeeded at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ on ops-laptop: .*\b{sent} sent\b", status.Output);
        Assert.DoesNotContain("failing", status.Output, StringComparison.Ordinal);
        Assert.Equal("0", PlanLine().Match(plan.Output).Groups["send"].Value);
    }

    [Fact]
    public async Task PlanAndRun_UnknownSync_NameTheDefinedOnesAndExitTwo()
    {
        await using var project = new TestProject().WithShippedConfig();

        var plan = await project.CliAsync("plan", "--sync", "nope");
        var run = await project.CliAsync("run", "--once", "--sync", "nope");

        Assert.Equal((2, 2), (plan.ExitCode, run.ExitCode));
        var defined = string.Join(", ", project.Load().Project!.Syncs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"No sync named 'nope'; defined: {defined}", plan.Error.Trim());
        Assert.Contains(Sync, defined, StringComparison.Ordinal);
        Assert.Equal(plan.Error, run.Error);
    }

    [Fact]
    public async Task Run_InvalidDefinitions_ReportsThemAndExitsTwoWithoutRunning()
    {
        await using var project = new TestProject().WithShippedConfig().WithFile("extra.yaml", "version: 1\nsyncs:\n  broken: { model: nowhere }\n");

        var run = await project.CliAsync("run", "--once");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("config/extra.yaml:3:", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.DataDirectory, "state.db")));
    }

    [GeneratedRegex(@": (?<rows>\d+) rows, (?<added>\d+) added, (?<changed>\d+) changed, (?<removed>\d+) removed, (?<rejected>\d+) rejected; (?<send>\d+) to send")]
    private static partial Regex PlanLine();
}
