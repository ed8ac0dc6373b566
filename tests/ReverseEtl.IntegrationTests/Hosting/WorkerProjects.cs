using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

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

    /// <summary>Answers chat.postMessage as Slack does, taking 150 ms each.</summary>
    public static void AnswerPosts(WireMockServer slack)
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(SlackEndToEndTests.PostOk).WithDelay(TimeSpan.FromMilliseconds(150)));
        // A post of unknown outcome (the one in flight when a worker died) is looked for in the history first: an empty one,
        // of the channel's id as conversations.list names it.
        slack.Given(Request.Create().WithPath("/api/conversations.list").UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"channels":[{"id":"C0CS000001","name":"cs"}],"response_metadata":{"next_cursor":""}}"""));
        slack.Given(Request.Create().WithPath("/api/conversations.history").UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"messages":[],"has_more":false,"pin_count":0}"""));
    }

    /// <summary>The text of every message posted, in order.</summary>
    public static List<string> Posts(WireMockServer slack) => slack.LogEntries.Where(e => e.RequestMessage!.Path == "/api/chat.postMessage").OrderBy(e => e.RequestMessage!.DateTime)
        .Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!["text"]!.GetValue<string>()).ToList();

    /// <summary>The sync a worker's log event is about.</summary>
    public static string Sync(JsonObject logEvent) => logEvent["State"]!["Sync"]!.GetValue<string>();
}
