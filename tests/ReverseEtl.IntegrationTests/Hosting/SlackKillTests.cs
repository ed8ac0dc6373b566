using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at many random points of a Slack trigger run (seeded; the kill points are written to the test output), then
/// a run left to finish: every row is in the channel exactly once, the state holds each with its message's ts, and
/// nothing is left in the write-ahead log or failing. Kills land before a post left, while Slack has it but has not
/// stored it, after it stored it but before it answered, and between posts. RETL_KILL_SEED, RETL_KILL_COUNT and
/// RETL_KILL_ROWS change the seed, the number of kills (default 20) and of rows (default 60); RETL_KILL_WORKER runs
/// another build of the worker (an older commit's reverse-etl.dll, whose config then lacks <c>initial</c> and <c>limits</c>).
/// </summary>
public sealed class SlackKillTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly int Seed = Setting("RETL_KILL_SEED", 20261130);
    private static readonly int Kills = Setting("RETL_KILL_COUNT", 20);
    private static readonly int Rows = Setting("RETL_KILL_ROWS", 60);
    private static readonly string? OtherWorker = Environment.GetEnvironmentVariable("RETL_KILL_WORKER");

    private readonly SlackHistoryServer _slack = new(Seed, maxDelayMs: 60);
    private readonly TestProject _project = new();

    [Fact]
    public async Task SigkillAtRandomPoints_ThenARunToTheEnd_EveryRowPostedExactlyOnce()
    {
        Project();
        var random = new Random(Seed);
        var kills = 0;
        for (var i = 0; i < Kills; i++)
        {
            using var worker = Start();
            if (!await KillAtRandomPointAsync(worker, random, i))
            {
                break;
            }

            kills++;
        }

        using (var last = Start())
        {
            Assert.True(last.WaitForExit(TimeSpan.FromSeconds(60)), "the last run did not finish within 60 s");
            Assert.Equal(0, last.ExitCode);
        }

        var stored = _slack.Messages;
        var perKey = stored.GroupBy(m => m.Text.Split(" | ")[0]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lost = Keys().Count(k => !perKey.ContainsKey(k));
        var duplicates = perKey.Values.Sum(c => c - 1);
        output.WriteLine($"seed {Seed}: {kills} kills, {stored.Count} messages stored for {Rows} rows: {lost} lost, {duplicates} duplicates; "
            + $"{_slack.Received} posts received, {_slack.HistoryReads} history reads");

        Assert.Empty(_slack.Violations);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
        Assert.Equal(Keys().Order(StringComparer.Ordinal), perKey.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored, m => Assert.Equal(m.Text.Split(" | ")[0], m.Payload?["key"]?.GetValue<string>()));
        await AssertStateConsistentAsync(stored.Select(m => m.Ts).ToHashSet(StringComparer.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _project.DisposeAsync();
        _slack.Dispose();
    }

    /// <summary>Kills the run at a random point, mostly after its first post reached Slack; false when it finished first.</summary>
    private async Task<bool> KillAtRandomPointAsync(Process worker, Random random, int index)
    {
        var received = _slack.Received;
        var early = random.Next(5) == 0; // one in five lands before the run's first post (startup, reading, the history check)
        var wait = early ? random.Next(200, 2500) : random.Next(0, 300);
        var clock = Stopwatch.StartNew();
        while (!early && _slack.Received == received && !worker.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5);
        }

        if (worker.HasExited || await ExitedWithinAsync(worker, wait))
        {
            output.WriteLine($"kill {index + 1}: the run finished first (exit {worker.ExitCode})");
            return false;
        }

        var (before, after) = _slack.InFlight;
        worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
        output.WriteLine($"kill {index + 1}: {(early ? "from start" : "after first post")} +{wait} ms, {_slack.Received - received} posts this run, "
            + $"in flight: {before} not yet stored, {after} stored not answered; {_slack.Messages.Count} stored");
        return true;
    }

    private static async Task<bool> ExitedWithinAsync(Process worker, int ms)
    {
        using var timeout = new CancellationTokenSource(ms);
        try
        {
            await worker.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Process Start()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(OtherWorker ?? WorkerProcess.Program);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--once");
        start.Environment["RETL_CONFIG_DIR"] = _project.Paths.ConfigDirectory;
        start.Environment["RETL_DATA_DIR"] = _project.Paths.DataDirectory;
        start.Environment["RETL_LOG_FORMAT"] = "json";
        start.Environment["RETL_HEALTH_PORT"] = "0";
        start.Environment["SLACK_BOT_TOKEN"] = SlackHistoryServer.Token;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => Note(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Note(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            output.WriteLine($"stderr: {line}");
        }
    }

    private void Project()
    {
        var send = OtherWorker is null ? ", initial: send" : string.Empty;
        var limits = OtherWorker is null ? "limits: { messages: none }" : string.Empty;
        _project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "${SLACK_BOT_TOKEN:-}", base_url: "{{{_slack.Url}}}/api", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "days_in_stage >= 0"{{{send}}} }
                {{{limits}}}
                slack: { channel: {{{SlackHistoryServer.Channel}}}, text: "{{ row.account_id }} | {{ row.name }} is stuck" }
            """);
        _project.Sql("wh.duckdb", $"""
            create table accounts as select
              case when i % 10 = 7 then 'clé-東京-🚀-' else 'acc_' end || lpad(cast(i as varchar), 3, '0') as account_id,
              case i % 4 when 0 then 'Zoë <&> 名前' when 1 then '' when 2 then repeat('long ', 400) else 'O''Brien *bold* _x_' end as name,
              i as days_in_stage
            from range({Rows}) t(i)
            """);
    }

    private static IEnumerable<string> Keys() => Enumerable.Range(0, Rows).Select(i => (i % 10 == 7 ? "clé-東京-🚀-" : "acc_") + i.ToString("000", CultureInfo.InvariantCulture));

    private async Task AssertStateConsistentAsync(HashSet<string> storedTs)
    {
        if (OtherWorker is not null)
        {
            return; // an older worker's state is not this one's
        }

        await using var state = new SqliteConnection($"Data Source={Path.Combine(_project.Paths.DataDirectory, "state.db")};Mode=ReadOnly");
        var records = (await state.QueryAsync<(string Key, string? Id)>("select key, destination_id from sync_records where sync = 'alerts'")).ToList();
        Assert.Equal(Keys().Order(StringComparer.Ordinal), records.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(storedTs.Order(StringComparer.Ordinal), records.Select(r => r.Id ?? "(none)").Order(StringComparer.Ordinal)); // each with its own message
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from pending_sends"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from record_failures"));
        Assert.Equal("Succeeded", await state.ExecuteScalarAsync<string>("select status from sync_runs order by id desc limit 1"));
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
