using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// Runs of the worker process (<c>run --once</c>) SIGKILLed at seeded random points while it posts to a
/// <see cref="SlackHistoryServer"/>, then a run left to finish; and the tally of what the channel got per row. Most
/// kills land a random 0–300 ms after the run's first post reached Slack; one in five lands 0.2–2.5 s after the
/// start, whatever the run is doing (starting, reading, checking history). Each kill is written to the test output.
/// </summary>
public abstract class WorkerKills(ITestOutputHelper output) : IAsyncDisposable
{
    protected static readonly int Seed = Setting("RETL_KILL_SEED", 20261130);

    private protected SlackHistoryServer Slack { get; } = new(Seed, maxDelayMs: 60);

    private protected TestProject Project { get; } = new();

    protected ITestOutputHelper Output => output;

    /// <summary>The vendor whose requests set the kill points (<see cref="Slack"/> unless a test sends elsewhere).</summary>
    private protected virtual IKilledVendor Vendor => Slack;

    /// <summary>What the vendor holds, for the line written at each kill.</summary>
    private protected virtual string Held => $"{Slack.Messages.Count} stored";

    public virtual async ValueTask DisposeAsync()
    {
        await Project.DisposeAsync();
        Slack.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Up to <paramref name="kills"/> runs, each killed (fewer when a run finishes first, unless <paramref name="before"/>
    /// is given: it changes the model before each run, so that each has something to send); how many were killed.
    /// </summary>
    protected async Task<int> KillRunsAsync(int kills, string? worker = null, Action<int>? before = null)
    {
        var random = new Random(Seed);
        var killed = 0;
        for (var i = 0; i < kills; i++)
        {
            before?.Invoke(i);
            using var process = Start(worker);
            if (await KillAtRandomPointAsync(process, random, i))
            {
                killed++;
            }
            else if (before is null)
            {
                return killed;
            }
        }

        return killed;
    }

    /// <summary>A last run, which must finish with exit code 0 within 60 s.</summary>
    protected async Task RunToEndAsync(string? worker = null) => Assert.Equal(0, await RunAsync(worker));

    /// <summary>A whole run, which must finish within 60 s; its exit code.</summary>
    protected async Task<int> RunAsync(string? worker = null)
    {
        using var process = Start(worker);
        Assert.True(await ExitedWithinAsync(process, 60_000), "the run did not finish within 60 s");
        return process.ExitCode;
    }

    /// <summary>The state after the last run: <paramref name="rows"/> records of <paramref name="sync"/>, nothing unsure, nothing failing.</summary>
    protected async Task AssertSettledAsync(string sync, long rows)
    {
        await using var state = new SqliteConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        Assert.Equal(rows, await state.ExecuteScalarAsync<long>("select count(*) from sync_records where sync = @sync", new { sync }));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from pending_sends"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from record_failures"));
    }

