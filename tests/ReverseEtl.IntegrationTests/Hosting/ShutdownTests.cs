using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGTERM in the middle of a run: the message in flight finishes and is recorded, nothing is lost, nothing is sent
/// twice, and the scheduled worker exits 0, however long that message takes within <c>RETL_SHUTDOWN_SECONDS</c>.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    private const int Accounts = 60;
    private const int FewAccounts = 6; // the slow post is the third: three stay for the next run, which is then quick
    private static readonly TimeSpan SlowBy = TimeSpan.FromSeconds(5);
    private readonly WireMockServer _slack = WireMockServer.Start();
    private readonly Dictionary<string, string> _environment = new() { ["SLACK_BOT_TOKEN"] = "xoxb-test" };

    [Fact]
    public async Task Sigterm_MidRun_KeepsWhatWasSentAndTheNextRunSendsOnlyTheRest()
    {
        WorkerProjects.AnswerPosts(_slack);
        await using var project = WorkerProjects.SlackAlerts(_slack, Accounts);

        await using (var worker = new WorkerProcess(project, _environment, "run"))
        {
            await worker.WaitUntilAsync(() => Posts().Count >= 15);
            worker.Terminate();
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(20));
        }

        var beforeStop = Posts();
        Assert.InRange(beforeStop.Count, 15, Accounts - 1);
        await AssertNextRunSendsOnlyTheRestAsync(project, beforeStop, Accounts);
    }

    // System.CommandLine used to end the process with 143 two seconds after SIGTERM (its default), while the host was
    // still finishing what it has RETL_SHUTDOWN_SECONDS for: a CI run under load took 1.8 s to end its run alone.
    [Fact]
    public async Task Sigterm_WhileAPostTakesLongerThanTwoSeconds_WaitsForItRecordsItAndExitsZero()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkerProjects.AnswerPosts(_slack, slowPost: 3, SlowBy, arrived);
        await using var project = WorkerProjects.SlackAlerts(_slack, FewAccounts);

        await using (var worker = new WorkerProcess(project, _environment, "run"))
        {
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(90));
            worker.Terminate();
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(20));
            Assert.Contains(worker.Events(1001), e => e["State"]!["Status"]!.GetValue<string>() == "Cancelled");
        }

        var beforeStop = Posts();
        Assert.Equal(3, beforeStop.Count);
        await AssertNextRunSendsOnlyTheRestAsync(project, beforeStop, FewAccounts);
    }

    // run --once (a CronJob's Job) is stopped through System.CommandLine's token: it too waits for the post in flight.
    // Its run is cancelled, not done, so the exit code says it did not succeed (1), not that it was cut short (143).
    [Fact]
    public async Task Sigterm_RunOnceWhileAPostTakesLongerThanTwoSeconds_WaitsForItRecordsItAndExitsOne()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkerProjects.AnswerPosts(_slack, slowPost: 3, SlowBy, arrived);
        await using var project = WorkerProjects.SlackAlerts(_slack, FewAccounts);

        await using (var worker = new WorkerProcess(project, _environment, "run", "--once"))
        {
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(90));
            worker.Terminate();
            Assert.Equal(1, await worker.ExitCodeAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains(worker.Text, line => line.StartsWith("alerts: Cancelled: ", StringComparison.Ordinal));
        }

        var beforeStop = Posts();
        Assert.Equal(3, beforeStop.Count);
        Assert.Equal("Cancelled", (await project.State.GetStatusAsync(CancellationToken.None)).Single(s => s.Sync == "alerts").Status);
        await AssertNextRunSendsOnlyTheRestAsync(project, beforeStop, FewAccounts);
    }

    public void Dispose() => _slack.Dispose();

    private List<string> Posts() => WorkerProjects.Posts(_slack);

    // The next run sends each message not yet sent, once, after those sent before the stop, and none of those again.
    private async Task AssertNextRunSendsOnlyTheRestAsync(TestProject project, List<string> beforeStop, int accounts)
    {
        var rerun = await project.WithVariable("SLACK_BOT_TOKEN", "xoxb-test").CliAsync("run", "--once");
        Assert.Equal(0, rerun.ExitCode);
        var all = Posts();
        Assert.Equal(accounts, all.Count);
        Assert.Equal(accounts, all.Distinct().Count());
        Assert.Equal(beforeStop, all.Take(beforeStop.Count));
    }
}
