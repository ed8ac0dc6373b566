using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Alerts;

/// <summary>
/// A project whose sync <c>nudges</c> reads a CSV file through DuckDB (missing: the run fails; written: it succeeds) and
/// posts to Slack channel <see cref="SyncChannel"/>; alerts go to <see cref="AlertChannel"/> through the same Slack
/// connection (<c>ops</c>) and to an incoming webhook (<c>hook</c>) on the same loopback server, answering as Slack
/// documents: chat.postMessage with <c>ok</c>, <c>channel</c>, <c>ts</c> and the message; the webhook with 200 <c>ok</c> as text.
/// </summary>
internal sealed class AlertStandIn : IAsyncDisposable
{
    public const string Sync = "nudges";
    public const string SyncChannel = "C0SYNC0001";
    public const string AlertChannel = "#data-ops";
    public const string HookPath = "/services/T0ALERT/B0ALERT/XyZ0SeCrEt0hook";
    private const string PostPath = "/api/chat.postMessage";

    public AlertStandIn(string syncExtra = "", string csvFolder = "données")
    {
        Project = new TestProject();
        CsvPath = Path.Combine(Project.Root, csvFolder, "accounts – Zoë.csv");
        Project.Sql("wh.duckdb", "select 1");
        Project.WithVariable("ALERT_WEBHOOK_URL", HookUrl).WithVariable("SLACK_BOT_TOKEN", "xoxb-test").WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "${SLACK_BOT_TOKEN:-}", base_url: "{{{Server.Url}}}/api", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: "select * from read_csv('{{{CsvPath}}}', header = true, all_varchar = true)" }
            syncs:
              {{{Sync}}}:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "true", initial: send }
                slack: { channel: {{{SyncChannel}}}, text: "{{ row.account_name }}" }
                {{{syncExtra}}}
            alerts:
              ops: { slack: { connection: chat, channel: "{{{AlertChannel}}}" } }
              hook: { webhook: { url: "${ALERT_WEBHOOK_URL}" } }
            """);
        AnswerPosts();
        AnswerHook(200, "ok");
    }

    public WireMockServer Server { get; } = WireMockServer.Start();

    public TestProject Project { get; }

    public string CsvPath { get; }

    public string HookUrl => Server.Url + HookPath;

    /// <summary>Writes the model's rows: (account_id, account_name); a null id is an empty field.</summary>
    public void WriteRows(params (string? Id, string Name)[] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CsvPath)!);
        File.WriteAllLines(CsvPath, ["account_id,account_name", .. rows.Select(r => $"{r.Id},\"{r.Name}\"")]);
    }

    public void RemoveRows() => File.Delete(CsvPath);

    /// <summary>Answers chat.postMessage as Slack does on success.</summary>
    public void AnswerPosts() => Server.Given(Request.Create().WithPath(PostPath).UsingPost()).AtPriority(10).RespondWith(WireMockJson.From(200, body => new JsonObject
    {
        ["ok"] = true, ["channel"] = body!["channel"]!.GetValue<string>() == AlertChannel ? "C0DATAOPS1" : body["channel"]!.DeepClone(), ["ts"] = "1764493999.000900",
        ["message"] = new JsonObject { ["type"] = "message", ["text"] = body["text"]!.DeepClone(), ["ts"] = "1764493999.000900" },
    }));

    /// <summary>Answers posts to the alert channel with Slack's <c>ok:false</c> and <paramref name="error"/>, until <see cref="AnswerPosts"/> again.</summary>
    public void RefuseAlertPosts(string error) => Server.Given(Request.Create().WithPath(PostPath).UsingPost().WithBody(b => b?.Contains(AlertChannel, StringComparison.Ordinal) == true))
        .AtPriority(1).RespondWith(WireMockJson.Fixed(200, $$"""{"ok":false,"error":"{{error}}"}"""));

    public void AnswerHook(int status, string code)
    {
        Server.Given(Request.Create().WithPath(HookPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/plain").WithBody(code));
    }

    /// <summary>The bodies posted to the alert channel (answered ok or not), in order.</summary>
    public List<JsonNode> AlertPosts() => Bodies(PostPath).Where(b => b["channel"]!.GetValue<string>() == AlertChannel).ToList();

    /// <summary>The bodies the sync itself posted, in order.</summary>
    public List<JsonNode> SyncPosts() => Bodies(PostPath).Where(b => b["channel"]!.GetValue<string>() == SyncChannel).ToList();

    public List<JsonNode> HookPosts() => Bodies(HookPath);

    /// <summary>The headline of each alert: the header block's text.</summary>
    public static List<string> Headlines(IEnumerable<JsonNode> bodies) => bodies.Select(b => b["blocks"]![0]!["text"]!["text"]!.GetValue<string>()).ToList();

    public async ValueTask DisposeAsync()
    {
        await Project.DisposeAsync();
        Server.Dispose();
    }

    private List<JsonNode> Bodies(string path) => Server.LogEntries.Where(e => e.RequestMessage!.Path == path)
        .OrderBy(e => e.RequestMessage!.DateTime).Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!).ToList();
}
