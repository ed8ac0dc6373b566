using System.Diagnostics;
using ReverseEtl.Tests.Support;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// The worker as a process, with Slack and the partner webhook on a loopback server that accepts TCP connections and
/// never answers (timeout_seconds: 1): each of their syncs fails within two timeouts and a backoff, naming the
/// connection and host; the second Slack sync finds the circuit open and sends nothing; the other syncs of the same
/// <c>run --once</c> complete; and the locks are free, so the next run starts.
/// </summary>
public sealed class HungVendorTests : IDisposable
{
    private const string Alerts = "stagnant-onboarding-alerts";
    private const string AlertsAgain = "stagnant-onboarding-alerts-again";
    private readonly HungVendor _server = new();

    [Fact]
    public async Task RunOnce_VendorAcceptsAndNeverAnswers_ItsSyncsFailFastNamingConnectionAndHost_OthersCompleteAndLocksAreFree()
    {
        await using var project = Project();
        var clock = Stopwatch.StartNew();

        int code;
        await using (var worker = new WorkerProcess(project, Environment(), "run", "--once"))
        {
            code = await worker.ExitCodeAsync(TimeSpan.FromMinutes(3));
        }

        var elapsed = clock.Elapsed;
        var runs = (await project.State.GetStatusAsync(CancellationToken.None)).ToDictionary(s => s.Sync);
        Assert.Equal(1, code);
        Assert.Equal("Failed", runs[Alerts].Status);
        Assert.Equal("Failed", runs[AlertsAgain].Status);
        Assert.Equal("Failed", runs["partner-co-onboarding"].Status);
        Assert.All(new[] { Alerts, AlertsAgain }, s => Assert.StartsWith(
            $"circuit open for Slack connection 'slack' ({_server.Host}): 2 consecutive failures, last: no answer within 1 s; retrying after", runs[s].Error, StringComparison.Ordinal));
        Assert.StartsWith($"circuit open for Slack webhook connection 'partner-webhook' ({_server.Host}): 2 consecutive failures", runs["partner-co-onboarding"].Error, StringComparison.Ordinal);
        Assert.All(runs.Values.Where(r => !r.Sync.StartsWith("stagnant", StringComparison.Ordinal) && r.Sync != "partner-co-onboarding"),
            r => Assert.Equal((r.Sync, "Succeeded"), (r.Sync, r.Status)));
        // Slack: two attempts (each 1 s) opened the circuit; the other Slack sync sent nothing while it was open. The
        // webhook's posts are never repeated: two of them timed out, which opened its circuit.
        Assert.Equal((2, 2), (_server.RequestsTo("/api/"), _server.RequestsTo("/hook")));
        Assert.True(elapsed < TimeSpan.FromSeconds(150), $"the run took {elapsed}");

        await using var again = new WorkerProcess(project, Environment(), "run", "--once", "--sync", Alerts);
        Assert.Equal(1, await again.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        var rerun = (await project.State.GetStatusAsync(CancellationToken.None)).Single(s => s.Sync == Alerts);
        Assert.True(rerun.RunId > runs[Alerts].RunId, "the second run started: the first one's lock was released");
        Assert.Equal("Failed", rerun.Status);
    }

    public void Dispose() => _server.Dispose();

    private Dictionary<string, string> Environment() => new()
    {
        ["SLACK_BOT_TOKEN"] = "xoxb-test",
        ["SLACK_API_BASE_URL"] = $"{_server.Url}api",
        ["SLACK_WEBHOOK_URL"] = $"{_server.Url}hook",
    };

    // The shipped config, with a 1 s timeout for both Slack connections and a second sync on the Slack connection.
    private static TestProject Project()
    {
        var project = new TestProject().WithShippedConfig(initialSend: true);
        var connections = File.ReadAllText(Path.Combine(RepositoryPaths.Config, "connections.yaml"))
            .Replace("      base_url: ${SLACK_API_BASE_URL:-https://slack.com/api}\n", "      base_url: ${SLACK_API_BASE_URL:-https://slack.com/api}\n      timeout_seconds: 1\n", StringComparison.Ordinal)
            .Replace("      url: ${SLACK_WEBHOOK_URL:-}\n", "      url: ${SLACK_WEBHOOK_URL:-}\n      timeout_seconds: 1\n", StringComparison.Ordinal);
        Assert.Equal(2, connections.Split("timeout_seconds: 1").Length - 1);
        var again = TestProject.SendingInitial(File.ReadAllText(Path.Combine(RepositoryPaths.Config, "syncs", $"{Alerts}.yaml"))).Replace($"  {Alerts}:", $"  {AlertsAgain}:", StringComparison.Ordinal);
        return project.WithFile("connections.yaml", connections).WithFile(Path.Combine("syncs", $"{AlertsAgain}.yaml"), again);
    }
}
