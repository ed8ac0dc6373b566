using Dapper;
using Npgsql;
using WireMock.Server;
using ReverseEtl.IntegrationTests.Postgres;
using ReverseEtl.State.Postgres;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A replica killed mid-run (SIGKILL: no chance to finish anything) has its run taken up by another replica, which
/// waits for the dead one's lock and delivers the rest; and a run asked for on demand while the scheduled one is under way is skipped, not run twice.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class RecoveryTests(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    private const int Accounts = 60;
    private readonly WireMockServer _slack = WireMockServer.Start();

    // The dead replica's lock is held a little longer by the test, as when a lost node's session has not yet been dropped:
    // until the recovered run has tried it twice (it tries every 2 s, each time in a new session, logged by the server).
    [Fact]
    public async Task ReplicaKilledMidRun_AnotherReplicaWaitsForItsLockRecoversTheRunAndSendsOnlyTheRest()
    {
        var state = await StartAsync();
        await server.LogStatementsAsync(state);
        await using var first = WorkerProjects.SlackAlerts(_slack, Accounts);
        await using var second = WorkerProjects.SlackAlerts(_slack, Accounts);
        await using var lingering = new PostgresSyncStateStore(state, TimeProvider.System);
        await using (var a = new WorkerProcess(first, Environment(state, "worker-a"), "run"))
        {
            await a.WaitUntilAsync(() => Posts().Count >= 15);
            await a.KillAsync();
        }

        var deadSession = await lingering.TryLockAsync("alerts", CancellationToken.None);
        Assert.NotNull(deadSession);
        var beforeKill = Posts();
        await using var b = new WorkerProcess(second, Environment(state, "worker-b"), "run");
        await b.WaitUntilAsync(() => b.Events(1009).Any()); // the recovered run waits for the lock
        var attempts = LockAttempts();
        await b.WaitUntilAsync(() => LockAttempts() > attempts); // tries it again, and finds it still held
        Assert.Empty(b.Events(1000)); // and starts nothing while it is held
        await deadSession.DisposeAsync();
        // Every post arrived and the run recorded its end (a stop before that would record it cancelled).
        await b.WaitUntilAsync(() => Posts().Distinct().Count() == Accounts && b.Events(1001).Any());
        b.Terminate();
        await b.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));

        var all = Posts();
        output.WriteLine($"killed after {beforeKill.Count} posts; {all.Count} posts in all");
        Assert.Contains(b.Events(3001), e => string.Equals(e["State"]!["Recovering"]!.ToString(), "true", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(b.Events(1008)); // never skipped
        Assert.Equal(Accounts, all.Distinct().Count());
        Assert.InRange(all.Count - Accounts, 0, 1); // at most the message in flight when the replica died
        Assert.Equal(beforeKill, all.Take(beforeKill.Count));
        var runs = await RunsAsync(state);
        Assert.Equal("Abandoned", runs[0].Status);
        Assert.Contains($"(worker-a) stopped before the end", runs[0].Error, StringComparison.Ordinal);
        Assert.Contains($"run {runs[1].Id} on worker-b took over", runs[0].Error, StringComparison.Ordinal);
        Assert.Equal("Succeeded", runs[1].Status);
    }

    [Fact]
    public async Task RunOnceWhileTheScheduledRunIsUnderWay_IsSkippedAndNothingIsSentTwice()
    {
        var state = await StartAsync();
        await using var project = WorkerProjects.SlackAlerts(_slack, Accounts);
        await using (var worker = new WorkerProcess(project, Environment(state, "worker-a"), "run"))
        {
            await worker.WaitUntilAsync(() => Posts().Count >= 5);
            var onDemand = await project.WithVariable("RETL_STATE_CONNECTION_STRING", state).WithVariable("SLACK_BOT_TOKEN", "xoxb-test")
                .CliAsync("run", "--once", "--sync", "alerts");
            Assert.Equal(0, onDemand.ExitCode);
            Assert.Contains("alerts: Skipped", onDemand.Output, StringComparison.Ordinal);
            Assert.Contains("already running in another process", onDemand.Output, StringComparison.Ordinal);
            await worker.WaitUntilAsync(() => Posts().Count >= Accounts);
            worker.Terminate();
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(Accounts, Posts().Count);
        Assert.Equal(Accounts, Posts().Distinct().Count());
    }

    public void Dispose() => _slack.Dispose();

    private async Task<string> StartAsync()
    {
        WorkerProjects.AnswerPosts(_slack);
        return await server.CreateDatabaseAsync();
    }

    private static Dictionary<string, string> Environment(string state, string instance) => new()
    {
        ["RETL_STATE_CONNECTION_STRING"] = state, ["RETL_INSTANCE_ID"] = instance, ["SLACK_BOT_TOKEN"] = "xoxb-test",
    };

    private static async Task<List<(long Id, string Status, string? Error)>> RunsAsync(string state)
    {
        await using var connection = new NpgsqlConnection(state);
        return (await connection.QueryAsync<(long, string, string?)>("select id, status, error from sync_runs order by id")).ToList();
    }

    private List<string> Posts() => WorkerProjects.Posts(_slack);

    private int LockAttempts() => server.LoggedStatements("pg_try_advisory_lock(");
}