    /// <summary>The messages the channel holds per row key (the text up to " | "), and how many rows have none and how many messages are extra.</summary>
    protected (Dictionary<string, int> PerKey, int Lost, int Duplicates) Tally(IEnumerable<string> keys)
    {
        var perKey = Slack.Messages.GroupBy(m => m.Text.Split(" | ")[0]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return (perKey, keys.Count(k => !perKey.ContainsKey(k)), perKey.Values.Sum(c => c - 1));
    }

    /// <summary>
    /// Sync <c>alerts</c>: a message per account to <see cref="SlackHistoryServer.Channel"/>, first run sending;
    /// <paramref name="legacy"/> leaves out what older workers do not know (<c>initial</c>, <c>limits</c>).
    /// </summary>
    protected void SlackSync(int rows, string connection = "", bool legacy = false)
    {
        var send = legacy ? string.Empty : ", initial: send";
        var limits = legacy ? string.Empty : "limits: { messages: none }";
        Project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "${SLACK_BOT_TOKEN:-}", base_url: "{{{Slack.Url}}}/api", rate_limit: { requests: 1000, per_seconds: 1 }{{{connection}}} } }
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
        Accounts(rows);
    }

    /// <summary>Sync <c>partners</c>: a message per account to the stand-in's incoming webhook, with the given <c>delivery</c>.</summary>
    protected void WebhookSync(int rows, string delivery, string connection = "")
    {
        Project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              hook: { slack_webhook: { url: "{{{Slack.Url}}}{{{SlackHistoryServer.Hook}}}", rate_limit: { requests: 1000, per_seconds: 1 }{{{connection}}} } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              partners:
                model: accounts
                destination: hook
                mode: trigger
                trigger: { when: "days_in_stage >= 0", initial: send }
                limits: { messages: none }
                slack_webhook: { text: "{{ row.account_id }} | {{ row.name }} joined", delivery: {{{delivery}}} }
            """);
        Accounts(rows);
    }

    /// <summary>An accounts table of <paramref name="rows"/> rows: keys <see cref="Keys"/>, awkward names (non-ASCII, markup, empty, 2,000 characters).</summary>
    private void Accounts(int rows) => Project.Sql("wh.duckdb", $"""
        create table accounts as select
          case when i % 10 = 7 then 'clé-東京-🚀-' else 'acc_' end || lpad(cast(i as varchar), 3, '0') as account_id,
          case i % 4 when 0 then 'Zoë <&> 名前' when 1 then '' when 2 then repeat('long ', 400) else 'O''Brien *bold* _x_' end as name,
          i as days_in_stage
        from range({rows}) t(i)
        """);

    protected static IEnumerable<string> Keys(int rows) =>
        Enumerable.Range(0, rows).Select(i => (i % 10 == 7 ? "clé-東京-🚀-" : "acc_") + i.ToString("000", CultureInfo.InvariantCulture));

    protected static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private async Task<bool> KillAtRandomPointAsync(Process worker, Random random, int index)
    {
        var received = Vendor.Received;
        var early = random.Next(5) == 0;
        var wait = early ? random.Next(200, 2500) : random.Next(0, 300);
        var clock = Stopwatch.StartNew();
        while (!early && Vendor.Received == received && !worker.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5);
        }

        if (worker.HasExited || await ExitedWithinAsync(worker, wait))
        {
            output.WriteLine($"kill {index + 1}: the run finished first (exit {worker.ExitCode})");
            return false;
        }

        var (before, after) = Vendor.InFlight;
        worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
        output.WriteLine($"kill {index + 1}: {(early ? "from start" : "after first post")} +{wait} ms, {Vendor.Received - received} requests this run, "
            + $"in flight: {before} not yet stored, {after} stored not answered; {Held}");
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

    private Process Start(string? worker)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(worker ?? WorkerProcess.Program);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--once");
        start.Environment["RETL_CONFIG_DIR"] = Project.Paths.ConfigDirectory;
        start.Environment["RETL_DATA_DIR"] = Project.Paths.DataDirectory;
        start.Environment["RETL_LOG_FORMAT"] = "json";
        start.Environment["RETL_HEALTH_PORT"] = "0";
        start.Environment["SLACK_BOT_TOKEN"] = SlackHistoryServer.Token;
        start.Environment["HUBSPOT_TOKEN"] = HubSpotStandIn.Token;
        start.Environment["INTERCOM_TOKEN"] = IntercomEventsStandIn.Token;
        start.Environment["SALESFORCE_CLIENT_SECRET"] = "kill-test-secret";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { }; // read, so the worker never blocks on a full pipe
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
}

/// <summary>A loopback vendor that a killed worker sends to: the write requests that arrived, and those in flight.</summary>
internal interface IKilledVendor
{
    /// <summary>Write requests whose request has arrived, stored or not yet.</summary>
    int Received { get; }

    /// <summary>Requests received but not yet stored, and stored but not yet answered (the moment a kill lands in).</summary>
    (int BeforeStore, int AfterStore) InFlight { get; }
}
