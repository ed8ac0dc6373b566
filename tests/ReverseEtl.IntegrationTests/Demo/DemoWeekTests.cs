using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static ReverseEtl.IntegrationTests.Demo.DemoVerbsTests;

namespace ReverseEtl.IntegrationTests.Demo;

/// <summary>
/// The README's walk-through: run, <c>demo advance</c>, run again. What a week sends is pinned, and what a day that
/// changes nothing but the clock sends for the plays that map facts (b and c) is nothing.
/// </summary>
public partial class DemoWeekTests
{
    private const string Hubspot = "crm-partner-context-hubspot";
    private const string Salesforce = "crm-partner-context-salesforce";
    private const string Contacts = "intercom-onboarding-attributes";
    private const string Events = "intercom-stage-entered-events";

    // A stage entry stagnant by play (a)'s rule; t is the table's alias.
    private const string Stagnant = "not t.is_activated and t.days_in_stage >= case when t.onboarding_stage in ('signed_up', 'workspace_created') then 7 else 14 end";

    /// <summary>
    /// The generated demo and the advance are both drawn from fixed seeds, so a week's sends are fixed numbers. They
    /// arise as follows, and the first two are also counted here from the tables, before and after the week:
    /// alerts (a): stage entries stagnant now that were not stagnant at the first run: accounts crossing 7 or 14 days
    /// without moving on (each onboarding account moves a stage with a chance of 40% a day, 1% once stagnant);
    /// CRM updates (c): accounts with an active overlap that moved a stage or gained an overlap (new accounts included);
    /// contacts (b): users of onboarding accounts with technology partners, whose account moved a stage or gained such a
    /// partner; events (b): users whose account entered a stage in the week; partner notices (d): overlaps first seen
    /// in the last 14 days on accounts that became stagnant, and new overlaps on accounts stagnant already.
    /// </summary>
    [Fact]
    public async Task DemoAdvance_AWeek_SendsOnlyWhatTheWeekChanged_PinnedForTheFixedSeeds()
    {
        await using var project = new TestProject().WithShippedConfig();
        var first = await project.CliAsync("run", "--once");
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        var firstRunLines = File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "intercom.jsonl")).Count();
        project.Sql(DemoFile, "create table week_start as select * from account_activation; create table week_start_overlaps as select * from account_partner_overlaps");

        var advance = await project.CliAsync("demo", "advance", "--days", "7");
        var week = await project.CliAsync("run", "--once");

        Assert.Equal((0, 0, 0), (first.ExitCode, advance.ExitCode, week.ExitCode));
        Assert.Contains("7 day(s) on, refreshed at 2025-05-27 08:00 UTC (was 2025-05-20 08:00): 1310 stage move(s) (601 of them activations) and 80 new partner overlap(s)", advance.Output, StringComparison.Ordinal);
        var sent = Sent(week.Output);
        Assert.Equal(new Dictionary<string, long>
        {
            ["stagnant-onboarding-alerts"] = 236, ["partner-co-onboarding"] = 63, [Contacts] = 130, [Events] = 113, [Hubspot] = 613, [Salesforce] = 613,
        }, sent);
        Assert.Equal(Convert.ToInt64(Scalar(path, $"""
            select count(*) from account_activation t
            where {Stagnant} and not exists (
                select 1 from week_start b where b.account_id = t.account_id and b.onboarding_stage = t.onboarding_stage and b.stage_entered_at = t.stage_entered_at
                and {Stagnant.Replace("t.", "b.", StringComparison.Ordinal)})
            """)), sent["stagnant-onboarding-alerts"]);
        Assert.Equal(Convert.ToInt64(Scalar(path, """
            select count(*) from account_activation t join week_start b using (account_id)
            where exists (select 1 from account_partner_overlaps o where o.account_id = t.account_id and o.is_active)
              and (t.stage_entered_at <> b.stage_entered_at
                   or t.account_id in (select account_id from account_partner_overlaps where overlap_id not in (select overlap_id from week_start_overlaps)))
            """)), sent[Hubspot]);
        var changed = ChangedAccounts(path);
        Assert.All(Bodies(project, "intercom", "/contacts", firstRunLines), c => Assert.Contains("acc_" + c["external_id"]!.GetValue<string>()[4..8], changed));
    }

    [Fact]
    public async Task DemoAdvance_OneDayOnlyTheClock_PlaysBAndCSendNothing_WhileTheCounterWouldRewriteEveryCompany()
    {
        await using var facts = new TestProject().WithShippedConfig();
        await using var counter = new TestProject().WithShippedConfig();
        var crm = Path.Combine(counter.Paths.ConfigDirectory, "syncs", "crm-partner-context.yaml");
        File.WriteAllText(crm, File.ReadAllText(crm).Replace("      stage_entered_on: stage_entered_on\n", "      days_in_stage: days_in_stage\n", StringComparison.Ordinal)
            .Replace("        stage_entered_on: { label: Activation stage entered on, type: date }\n", "        days_in_stage: Days in stage\n", StringComparison.Ordinal));
        foreach (var project in new[] { facts, counter })
        {
            Assert.Equal(0, (await project.CliAsync("run", "--once")).ExitCode);
            Assert.Equal(0, (await project.CliAsync("demo", "advance", "--days", "1", "--clock-only")).ExitCode);
        }

        var day = await facts.CliAsync("run", "--once");
        var counted = await counter.CliAsync("plan", "--sync", Hubspot, "--json");

        var sent = Sent(day.Output);
        Assert.Equal((0L, 0L, 0L, 0L), (sent[Contacts], sent[Events], sent[Hubspot], sent[Salesforce]));
        Assert.All(new[] { Contacts, Hubspot, Salesforce }, s => Assert.Matches($@"{s}: Succeeded: \d+ rows read, 0 added, 0 changed, 0 removed", day.Output));
        Assert.True(sent["stagnant-onboarding-alerts"] > 0); // the clock alone does make accounts stagnant: play (a) is a trigger
        Assert.Equal(2153L, JsonNode.Parse(counted.Output)![0]!["counts"]!["changed"]!.GetValue<long>());
    }

    // The accounts that moved a stage or gained an overlap in the week.
    private static HashSet<string> ChangedAccounts(string path) =>
        ((string)Scalar(path, """
            select string_agg(account_id, ',') from (
                select t.account_id from account_activation t join week_start b using (account_id) where t.stage_entered_at <> b.stage_entered_at
                union select account_id from account_partner_overlaps where overlap_id not in (select overlap_id from week_start_overlaps))
            """)!).Split(',').ToHashSet(StringComparer.Ordinal);

    // The contact bodies in the outbox's lines after the first skip lines (those of earlier runs).
    private static List<JsonNode> Bodies(TestProject project, string outbox, string urlEnd, int skip) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl")).Skip(skip).Select(l => JsonNode.Parse(l)!)
            .Where(l => l["url"]!.GetValue<string>().EndsWith(urlEnd, StringComparison.Ordinal) && l["body"]?["external_id"] is not null)
            .Select(l => l["body"]!).ToList();

    // Each sync's "N sent" from run --once's plain lines.
    private static Dictionary<string, long> Sent(string output) =>
        SentLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^([\w-]+): \w+: .*?; (\d+) sent, \d+ failed", RegexOptions.Multiline)]
    private static partial Regex SentLine();
}
