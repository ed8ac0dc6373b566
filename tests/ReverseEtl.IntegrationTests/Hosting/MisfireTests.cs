using System.Globalization;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A fire missed while no worker was up (the schedules kept in PostgreSQL): <c>misfire: run_once</c> runs it once as
/// soon as a worker starts, <c>misfire: skip</c> waits for the next fire.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class MisfireTests(PostgresServer server)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AtStart = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task FireMissedWhileNoWorkerWasUp_RunOnceRunsItAtStart_SkipWaitsForTheNextFire()
    {
        var environment = new Dictionary<string, string>
        {
            ["RETL_STATE_CONNECTION_STRING"] = await server.CreateDatabaseAsync(), ["RETL_MISFIRE_SECONDS"] = "1",
        };
        await using var project = Project();
        await using (var first = new WorkerProcess(project, environment, "run"))
        {
            await first.WaitUntilAsync(() => first.Events(3001).Select(WorkerProjects.Sync).Distinct().Count() == 2);
            first.Terminate();
            await first.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));
        }

        // Stay down past the next fire by more than the misfire threshold, and start well before the one after.
        var missed = NextFire(TimeProvider.System.GetUtcNow());
        await Task.Delay(missed + TimeSpan.FromSeconds(2) - TimeProvider.System.GetUtcNow());
        await using var second = new WorkerProcess(project, environment, "run");
        await second.WaitUntilAsync(() => second.Events(3001).Select(WorkerProjects.Sync).Distinct().Count() == 2);
        second.Terminate();
        await second.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));

        var next = missed + Every;
        var (runOnce, skip) = (First(second, "run-once"), First(second, "skip"));
        Assert.Equal(missed, runOnce.Scheduled); // the missed fire itself ran,
        // at start: soon after the worker began scheduling, which a loaded machine may delay, not at the next fire.
        var started = Time(second.Events(3000).First()["Timestamp"]!.ToString());
        Assert.True(runOnce.At < started + AtStart, $"run_once ran the missed fire at {runOnce.At:o}, not at start ({started:o})");
        Assert.True(runOnce.At < skip.At, $"run_once ran at {runOnce.At:o}, not before skip's first fire at {skip.At:o}");
        Assert.True(skip.At >= next, $"skip ran at {skip.At:o}, before the next fire at {next:o}");
    }

    private static DateTimeOffset NextFire(DateTimeOffset after) =>
        new(after.UtcTicks - (after.UtcTicks % Every.Ticks) + Every.Ticks, TimeSpan.Zero);

    // The first fire of the sync on the worker: when it ran (the log's time) and the fire time Quartz reports for it.
    private static (DateTimeOffset At, DateTimeOffset Scheduled) First(WorkerProcess worker, string sync) => worker.Events(3001)
        .Where(e => WorkerProjects.Sync(e) == sync)
        .Select(e => (Time(e["Timestamp"]!.ToString()), Time(e["State"]!["ScheduledFire"]!.ToString()))).Min();

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static TestProject Project() => WorkerProjects.DryRun("""
        syncs:
          run-once: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/10 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
          skip: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/10 * * * * ?", misfire: skip }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
        """, accounts: 3);
}
