using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at random points of HubSpot mirror runs (<see cref="WorkerKills"/>, batches of 10, four in flight), with the
/// model changed before each run: names changed, changes undone (rows back to what the state may hold while the vendor
/// holds the lost send's value), rows deleted and added back. Then a run left to finish: HubSpot holds exactly the
/// model, live records and values alike, with nothing left unsure or failing, and one more run writes nothing.
/// RETL_KILL_SEED and RETL_HUBSPOT_KILL_COUNT (default 12) change the seed and the number of killed runs;
/// RETL_KILL_WORKER runs another build of the worker (an older commit's reverse-etl.dll).
/// </summary>
public sealed class HubSpotKillTests(ITestOutputHelper output) : WorkerKills(output)
{
    private const int Rows = 120;
    private static readonly int Kills = Setting("RETL_HUBSPOT_KILL_COUNT", 12);
    private static readonly string? OtherWorker = Environment.GetEnvironmentVariable("RETL_KILL_WORKER");
    private readonly HubSpotStandIn _hubSpot = new(Seed, maxDelayMs: 40);

    private protected override IKilledVendor Vendor => _hubSpot;

    private protected override string Held => $"{_hubSpot.Live.Count} live companies";

    public override async ValueTask DisposeAsync()
    {
        _hubSpot.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task SigkillAtRandomPointsWhileTheModelChanges_ThenARunToTheEnd_HubSpotHoldsExactlyTheModel()
    {
        Mirror();

        var kills = await KillRunsAsync(Kills, OtherWorker, Change);
        Change(Kills);
        await RunToEndAsync(OtherWorker);
        var written = _hubSpot.Received;
        await RunToEndAsync(OtherWorker);

        var model = Model();
        var live = _hubSpot.Live;
        Output.WriteLine($"seed {Seed}: {kills} kills over {Kills} runs; {model.Count} rows, {live.Count} live companies; {written} write requests");
        Assert.True(kills >= Kills / 2, $"only {kills} of {Kills} runs were killed");
        Assert.Empty(_hubSpot.Violations);
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), live.Keys.Order(StringComparer.Ordinal));
        Assert.All(model, row => Assert.Equal(row.Value, (live[row.Key]["name"]?.GetValue<string>() ?? string.Empty, live[row.Key]["days_in_stage"]?.GetValue<string>())));
        Assert.Equal(written, _hubSpot.Received); // the last run wrote nothing
        await AssertStateSettledAsync(model.Count);
    }

    private void Mirror()
    {
        Project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: { hubspot: { token: "${HUBSPOT_TOKEN:-}", base_url: "{{_hubSpot.Url}}", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              companies:
                model: accounts
                destination: crm
                mode: mirror
                batch_size: 10
                limits: { creates: none, updates: none, deletes: none }
                fields: { product_account_id: account_id, name: name, days_in_stage: days_in_stage }
                hubspot: { object: companies, id_property: product_account_id }
            """);
        Project.Sql("wh.duckdb", $"""
            create table original as select
              case when i % 10 = 7 then 'clé-東京-🚀-' else 'acc_' end || lpad(cast(i as varchar), 3, '0') as account_id,
              case i % 5 when 0 then 'Zoë <&> 名前' when 1 then '' when 2 then repeat('long ', 400) when 3 then null else 'O''Brien' end as name,
              i as days_in_stage
            from range({Rows}) t(i);
            create table accounts as select * from original;
            """);
    }

    // Before run i: about one name in six changed, one in eight put back as it first was, one in twenty-five rows deleted,
    // and a third of the deleted rows added back (each chosen by a hash of the key, the seed and the run).
    private void Change(int run) => Project.Sql("wh.duckdb", $"""
        update accounts set name = 'v{run} ' || coalesce(name, '∅') where hash(account_id || '{Seed}-{run}c') % 6 = 0;
        update accounts set name = (select o.name from original o where o.account_id = accounts.account_id) where hash(account_id || '{Seed}-{run}r') % 8 = 0;
        delete from accounts where hash(account_id || '{Seed}-{run}d') % 25 = 0;
        insert into accounts select * from original o
          where hash(o.account_id || '{Seed}-{run}a') % 3 = 0 and not exists (select 1 from accounts a where a.account_id = o.account_id);
        """);

    // Each row's key and what HubSpot should hold: its name ("" for a null, which HubSpot clears) and its days as text.
    private Dictionary<string, (string Name, string? Days)> Model()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "wh.duckdb")}");
        return connection.Query<(string Key, string? Name, int Days)>("select account_id, name, days_in_stage from accounts")
            .ToDictionary(r => r.Key, r => (r.Name ?? string.Empty, (string?)r.Days.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal);
    }

    private async Task AssertStateSettledAsync(int rows)
    {
        await using var state = new SqliteConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        Assert.Equal(rows, await state.ExecuteScalarAsync<long>("select count(*) from sync_records where sync = 'companies'"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from pending_sends"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from record_failures"));
        Assert.Equal("Succeeded", await state.ExecuteScalarAsync<string>("select status from sync_runs order by id desc limit 1"));
    }
}
