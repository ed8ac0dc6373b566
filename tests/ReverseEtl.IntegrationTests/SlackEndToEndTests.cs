using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

public sealed class SlackEndToEndTests : IDisposable
{
    internal const string PostOk = """{"ok":true,"channel":"D0123ABCDE","ts":"1747728000.000100","message":{"type":"message","text":"x","user":"U0BOT","ts":"1747728000.000100"}}""";
    internal const string LookupOk = """
        {"ok":true,"user":{"id":"U0123CSM1","name":"csm","is_bot":false,"is_app_user":false,"updated":1747728000,
        "profile":{"real_name":"Casey Smith","display_name":"casey","avatar_hash":"ge3b51ca72de","real_name_normalized":"Casey Smith",
        "display_name_normalized":"casey","title":"CSM","phone":"","skype":"","status_text":"","status_emoji":"","fields":null,
        "email":"csm@example.com"}}}
        """;
    internal const string OpenOk = """{"ok":true,"channel":{"id":"D0123ABCDE"}}""";

    private readonly WireMockServer _slack = WireMockServer.Start();

    [Fact]
    public void CannedResponses_AreWhatSlackDocuments()
    {
        Contracts.RequireAvailable(); // it checks nothing but the contract, and that it rejects a wrong answer
        Assert.Equal(string.Empty, string.Join("; ", SlackContract.ValidateResponse("chat.postMessage", "post", PostOk)));
        Assert.Equal(string.Empty, string.Join("; ", SlackContract.ValidateResponse("users.lookupByEmail", "get", LookupOk)));
        Assert.Equal(string.Empty, string.Join("; ", SlackContract.ValidateResponse("conversations.open", "post", OpenOk)));
        Assert.NotEmpty(SlackContract.ValidateResponse("users.lookupByEmail", "get", LookupOk.Replace("U0123CSM1", "csm-1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_DmChannelAndRejectedRecipient_SendsEachOnceAndAdvancesOnlyAcknowledged()
    {
        Answer("users.lookupByEmail", LookupOk);
        Answer("conversations.open", OpenOk);
        Answer("chat.postMessage", PostOk);
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WildcardMatcher("*C_GONE*")))
            .AtPriority(1).RespondWith(Json("""{"ok":false,"error":"channel_not_found"}"""));
        await using var project = Project();

        var first = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.PartiallyFailed, 2L, 1L), (first.Status, first.Counts.Sent, first.Counts.Failed));
        Assert.Equal(3, Posts().Count);
        var dm = Posts().Single(p => p["channel"]!.GetValue<string>() == "D0123ABCDE");
        Assert.Equal("Acme &amp; Sons &lt;Ltd&gt; stuck 20 days", dm["text"]!.GetValue<string>());
        Assert.Equal("*Acme &amp; Sons &lt;Ltd&gt;*", dm["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Acme & Sons <Ltd>", dm["blocks"]![1]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Bearer xoxb-test", _slack.LogEntries[0].RequestMessage!.Headers!["Authorization"][0]);
        Assert.All(_slack.LogEntries.Where(e => e.RequestMessage!.Method == "POST"), e =>
            Assert.Empty(SlackContract.ValidateRequest(e.RequestMessage!.Path.Split('/')[^1], e.RequestMessage.Body!)));

        var state = await project.State.LoadRecordsAsync("alerts", CancellationToken.None);
        Assert.Equal(["acc_1", "acc_2", "acc_4"], state.Keys.Order());
        Assert.False(state["acc_4"].Matched);

        _slack.ResetLogEntries();
        var second = await project.RunAsync("alerts");
        // channel_not_found is a rejection for good: the record is parked, not posted again while its row is the same.
        Assert.Equal((1L, 0L, 0L, 1L), (second.Counts.Added, second.Counts.Sent, second.Counts.Failed, second.Counts.Parked));
        Assert.Empty(Posts());
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal((1, "acc_3: chat.postMessage: channel_not_found"), (status.FailingRecords, status.LastFailure));
    }

    [Fact]
    public async Task Run_RateLimitedWithRetryAfter_WaitsAndSendsOnce()
    {
        Answer("users.lookupByEmail", LookupOk);
        Answer("conversations.open", OpenOk);
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).InScenario("rate").WillSetStateTo("open")
            .RespondWith(Json("""{"ok":false,"error":"ratelimited"}""").WithStatusCode(429).WithHeader("Retry-After", "1"));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).InScenario("rate").WhenStateIs("open")
            .RespondWith(Json(PostOk));
        await using var project = Project(onlyFirstAccount: true);

        var report = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.Succeeded, 1L), (report.Status, report.Counts.Sent));
        var posts = _slack.LogEntries.Where(e => e.RequestMessage!.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 200], posts.Select(p => (int)p.ResponseMessage!.StatusCode!));
        Assert.True(posts[1].RequestMessage!.DateTime - posts[0].RequestMessage!.DateTime >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task Run_RateLimitedOnce_TheWorkerLogsTheRetryAsOneLineWithoutAStackTrace()
    {
        Answer("users.lookupByEmail", LookupOk);
        Answer("conversations.open", OpenOk);
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).InScenario("rate").WillSetStateTo("open")
            .RespondWith(Json("""{"ok":false,"error":"ratelimited"}""").WithStatusCode(429).WithHeader("Retry-After", "1"));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).InScenario("rate").WhenStateIs("open")
            .RespondWith(Json(PostOk));
        await using var project = Project(onlyFirstAccount: true);

        await using var worker = new Hosting.WorkerProcess(project, new Dictionary<string, string>(), "run", "--once", "--sync", "alerts");
        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        var retry = Assert.Single(worker.Events(2020));
        Assert.Equal(("Warning", "Slack connection chat: HTTP 429; retry 1 in 1 s"), (retry["LogLevel"]!.GetValue<string>(), retry["Message"]!.GetValue<string>()));
        Assert.Null(retry["Exception"]);
        Assert.DoesNotContain(worker.Logs, l => l["Exception"] is not null);
    }

    [Fact]
    public async Task Run_TokenRevoked_FailsTheRunWithOneClearErrorAndNoRetries()
    {
        Answer("users.lookupByEmail", """{"ok":false,"error":"token_revoked"}""");
        await using var project = Project();

        var report = await project.RunAsync("alerts");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal("Slack connection 'chat': users.lookupByEmail was refused with 'token_revoked' (the bot token needs the scopes chat:write, users:read.email and im:write); check the connection's token (written in the YAML)", report.Error);
        Assert.Single(_slack.LogEntries);
        Assert.Empty(await project.State.LoadRecordsAsync("alerts", CancellationToken.None));
    }

    public void Dispose() => _slack.Dispose();

    private TestProject Project(bool onlyFirstAccount = false)
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", $"""
            create table accounts as select * from (values
              ('acc_1', 'Acme & Sons <Ltd>', 'csm@ourco.example', '#cs', 20, false),
              ('acc_2', 'Beta', null, 'C_OK', 30, false),
              ('acc_3', 'Gamma', null, 'C_GONE', 40, false),
              ('acc_4', 'Delta', null, 'C_OK', 2, false)
            ) t(account_id, account_name, csm_email, channel, days_in_stage, is_activated)
            {(onlyFirstAccount ? "where account_id = 'acc_1'" : string.Empty)};
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
                trigger: { when: "days_in_stage >= 14 and not is_activated", initial: send }
                slack:
                  user_email: "{{ row.csm_email }}"
                  channel: "{{ row.channel }}"
                  text: "{{ row.account_name }} stuck {{ row.days_in_stage }} days"
                  blocks:
                    - { type: section, text: { type: mrkdwn, text: "*{{ row.account_name }}*" } }
                    - { type: header, text: { type: plain_text, text: "{{ row.account_name }}" } }
            """);
    }

    private void Answer(string method, string body) =>
        _slack.Given(Request.Create().WithPath($"/api/{method}")).AtPriority(100).RespondWith(Json(body));

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private List<JsonNode> Posts() => _slack.LogEntries
        .Where(e => e.RequestMessage!.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))
        .Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!).ToList();
}
