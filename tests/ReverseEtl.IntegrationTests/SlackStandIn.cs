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
/// A Slack stand-in for the exactly-once tests, answering as Slack documents: chat.postMessage echoes the message with
/// its metadata; conversations.history answers newest first with <c>has_more</c> and <c>response_metadata.next_cursor</c>,
/// each message with its <c>metadata</c> (as <c>include_all_metadata</c> asks). Tests hand records to the sync's writer.
/// </summary>
public abstract class SlackStandIn : IAsyncDisposable
{
    protected const string Post = "/api/chat.postMessage";
    protected const string History = "/api/conversations.history";
    protected const string Channel = "C0ALERTS01";
    protected const string ChannelSection = "{ channel: " + Channel + ", text: \"{{ row.account_name }}\" }";
    protected static readonly DateTimeOffset Attempt = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly TestProject _project = new();
    private ProjectRuntime? _runtime;

    protected WireMockServer Server => _server;

    private protected TestProject Project => _project;

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await _project.DisposeAsync();
        _server.Dispose();
        GC.SuppressFinalize(this);
    }

    protected ISyncWriter Writer(string section = ChannelSection, string token = "xoxb-test")
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

    protected static SyncRecord Record(string key, string sync = "alerts", DateTimeOffset? unsure = null) =>
        new(key, RecordAction.Enter, new Dictionary<string, object?> { ["account_id"] = key, ["account_name"] = "Zoë <&> 名前", ["email"] = "zoe@customer.example" })
        {
            Delivery = new DeliveryKey(sync, key, RecordAction.Enter, "00ff00ff00ff00ff"),
            UnsureSince = unsure,
        };

    /// <summary>Answers posts as Slack does: with the conversation's id (<paramref name="channelId"/> for a post to a name), the ts and the message.</summary>
    protected void AnswerPosts(string? channelId = null) => _server.Given(Request.Create().WithPath(Post).UsingPost()).RespondWith(WireMockJson.From(200, body => new JsonObject
    {
        ["ok"] = true, ["channel"] = channelId ?? body!["channel"]!.GetValue<string>(), ["ts"] = "1764493999.000900",
        ["message"] = new JsonObject { ["type"] = "message", ["text"] = body!["text"]!.DeepClone(), ["ts"] = "1764493999.000900", ["metadata"] = body["metadata"]?.DeepClone() },
    }));

    /// <summary>Answers the history page asked for with <paramref name="cursor"/> (null: the first page).</summary>
    protected void AnswerHistory(string? cursor, string page)
    {
        var request = Request.Create().WithPath(History).UsingGet();
        _server.Given(cursor is null ? request : request.WithParam("cursor", cursor)).AtPriority(cursor is null ? 10 : 1).RespondWith(WireMockJson.Fixed(200, page));
    }

    protected static string Page(string? nextCursor, params JsonObject[] messages) => new JsonObject
    {
        ["ok"] = true, ["messages"] = new JsonArray(messages), ["has_more"] = nextCursor is not null, ["pin_count"] = 0,
        ["response_metadata"] = new JsonObject { ["next_cursor"] = nextCursor ?? string.Empty },
    }.ToJsonString();

    protected static JsonObject Message(string ts, JsonNode? metadata) => new()
    {
        ["type"] = "message", ["subtype"] = "bot_message", ["bot_id"] = "B0BOT0001", ["text"] = "Zoë &lt;&amp;&gt; 名前", ["ts"] = ts,
        ["metadata"] = metadata?.DeepClone(),
    };

    protected JsonNode PostedMetadata(int index) => JsonNode.Parse(Requests(Post)[index].RequestMessage!.Body!)!["metadata"]!;

    protected List<ILogEntry> Requests(string path) =>
        _server.LogEntries.Where(e => e.RequestMessage!.Path == path).OrderBy(e => e.RequestMessage!.DateTime).ToList();

    protected static string Ts(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ".000000";
}
