using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests;

public class DemoPlayTests
{
    [Fact]
    public async Task ShippedAlertsOnDemo_FirstRunRecordsWithoutSending_OneNewlyStagnantAccountSendsExactlyOneAlert()
    {
        await using var project = new TestProject().WithShippedConfig();

        var outbox = Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl");
        var first = await project.RunAsync("stagnant-onboarding-alerts");
        Assert.Equal((3002L, 0L, 0L, 0L), (first.Counts.RowsRead, first.Counts.Failed, first.Counts.Sent, PostCount(outbox)));
        Assert.InRange(first.Counts.Baselined, 100, 1000); // initial: skip — the CSMs are not told about every old case at once

        var second = await project.RunAsync("stagnant-onboarding-alerts");
        Assert.Equal((0L, 0L, 0L), (second.Counts.Sent, second.Counts.Baselined, PostCount(outbox)));

        project.Sql("demo-warehouse.duckdb", """
            update account_activation set days_in_stage = 30
            where account_id = (select min(account_id) from account_activation where not is_activated and days_in_stage < 7)
            """);
        var third = await project.RunAsync("stagnant-onboarding-alerts");
        Assert.Equal((1L, 1L), (third.Counts.Sent, PostCount(outbox)));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal((0, (string?)null, 1L), (status.FailingRecords, status.LastFailure, status.Counts.Sent));
    }

    [Fact]
    public async Task ShippedAlertsOnDemo_InitialSend_AlertsEveryAccountStagnantToday()
    {
        await using var project = new TestProject().WithShippedConfig(initialSend: true);

        var first = await project.RunAsync("stagnant-onboarding-alerts");

        Assert.InRange(first.Counts.Sent, 100, 1000);
        Assert.Equal((0L, first.Counts.Sent), (first.Counts.Baselined, PostCount(Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl"))));
    }

    [Fact]
    public async Task ShippedPartnerContextOnDemo_UpsertsEveryAccountWithOverlapsInBatchesOf100_RerunSendsNothing()
    {
        await using var project = new TestProject().WithShippedConfig();
        var outbox = Path.Combine(project.Paths.OutboxDirectory, "hubspot.jsonl");

        var first = await project.RunAsync("crm-partner-context-hubspot");
        var batches = File.ReadLines(outbox).Where(l => l.Contains("/batch/upsert", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l)!["body"]!["inputs"]!.AsArray()).ToList();
        var second = await project.RunAsync("crm-partner-context-hubspot");

        Assert.Equal((first.Counts.RowsRead, 0L), (first.Counts.Sent, first.Counts.Failed));
        Assert.InRange(first.Counts.Sent, 1000, 3000);
        Assert.Equal(first.Counts.Sent, batches.Sum(b => b.Count));
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 100));
        Assert.Contains(batches.SelectMany(b => b), i => i!["properties"]!["best_help_partner_contact"]!.GetValue<string>().Contains('@', StringComparison.Ordinal));
        Assert.Equal(0L, second.Counts.Sent);
    }

    [Fact]
    public async Task ShippedPartnerCoOnboardingOnDemo_PostsEachNewOverlapOnAStagnantAccountOnce()
    {
        await using var project = new TestProject().WithShippedConfig(initialSend: true);
        var outbox = Path.Combine(project.Paths.OutboxDirectory, "partner-webhook.jsonl");

        var first = await project.RunAsync("partner-co-onboarding");
        var texts = File.ReadLines(outbox).Select(l => JsonNode.Parse(l)!["body"]!["text"]!.GetValue<string>()).ToList();
        var second = await project.RunAsync("partner-co-onboarding");

        Assert.Equal((0L, (long)texts.Count), (first.Counts.Failed, first.Counts.Sent));
        Assert.InRange(texts.Count, 10, 500);
        Assert.All(texts, t => Assert.Contains(" is stuck in onboarding and is one of your ", t, StringComparison.Ordinal));
        Assert.Equal(0L, second.Counts.Sent);
    }

    [Fact]
    public async Task ShippedIntegrationNudgesOnDemo_WriteContactsWithCompaniesAndStageEvents_RerunSendsNothing()
    {
        await using var project = new TestProject().WithShippedConfig();
        var outbox = Path.Combine(project.Paths.OutboxDirectory, "intercom.jsonl");

        var contacts = await project.RunAsync("intercom-onboarding-attributes");
        var events = await project.RunAsync("intercom-stage-entered-events");
        var lines = File.ReadLines(outbox).Select(l => JsonNode.Parse(l)!).ToList();
        var again = await project.RunAsync("intercom-onboarding-attributes");

        Assert.Equal((0L, 0L, contacts.Counts.RowsRead), (contacts.Counts.Failed, events.Counts.Failed, contacts.Counts.Sent));
        Assert.InRange(contacts.Counts.Sent, 100, 5000);
        Assert.InRange(events.Counts.Sent, 1, contacts.Counts.Sent);
        Assert.Equal(contacts.Counts.Sent, lines.Count(l => l["url"]!.GetValue<string>().EndsWith("/contacts", StringComparison.Ordinal)));
        Assert.Equal(events.Counts.Sent, lines.Count(l => l["url"]!.GetValue<string>().EndsWith("/events", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l["url"]!.GetValue<string>().EndsWith("/events", StringComparison.Ordinal)), e => Assert.True(e["body"]!["created_at"]!.GetValue<long>() > 1_700_000_000));
        Assert.Equal(0L, again.Counts.Sent);
    }

    [Fact]
    public async Task ShippedPartnerContextOnDemo_ForSalesforce_UpsertsInCollectionsOf200ByExternalId()
    {
        await using var project = new TestProject().WithShippedConfig();
        var outbox = Path.Combine(project.Paths.OutboxDirectory, "salesforce.jsonl");

        var first = await project.RunAsync("crm-partner-context-salesforce");
        var calls = File.ReadLines(outbox).Select(l => JsonNode.Parse(l)!).ToList();

        Assert.Equal((first.Counts.RowsRead, 0L), (first.Counts.Sent, first.Counts.Failed));
        Assert.All(calls, c => Assert.EndsWith("/services/data/v62.0/composite/sobjects/Account/Product_Account_Id__c", c["url"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(first.Counts.Sent, calls.Sum(c => c["body"]!["records"]!.AsArray().Count));
        Assert.All(calls, c => Assert.Empty(Conformance.SalesforceAnswers.Violations(c["body"]!.ToJsonString())));
    }

    private static long PostCount(string outbox) => !File.Exists(outbox) ? 0 :
        File.ReadLines(outbox).Count(line => line.Contains("chat.postMessage", StringComparison.Ordinal));
}
