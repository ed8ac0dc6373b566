using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>SIGTERM in the middle of a scheduled run: the message in flight finishes, nothing is lost, nothing is sent twice.</summary>
public sealed class ShutdownTests : IDisposable
{
    private const int Accounts = 60;
    private readonly WireMockServer _slack = WireMockServer.Start();

    [Fact]
    public async Task Sigterm_MidRun_KeepsWhatWasSentAndTheNextRunSendsOnlyTheRest()
    {
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(SlackEndToEndTests.PostOk).WithDelay(TimeSpan.FromMilliseconds(150)));
        await using var project = Project(_slack.Url!);
        var environment = new Dictionary<string, string> { ["SLACK_BOT_TOKEN"] = "xoxb-test" };

        await using (var worker = new WorkerProcess(project, environment, "run"))
        {
            await worker.WaitUntilAsync(() => Posts().Count >= 15);
            worker.Terminate();
            Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        }

        var beforeStop = Posts();
        Assert.InRange(beforeStop.Count, 15, Accounts - 1);
        var rerun = await project.WithVariable("SLACK_BOT_TOKEN", "xoxb-test").CliAsync("run", "--once");
        Assert.Equal(0, rerun.ExitCode);
        var all = Posts();
        Assert.Equal(Accounts, all.Count);
        Assert.Equal(Accounts, all.Distinct().Count());
        Assert.Equal(beforeStop, all.Take(beforeStop.Count));
    }

    public void Dispose() => _slack.Dispose();

    private static TestProject Project(string slackUrl)
    {
        var project = new TestProject().WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "${SLACK_BOT_TOKEN:-}", base_url: "{{{slackUrl}}}/api" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "days_in_stage >= 0" }
                schedule: { cron: "0/1 * * * * ?" }
                batch_size: 20
                slack: { channel: "#cs", text: "{{ row.account_id }} is stuck" }
            """);
        project.Sql("wh.duckdb", $"create table accounts as select 'acc_' || lpad(cast(i as varchar), 3, '0') as account_id, i as days_in_stage from range({Accounts}) t(i)");
        return project;
    }

    // The text of every message posted, in order.
    private List<string> Posts() => _slack.LogEntries.OrderBy(e => e.RequestMessage!.DateTime)
        .Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!["text"]!.GetValue<string>()).ToList();
}
