using ReverseEtl.IntegrationTests.Alerts;
using static ReverseEtl.IntegrationTests.Alerts.AlertStandIn;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// The long-running worker as a process, its sync firing every second: while the model fails, one alert; once it is
/// fixed, one more; none while either state lasts. The incoming webhook's URL (the secret) appears in no log line.
/// </summary>
public sealed class AlertWorkerTests
{
    [Fact]
    public async Task Worker_SyncFailsThenIsFixed_ExactlyTwoAlertsOnEachTargetAndTheWebhookUrlNeverLogged()
    {
        await using var slack = new AlertStandIn("schedule: { cron: \"0/1 * * * * ?\" }");
        await slack.Project.State.InitializeAsync(CancellationToken.None);
        var environment = new Dictionary<string, string> { ["SLACK_BOT_TOKEN"] = "xoxb-test", ["ALERT_WEBHOOK_URL"] = slack.HookUrl };

        await using (var worker = new WorkerProcess(slack.Project, environment, "run"))
        {
            await worker.WaitUntilAsync(() => Runs(slack, "Failed") >= 3);
            slack.WriteRows(("acc_001", "Zoë <&> 名前"));
            await worker.WaitUntilAsync(() => Runs(slack, "Succeeded") >= 3);
            worker.Terminate();
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(60));

            var secret = HookPath.Split('/')[^1];
            Assert.DoesNotContain(worker.Logs, l => l.ToJsonString().Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(worker.Text, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.Equal(2, worker.Events(3102).Count(e => e["State"]!["Alert"]!.GetValue<string>() == "hook"));
        }

        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} recovered"], Headlines(slack.AlertPosts()));
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} recovered"], Headlines(slack.HookPosts()));
        Assert.All(slack.AlertPosts(), p => Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", p.ToJsonString())));
        Assert.Single(slack.SyncPosts());
    }

    private static int Runs(AlertStandIn slack, string status) =>
        slack.Project.State.GetHistoryAsync(Sync, 100, CancellationToken.None).GetAwaiter().GetResult().Count(r => r.Status == status);
}
