using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>The projects the worker-process tests run: an <c>accounts</c> table in DuckDB, and syncs posting to Slack.</summary>
internal static class WorkerProjects
{
    /// <summary>
    /// <paramref name="syncs"/> (YAML starting with <c>syncs:</c>) over <paramref name="accounts"/> accounts, posting to a
    /// Slack connection without credentials: a dry run, for tests that look at the schedules rather than the messages.
    /// </summary>
    public static TestProject DryRun(string syncs, int accounts)
    {
        var project = new TestProject().WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            {{syncs}}
            """);
        project.Sql("wh.duckdb", $"create table accounts as select 'acc_' || cast(i as varchar) as account_id from range({accounts}) t(i)");
        return project;
    }

    /// <summary>
    /// One sync, <c>alerts</c>, firing every second and posting one Slack message per account to
    /// <paramref name="slack"/> (token from SLACK_BOT_TOKEN); Slack's default limit of 50 a minute is lifted, so the
    /// pace is the mock's answer time.
    /// </summary>
    public static TestProject SlackAlerts(WireMockServer slack, int accounts)
    {
        var project = new TestProject().WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "${SLACK_BOT_TOKEN:-}", base_url: "{{{slack.Url}}}/api", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "days_in_stage >= 0", initial: send }
                schedule: { cron: "0/1 * * * * ?" }
                slack: { channel: "#cs", text: "{{ row.account_id }} is stuck" }
            """);
        project.Sql("wh.duckdb", $"create table accounts as select 'acc_' || lpad(cast(i as varchar), 3, '0') as account_id, i as days_in_stage from range({accounts}) t(i)");
        return project;
    }

    /// <summary>
    /// Answers chat.postMessage as Slack does, taking 150 ms each; the channel history (read before posting again a
    /// message whose earlier post has no known outcome) is empty here, so such a message is posted again.
    /// </summary>
    public static void AnswerPosts(WireMockServer slack)
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(SlackEndToEndTests.PostOk).WithDelay(TimeSpan.FromMilliseconds(150)));
        AnswerChannels(slack);
    }

    /// <summary>
    /// As <see cref="AnswerPosts(WireMockServer)"/>, but post number <paramref name="slowPost"/> (from 1) takes
    /// <paramref name="slowBy"/>; <paramref name="arrived"/> completes when its request arrives, so a test can stop the
    /// worker while that post is in flight.
    /// </summary>
    public static void AnswerPosts(WireMockServer slack, int slowPost, TimeSpan slowBy, TaskCompletionSource arrived)
    {
        var received = 0;
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithCallback(async _ =>
        {
            var slow = Interlocked.Increment(ref received) == slowPost;
            if (slow)
            {
                arrived.TrySetResult();
            }

            await Task.Delay(slow ? slowBy : TimeSpan.FromMilliseconds(150));
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData { BodyAsString = SlackEndToEndTests.PostOk, DetectedBodyType = BodyType.String },
            };
        }));
        AnswerChannels(slack);
    }

    private static void AnswerChannels(WireMockServer slack)
    {
        slack.Given(Request.Create().WithPath("/api/conversations.history")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"messages":[],"has_more":false}"""));
        slack.Given(Request.Create().WithPath("/api/conversations.list")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody("""{"ok":true,"channels":[{"id":"C0123CS","name":"cs","is_channel":true}],"response_metadata":{"next_cursor":""}}"""));
    }

    /// <summary>The text of every message posted, in order.</summary>
    public static List<string> Posts(WireMockServer slack) => slack.LogEntries
        .Where(e => e.RequestMessage!.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)).OrderBy(e => e.RequestMessage!.DateTime)
        .Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!["text"]!.GetValue<string>()).ToList();

    /// <summary>The sync a worker's log event is about.</summary>
    public static string Sync(JsonObject logEvent) => logEvent["State"]!["Sync"]!.GetValue<string>();
}
