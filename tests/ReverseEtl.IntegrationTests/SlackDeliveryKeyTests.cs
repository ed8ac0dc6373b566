using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.IntegrationTests;

/// <summary>Slack exactly once, the sending side: every post carries its delivery key as message metadata, in a dry run too.</summary>
public sealed class SlackDeliveryKeyTests : SlackStandIn
{
    [Fact]
    public async Task Post_CarriesTheDeliveryKeyAsMessageMetadata_ValidAgainstTheContract()
    {
        AnswerPosts();
        var record = Record("clé-Ünïcødé-東京-🚀", sync: "alertes-été");

        var outcome = Assert.Single(await Writer().WriteAsync([record], CancellationToken.None));

        Assert.Equal(OutcomeStatus.Sent, outcome.Status);
        var body = Assert.Single(Requests(Post)).RequestMessage!.Body!;
        Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", body));
        var metadata = JsonNode.Parse(body)!["metadata"]!;
        Assert.Equal("reverse_etl_delivery", metadata["event_type"]!.GetValue<string>());
        Assert.Equal(
            ["alertes-été", "clé-Ünïcødé-東京-🚀", "enter", "00ff00ff00ff00ff"],
            new[] { "sync", "key", "action", "payload_hash" }.Select(n => metadata["event_payload"]![n]!.GetValue<string>()));
    }

    [Fact]
    public async Task Post_VeryLongKeyAndSyncName_MetadataStaysSmall_AndALaterCheckStillFindsIt()
    {
        AnswerPosts();
        var record = Record(new string('k', 5_000) + "é", sync: new string('s', 300));
        var writer = Writer();
        await writer.WriteAsync([record], CancellationToken.None);
        var posted = PostedMetadata(0);
        AnswerHistory(null, Page(null, Message("1764493210.000100", posted)));

        var outcome = Assert.Single(await writer.WriteAsync([record with { UnsureSince = Attempt }], CancellationToken.None));

        Assert.True(posted.ToJsonString().Length < 400, posted.ToJsonString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", posted["event_payload"]!["key"]!.GetValue<string>());
        Assert.Equal(RecordOutcome.Sent("1764493210.000100"), outcome);
        Assert.Single(Requests(Post));
    }

    [Fact]
    public async Task DryRun_OutboxGetsThePostWithMetadata_AndAnUnsureRecordIsLookedForThenPostedAgain()
    {
        var writer = Writer(token: string.Empty);

        var outcomes = await writer.WriteAsync([Record("acc_001"), Record("acc_002", unsure: Attempt)], CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        var outbox = Project.OutboxRequests("chat").Select(r => JsonNode.Parse(r)!).ToList();
        Assert.Equal(["POST", "GET", "POST"], outbox.Select(r => r["method"]!.GetValue<string>()));
        Assert.Contains("conversations.history?channel=C0ALERTS01", outbox[1]["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("include_all_metadata=true", outbox[1]["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["acc_001", "acc_002"], new[] { outbox[0], outbox[2] }.Select(r => r["body"]!["metadata"]!["event_payload"]!["key"]!.GetValue<string>()));
        Assert.Empty(Server.LogEntries);
    }
}
