using Dapper;
using Npgsql;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// YAML changes with shared schedules: a replica started on broken YAML exits 2 and leaves the running one alone; a
/// restart on changed YAML schedules what it now says, and a sync taken out of it never runs again.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class ScheduleChangeTests(PostgresServer server)
{
    private const string Before = """
        syncs:
          dropped: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/1 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
          kept: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/3 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
        """;

    private const string After = """
        syncs:
          kept: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/1 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
          added: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/1 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
        """;

    [Fact]
    public async Task BrokenYamlExitsAndLeavesTheRunningReplica_ChangedYamlTakesEffectOnRestart()
    {
        var state = await server.CreateDatabaseAsync();
        var environment = new Dictionary<string, string> { ["RETL_STATE_CONNECTION_STRING"] = state };
        await using (var project = Project(Before))
        await using (var running = new WorkerProcess(project, environment, "run"))
        {
            await running.WaitUntilAsync(() => Fires(running, "dropped") >= 2);
            await using var broken = Project(Before.Replace("model: accounts", "model: nowhere", StringComparison.Ordinal));
            await using (var refused = new WorkerProcess(broken, environment, "run"))
            {
                Assert.Equal(2, await refused.ExitCodeAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains(refused.Text, line => line.Contains("project.yaml:", StringComparison.Ordinal) && line.Contains("nowhere", StringComparison.Ordinal));
            }

            var firesBefore = Fires(running, "dropped");
            await running.WaitUntilAsync(() => Fires(running, "dropped") >= firesBefore + 2);
            running.Terminate();
            await running.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));
        }

        await using var changed = Project(After);
        await using var restarted = new WorkerProcess(changed, environment, "run");
        await restarted.WaitUntilAsync(() => Fires(restarted, "added") >= 3 && Fires(restarted, "kept") >= 3);
        restarted.Terminate();
        await restarted.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, Fires(restarted, "dropped"));
        Assert.Equal(["dropped"], restarted.Events(3004).Select(WorkerProjects.Sync));
        Assert.Equal(["kept"], restarted.Events(3005).Select(WorkerProjects.Sync));
        var kept = restarted.Events(3001).Where(e => WorkerProjects.Sync(e) == "kept")
            .Select(e => DateTimeOffset.Parse(e["State"]!["ScheduledFire"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Contains(kept.Zip(kept.Skip(1)), pair => (pair.Second - pair.First).TotalSeconds == 1); // the new cron, not every 3 s
        Assert.Equal(["added", "kept"], await StoredJobsAsync(state));
    }

    private static int Fires(WorkerProcess worker, string sync) => worker.Events(3001).Count(e => WorkerProjects.Sync(e) == sync);

    private static async Task<List<string>> StoredJobsAsync(string state)
    {
        await using var connection = new NpgsqlConnection(state);
        return (await connection.QueryAsync<string>("select job_name from qrtz_job_details order by job_name")).ToList();
    }

    private static TestProject Project(string syncs) => WorkerProjects.DryRun(syncs, accounts: 3);
}
