using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.RequestBuilders;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Slack exactly once, the checking side: a record whose earlier attempt has no known outcome is looked for in the
/// conversation's history (with metadata) before it is posted again; found, it counts as sent with the message's ts.
/// </summary>
public sealed class SlackHistoryCheckTests : SlackStandIn
{
    [Fact]
    public async Task Unsure_KeyOnTheSecondHistoryPage_CountsAsSentWithItsTs_WithoutPosting()
    {
        AnswerPosts();
        var writer = Writer();
        await writer.WriteAsync([Record("acc_001")], CancellationToken.None);
        var mine = PostedMetadata(0);
        var otherHash = mine.DeepClone();
        otherHash["event_payload"]!["payload_hash"] = "ffffffffffffffff";
        var otherApp = JsonNode.Parse("""{"event_type":"task_created","event_payload":{"key":"acc_001"}}""");
        AnswerHistory(null, Page("bmV4dF90czoxNzY0NDkzMjAw", Message("1764493300.000300", otherHash), Message("1764493290.000200", otherApp), Message("1764493280.000100", null)));
        AnswerHistory("bmV4dF90czoxNzY0NDkzMjAw", Page(null, Message("1764493210.000100", mine)));

        var outcome = Assert.Single(await writer.WriteAsync([Record("acc_001", unsure: Attempt)], CancellationToken.None));

        Assert.Equal(RecordOutcome.Sent("1764493210.000100"), outcome);
        Assert.Single(Requests(Post));
        var reads = Requests(History).Select(e => e.RequestMessage!.Query!).ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, q => Assert.Equal(
            (Channel, "true", "100", Ts(Attempt.AddMinutes(-2)), Ts(Attempt.AddMinutes(30))),
            (q["channel"][0], q["include_all_metadata"][0], q["limit"][0], q["oldest"][0], q["latest"][0])));
        Assert.Equal("bmV4dF90czoxNzY0NDkzMjAw", reads[1]["cursor"][0]);
    }

    [Fact]
    public async Task Unsure_HistoryWithoutTheKey_PostsItAgainWithItsMetadata()
    {
        AnswerPosts();
        var other = JsonNode.Parse("""{"event_type":"reverse_etl_delivery","event_payload":{"sync":"alerts","key":"acc_999","action":"enter","payload_hash":"00ff00ff00ff00ff"}}""");
        AnswerHistory(null, Page(null, Message("1764493210.000100", other), Message("1764493200.000100", null)));

        var outcome = Assert.Single(await Writer().WriteAsync([Record("acc_001", unsure: Attempt)], CancellationToken.None));

        Assert.Equal(RecordOutcome.Sent("1764493999.000900"), outcome);
        Assert.Single(Requests(History));
        Assert.Equal("acc_001", PostedMetadata(0)["event_payload"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unsure_SeveralRecordsToOneChannel_ShareOneHistoryRead_AndAnAttemptOutsideItsWindowReadsAgain()
    {
        AnswerPosts();
        var writer = Writer();
        await writer.WriteAsync([Record("acc_002")], CancellationToken.None);
        var duplicated = PostedMetadata(0);
        AnswerHistory(null, Page(null, Message("1764493220.000200", duplicated), Message("1764493210.000100", duplicated)));

        var outcomes = new List<RecordOutcome>();
        foreach (var (key, late) in new[] { ("acc_001", 0), ("acc_002", 40), ("acc_003", 80), ("acc_004", 3600) })
        {
            outcomes.AddRange(await writer.WriteAsync([Record(key, unsure: Attempt.AddSeconds(late))], CancellationToken.None));
        }

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        Assert.Equal("1764493220.000200", outcomes[1].DestinationId); // the duplicate found first (newest) answers for both
        Assert.Equal(["acc_002", "acc_001", "acc_003", "acc_004"], Enumerable.Range(0, 4).Select(i => PostedMetadata(i)["event_payload"]!["key"]!.GetValue<string>()));
        Assert.Equal([Ts(Attempt.AddMinutes(-2)), Ts(Attempt.AddSeconds(3600).AddMinutes(-2))], Requests(History).Select(e => e.RequestMessage!.Query!["oldest"][0]));
    }

    [Fact]
    public async Task Unsure_WindowBusierThanThePagesRead_FailsPermanently_AfterTenPages_AndDoesNotPost()
    {
        AnswerPosts();
        var others = Enumerable.Range(0, 15).Select(i => Message($"1764493{i:D3}.000100", null)).ToArray();
        Server.Given(Request.Create().WithPath(History).UsingGet()).RespondWith(WireMockJson.Fixed(200, Page("bmV4dF90czpNT1JF", others)));

        var outcome = Assert.Single(await Writer().WriteAsync([Record("acc_001", unsure: Attempt)], CancellationToken.None));

        Assert.Equal(OutcomeStatus.PermanentFailure, outcome.Status);
        Assert.Equal(
            "Slack connection 'chat': C0ALERTS01 holds more messages between 2026-11-30 08:58:00Z and 2026-11-30 09:30:00Z than 10 pages of history, so whether the post "
            + "of unknown outcome from 2026-11-30 09:00:00Z arrived could not be checked; it was not posted again. Look for it in the channel, then retry or skip the record",
            outcome.Message);
        Assert.Equal(10, Requests(History).Count);
        Assert.Empty(Requests(Post));
    }

    [Theory]
    [InlineData("""{"ok":false,"error":"missing_scope","needed":"channels:history","provided":"chat:write,users:read.email,im:write"}""", "needed channels:history")]
    [InlineData("""{"ok":false,"error":"not_in_channel"}""", "Invite the app to the channel")]
    public async Task Unsure_HistoryNotReadable_FailsPermanentlySayingWhatToDo_AndDoesNotPost(string answer, string advice)
    {
        AnswerPosts();
        Server.Given(Request.Create().WithPath(History).UsingGet()).RespondWith(WireMockJson.Fixed(200, answer));

        var outcome = Assert.Single(await Writer().WriteAsync([Record("acc_001", unsure: Attempt)], CancellationToken.None));

        Assert.Equal(OutcomeStatus.PermanentFailure, outcome.Status);
        Assert.Contains(advice, outcome.Message, StringComparison.Ordinal);
        Assert.Contains("it was not posted again", outcome.Message, StringComparison.Ordinal);
        Assert.StartsWith("Slack connection 'chat': could not read the history of C0ALERTS01", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(Requests(Post));
    }

    [Fact]
    public async Task Unsure_DirectMessage_ReadsTheHistoryOfTheOpenedDm()
    {
        AnswerPosts();
        Server.Given(Request.Create().WithPath("/api/users.lookupByEmail").UsingGet()).RespondWith(WireMockJson.Fixed(200, """{"ok":true,"user":{"id":"U0CSM0001","name":"zoë"}}"""));
        Server.Given(Request.Create().WithPath("/api/conversations.open").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"ok":true,"channel":{"id":"D0DM00001"}}"""));
        var writer = Writer("""{ user_email: "{{ row.email }}", text: "{{ row.account_name }}" }""");
        await writer.WriteAsync([Record("acc_001")], CancellationToken.None);
        AnswerHistory(null, Page(null, Message("1764493210.000100", PostedMetadata(0))));

        var outcome = Assert.Single(await writer.WriteAsync([Record("acc_001", unsure: Attempt)], CancellationToken.None));

        Assert.Equal(RecordOutcome.Sent("1764493210.000100"), outcome);
        Assert.Equal("D0DM00001", Assert.Single(Requests(History)).RequestMessage!.Query!["channel"][0]);
        Assert.Single(Requests(Post));
    }

    [Fact]
    public async Task Unsure_ChannelByName_LooksItsIdUpAcrossListPagesOnce()
    {
        AnswerPosts(channelId: "C0ONBOARD1");
        const string list = "/api/conversations.list";
        Server.Given(Request.Create().WithPath(list).UsingGet()).AtPriority(10).RespondWith(WireMockJson.Fixed(200,
            """{"ok":true,"channels":[{"id":"C0GENERAL1","name":"general","is_channel":true}],"response_metadata":{"next_cursor":"ZGNoYW5uZWw6QzBORVhU"}}"""));
        Server.Given(Request.Create().WithPath(list).UsingGet().WithParam("cursor", "ZGNoYW5uZWw6QzBORVhU")).AtPriority(1).RespondWith(WireMockJson.Fixed(200,
            """{"ok":true,"channels":[{"id":"C0ONBOARD1","name":"cs-onboarding-alerts","is_channel":true}],"response_metadata":{"next_cursor":""}}"""));
        AnswerHistory(null, Page(null));
        var writer = Writer("""{ channel: "#cs-onboarding-alerts", text: "{{ row.account_name }}" }""");

        var outcomes = await writer.WriteAsync([Record("acc_001", unsure: Attempt), Record("acc_002", unsure: Attempt.AddSeconds(5))], CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        Assert.Equal(2, Requests(list).Count);
        Assert.Equal("C0ONBOARD1", Assert.Single(Requests(History)).RequestMessage!.Query!["channel"][0]);
        Assert.Equal(2, Requests(Post).Count);
    }
}
