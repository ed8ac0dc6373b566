using System.Globalization;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Slack exactly once: every post carries its delivery key as message metadata, and a record whose earlier attempt has
/// no known outcome is looked for in the conversation's history (with metadata) before it is posted again. The stand-in
/// answers conversations.history as Slack documents it: newest first, <c>has_more</c> and <c>response_metadata.next_cursor</c>.
/// </summary>
public sealed class SlackDeliveryKeyTests : IAsyncDisposable
{
    private const string Post = "/api/chat.postMessage";
    private const string History = "/api/conversations.history";
    private const string Channel = "C0ALERTS01";
    private const string ChannelSection = "{ channel: " + Channel + ", text: \"{{ row.account_name }}\" }";
    private static readonly DateTimeOffset Attempt = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly TestProject _project = new();
    private ProjectRuntime? _runtime;

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

    [Theory]
    [InlineData("""{"ok":false,"error":"missing_scope","needed":"channels:history","provided":"chat:write,users:read.email,im:write"}""", "needed channels:history")]
    [InlineData("""{"ok":false,"error":"not_in_channel"}""", "Invite the app to the channel")]
    public async Task Unsure_HistoryNotReadable_FailsPermanentlySayingWhatToDo_AndDoesNotPost(string answer, string advice)
    {
        AnswerPosts();
        _server.Given(Request.Create().WithPath(History).UsingGet()).RespondWith(WireMockJson.Fixed(200, answer));

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
        _server.Given(Request.Create().WithPath("/api/users.lookupByEmail").UsingGet()).RespondWith(WireMockJson.Fixed(200, """{"ok":true,"user":{"id":"U0CSM0001","name":"zoë"}}"""));
        _server.Given(Request.Create().WithPath("/api/conversations.open").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"ok":true,"channel":{"id":"D0DM00001"}}"""));
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
        _server.Given(Request.Create().WithPath(list).UsingGet()).AtPriority(10).RespondWith(WireMockJson.Fixed(200,
            """{"ok":true,"channels":[{"id":"C0GENERAL1","name":"general","is_channel":true}],"response_metadata":{"next_cursor":"ZGNoYW5uZWw6QzBORVhU"}}"""));
        _server.Given(Request.Create().WithPath(list).UsingGet().WithParam("cursor", "ZGNoYW5uZWw6QzBORVhU")).AtPriority(1).RespondWith(WireMockJson.Fixed(200,
            """{"ok":true,"channels":[{"id":"C0ONBOARD1","name":"cs-onboarding-alerts","is_channel":true}],"response_metadata":{"next_cursor":""}}"""));
        AnswerHistory(null, Page(null));
        var writer = Writer("""{ channel: "#cs-onboarding-alerts", text: "{{ row.account_name }}" }""");

        var outcomes = await writer.WriteAsync([Record("acc_001", unsure: Attempt), Record("acc_002", unsure: Attempt.AddSeconds(5))], CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        Assert.Equal(2, Requests(list).Count);
        Assert.Equal("C0ONBOARD1", Assert.Single(Requests(History)).RequestMessage!.Query!["channel"][0]);
        Assert.Equal(2, Requests(Post).Count);
    }

    [Fact]
    public async Task DryRun_OutboxGetsThePostWithMetadata_AndAnUnsureRecordIsLookedForThenPostedAgain()
    {
        var writer = Writer(token: string.Empty);

        var outcomes = await writer.WriteAsync([Record("acc_001"), Record("acc_002", unsure: Attempt)], CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        var outbox = _project.OutboxRequests("chat").Select(r => JsonNode.Parse(r)!).ToList();
        Assert.Equal(["POST", "GET", "POST"], outbox.Select(r => r["method"]!.GetValue<string>()));
        Assert.Contains("conversations.history?channel=C0ALERTS01", outbox[1]["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("include_all_metadata=true", outbox[1]["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["acc_001", "acc_002"], new[] { outbox[0], outbox[2] }.Select(r => r["body"]!["metadata"]!["event_payload"]!["key"]!.GetValue<string>()));
        Assert.Empty(_server.LogEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await _project.DisposeAsync();
        _server.Dispose();
    }

    private ISyncWriter Writer(string section = ChannelSection, string token = "xoxb-test")
    {
        _project.Sql("wh.duckdb", "create or replace table accounts as select 'acc_001' as account_id, 'A' as account_name, 'a@customer.example' as email");
        _project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "{{token}}", base_url: "{{_server.Url}}/api", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "true" }
                slack: {{section}}
            """);
        (_runtime, var writer) = _project.Writer("alerts");
        return writer;
    }

    private static SyncRecord Record(string key, string sync = "alerts", DateTimeOffset? unsure = null) =>
        new(key, RecordAction.Enter, new Dictionary<string, object?> { ["account_id"] = key, ["account_name"] = "Zoë <&> 名前", ["email"] = "zoe@customer.example" })
        {
            Delivery = new DeliveryKey(sync, key, RecordAction.Enter, "00ff00ff00ff00ff"),
            UnsureSince = unsure,
        };

    /// <summary>Answers posts as Slack does: with the conversation's id (<paramref name="channelId"/> for a post to a name), the ts and the message.</summary>
    private void AnswerPosts(string? channelId = null) => _server.Given(Request.Create().WithPath(Post).UsingPost()).RespondWith(WireMockJson.From(200, body => new JsonObject
    {
        ["ok"] = true, ["channel"] = channelId ?? body!["channel"]!.GetValue<string>(), ["ts"] = "1764493999.000900",
        ["message"] = new JsonObject { ["type"] = "message", ["text"] = body!["text"]!.DeepClone(), ["ts"] = "1764493999.000900", ["metadata"] = body["metadata"]?.DeepClone() },
    }));

    /// <summary>Answers the history page asked for with <paramref name="cursor"/> (null: the first page).</summary>
    private void AnswerHistory(string? cursor, string page)
    {
        var request = Request.Create().WithPath(History).UsingGet();
        _server.Given(cursor is null ? request : request.WithParam("cursor", cursor)).AtPriority(cursor is null ? 10 : 1).RespondWith(WireMockJson.Fixed(200, page));
    }

    private static string Page(string? nextCursor, params JsonObject[] messages) => new JsonObject
    {
        ["ok"] = true, ["messages"] = new JsonArray(messages), ["has_more"] = nextCursor is not null, ["pin_count"] = 0,
        ["response_metadata"] = new JsonObject { ["next_cursor"] = nextCursor ?? string.Empty },
    }.ToJsonString();

    private static JsonObject Message(string ts, JsonNode? metadata) => new()
    {
        ["type"] = "message", ["subtype"] = "bot_message", ["bot_id"] = "B0BOT0001", ["text"] = "Zoë &lt;&amp;&gt; 名前", ["ts"] = ts,
        ["metadata"] = metadata?.DeepClone(),
    };

    private JsonNode PostedMetadata(int index) => JsonNode.Parse(Requests(Post)[index].RequestMessage!.Body!)!["metadata"]!;

    private List<ILogEntry> Requests(string path) =>
        _server.LogEntries.Where(e => e.RequestMessage!.Path == path).OrderBy(e => e.RequestMessage!.DateTime).ToList();

    private static string Ts(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ".000000";
}
