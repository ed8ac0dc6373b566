namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>The typo of issue 12 in play (a)'s text: refused by validate --live and by the run, before anything is sent.</summary>
public class PlayTypoTests
{
    private const string Refused = """
        config/syncs/stagnant-onboarding-alerts.yaml:26:17: syncs.stagnant-onboarding-alerts.slack.text: the template reads row.acount_name, which the row does not have; model 'account_onboarding' returns: account_id, account_name, account_domain, csm_email, onboarding_stage, stage_entered_at, days_in_stage, is_activated, customer_partners
        """;

    [Fact]
    public async Task ValidateLive_TypoInPlayAText_RefusedAtFileLineColumnWhilePlainValidatePasses()
    {
        await using var project = WithTypo();

        var plain = await project.CliAsync("validate");
        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(2, live.ExitCode);
        Assert.Equal([Refused, "1 problem(s) found against the warehouse and the destinations."], Lines(live.Error));
        Assert.Contains("live OK: partner-co-onboarding: model 'partner_overlaps' has the key, mapped columns and template fields; the trigger runs", live.Output, StringComparison.Ordinal);
        Assert.Contains("note: config/syncs/crm-partner-context.yaml:6:3: sync 'crm-partner-context-hubspot': destination fields not checked: dry run: HubSpot connection 'hubspot' has no token, so the companies properties could not be listed", live.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_TypoInPlayAText_SyncFailsBeforeSendingAndItsOutboxStaysEmpty()
    {
        await using var project = WithTypo();

        var run = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"stagnant-onboarding-alerts: Failed: 0 rows read, 0 added, 0 changed, 0 removed, 0 rejected; 0 sent, 0 failed — sync 'stagnant-onboarding-alerts' stopped before sending anything: its definition does not match the model's columns or the destination:\n{Refused}",
            run.Output.TrimEnd());
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl")));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal((0L, 0), (status.Counts.Sent, status.FailingRecords));
    }

    [Fact]
    public async Task RunOnce_TemplateFixed_SendsAgain()
    {
        await using var project = new TestProject().WithShippedConfig(initialSend: true);

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");

        Assert.Equal(0, live.ExitCode);
        Assert.Empty(Lines(live.Error));
        Assert.Equal(0, run.ExitCode);
        Assert.InRange(File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl")).Count(), 100, 3000);
    }

    private static TestProject WithTypo()
    {
        var project = new TestProject().WithShippedConfig();
        var file = Path.Combine(project.Paths.ConfigDirectory, "syncs", "stagnant-onboarding-alerts.yaml");
        var text = File.ReadAllText(file);
        Assert.Contains("text: \"{{ row.account_name }} has been in", text, StringComparison.Ordinal);
        File.WriteAllText(file, text.Replace("text: \"{{ row.account_name }} has been in", "text: \"{{ row.acount_name }} has been in", StringComparison.Ordinal));
        return project;
    }

    // Problems, without the log lines (JSON) that share standard error.
    internal static List<string> Lines(string error) =>
        error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('{')).ToList();
}
