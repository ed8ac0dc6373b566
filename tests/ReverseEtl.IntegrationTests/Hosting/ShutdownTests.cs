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
        WorkerProjects.AnswerPosts(_slack);
        await using var project = WorkerProjects.SlackAlerts(_slack, Accounts);
        var environment = new Dictionary<string, string> { ["SLACK_BOT_TOKEN"] = "xoxb-test" };

        await using (var worker = new WorkerProcess(project, environment, "run"))
        {
            await worker.WaitUntilAsync(() => Posts().Count >= 15);
            worker.Terminate();
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(20));
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

    private List<string> Posts() => WorkerProjects.Posts(_slack);
}
