using Dapper;
using Npgsql;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>Two worker processes sharing one PostgreSQL: every scheduled fire runs exactly once, on one of them.</summary>
[Collection(UsesPostgres.Name)]
public sealed class ClusterTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoWorkers_ShareTheSchedules_EachFireRunsOnce()
    {
        var state = await server.CreateDatabaseAsync();
        await using var first = Project();
        await using var second = Project();
        var fires = new List<(string Sync, string Fire, string Instance)>();
        var started = new Dictionary<string, int>();
        await using (var a = new WorkerProcess(first, new Dictionary<string, string> { ["RETL_STATE_CONNECTION_STRING"] = state, ["RETL_INSTANCE_ID"] = "worker-a" }, "run"))
        await using (var b = new WorkerProcess(second, new Dictionary<string, string> { ["RETL_STATE_CONNECTION_STRING"] = state, ["RETL_INSTANCE_ID"] = "worker-b" }, "run"))
        {
            int Fires(string sync) => a.Events(3001).Concat(b.Events(3001)).Count(e => WorkerProjects.Sync(e) == sync);
            await a.WaitUntilAsync(() => Fires("every-second") >= 8 && Fires("every-two-seconds") >= 4);
            a.Terminate();
            b.Terminate();
            await a.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));
            await b.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));
            fires.AddRange(a.Events(3001).Concat(b.Events(3001)).Select(e => e["State"]!).Select(s =>
                (s["Sync"]!.GetValue<string>(), s["ScheduledFire"]!.ToString(), s["Instance"]!.GetValue<string>())));
            foreach (var run in a.Events(1000).Concat(b.Events(1000)).Select(WorkerProjects.Sync))
            {
                started[run] = started.GetValueOrDefault(run) + 1;
            }
        }

        output.WriteLine(string.Join(", ", fires.GroupBy(f => (f.Sync, f.Instance)).Select(g => $"{g.Key.Sync} on {g.Key.Instance}: {g.Count()}")));
        Assert.Empty(fires.GroupBy(f => (f.Sync, f.Fire)).Where(g => g.Count() > 1).Select(g => $"{g.Key} ran on {string.Join(", ", g.Select(f => f.Instance))}"));
        foreach (var sync in new[] { "every-second", "every-two-seconds" })
        {
            var times = fires.Where(f => f.Sync == sync).Select(f => DateTimeOffset.Parse(f.Fire, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.True(times.Count >= 4, $"{sync}: {times.Count} fires");
            var step = sync == "every-second" ? 1 : 2;
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(step, (pair.Second - pair.First).TotalSeconds));
            // Each run that began is recorded once; a fire the stop reached before its run began (one per worker at most) has none.
            Assert.Equal(started.GetValueOrDefault(sync), await RunsAsync(state, sync));
            Assert.InRange(times.Count - started.GetValueOrDefault(sync), 0, 2);
        }
    }

    private static async Task<long> RunsAsync(string state, string sync)
    {
        await using var connection = new NpgsqlConnection(state);
        return await connection.ExecuteScalarAsync<long>("select count(*) from sync_runs where sync = @sync", new { sync });
    }

    // Each worker has its own data folder (its DuckDB copy and dry-run outbox); the state and the schedules are shared.
    private static TestProject Project() => WorkerProjects.DryRun("""
        syncs:
          every-second: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/1 * * * * ?" }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
          every-two-seconds: { model: accounts, destination: chat, mode: trigger, trigger: { initial: send }, schedule: { cron: "0/2 * * * * ?", misfire: skip }, slack: { channel: "#cs", text: "{{ row.account_id }}" } }
        """, accounts: 5);
}
