using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at many random points of a Slack trigger run (<see cref="WorkerKills"/>), then a run left to finish: every
/// row is in the channel exactly once, the state holds each with its own message's ts, and nothing is left in the
/// write-ahead log or failing. Kills land before a post left, while Slack has it but has not stored it, after it
/// stored it but before it answered, and between posts. RETL_KILL_SEED, RETL_KILL_COUNT and RETL_KILL_ROWS change the
/// seed, the number of kills (default 20) and of rows (default 60); RETL_KILL_WORKER runs another build of the worker
/// (an older commit's reverse-etl.dll, whose config then lacks <c>initial</c> and <c>limits</c>, and whose state is not checked).
/// </summary>
public sealed class SlackKillTests(ITestOutputHelper output) : WorkerKills(output)
{
    private static readonly int Kills = Setting("RETL_KILL_COUNT", 20);
    private static readonly int Rows = Setting("RETL_KILL_ROWS", 60);
    private static readonly string? OtherWorker = Environment.GetEnvironmentVariable("RETL_KILL_WORKER");

    [Fact]
    public async Task SigkillAtRandomPoints_ThenARunToTheEnd_EveryRowPostedExactlyOnce()
    {
        SlackSync(Rows, legacy: OtherWorker is not null);

        var kills = await KillRunsAsync(Kills, OtherWorker);
        await RunToEndAsync(OtherWorker);

        var stored = Slack.Messages;
        var (perKey, lost, duplicates) = Tally(Keys(Rows));
        Output.WriteLine($"seed {Seed}: {kills} kills, {stored.Count} messages stored for {Rows} rows: {lost} lost, {duplicates} duplicates; "
            + $"{Slack.Received} posts received, {Slack.HistoryReads} history reads");
        Assert.Empty(Slack.Violations);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
        Assert.Equal(Keys(Rows).Order(StringComparer.Ordinal), perKey.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored, m => Assert.Equal(m.Text.Split(" | ")[0], m.Payload?["key"]?.GetValue<string>()));
        await AssertStateConsistentAsync(stored.Select(m => m.Ts));
    }

    private async Task AssertStateConsistentAsync(IEnumerable<string> storedTs)
    {
        if (OtherWorker is not null)
        {
            return; // an older worker's state is not this one's
        }

        await using var state = new SqliteConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        var records = (await state.QueryAsync<(string Key, string? Id)>("select key, destination_id from sync_records where sync = 'alerts'")).ToList();
        Assert.Equal(Keys(Rows).Order(StringComparer.Ordinal), records.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(storedTs.Order(StringComparer.Ordinal), records.Select(r => r.Id ?? "(none)").Order(StringComparer.Ordinal)); // each with its own message
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from pending_sends"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from record_failures"));
        Assert.Equal("Succeeded", await state.ExecuteScalarAsync<string>("select status from sync_runs order by id desc limit 1"));
    }
}
