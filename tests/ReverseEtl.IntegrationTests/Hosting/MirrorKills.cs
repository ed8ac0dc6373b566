using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at random points of CRM mirror runs (<see cref="WorkerKills"/>, batches of 10, several in flight), with the
/// model changed before each run: names changed, changes undone (rows back to what the state may hold while the vendor
/// holds the lost send's value), rows deleted and added back. Then a run left to finish: the vendor holds exactly the
/// model, live records and values alike, with nothing left unsure or failing, and one more run writes nothing.
/// RETL_KILL_SEED and RETL_MIRROR_KILL_COUNT (default 12) change the seed and the number of killed runs;
/// RETL_KILL_WORKER runs another build of the worker (an older commit's reverse-etl.dll).
/// </summary>
public abstract class MirrorKills(ITestOutputHelper output) : WorkerKills(output)
{
    private const int Rows = 120;
    private static readonly int Kills = Setting("RETL_MIRROR_KILL_COUNT", 12);
    private static readonly string? OtherWorker = Environment.GetEnvironmentVariable("RETL_KILL_WORKER");

    private protected abstract RecordStandIn Crm { get; }

    private protected override IKilledVendor Vendor => Crm;

    private protected override string Held => $"{Crm.Live.Count} live records";

    /// <summary>The <c>crm</c> connection, and the sync's fields and destination section, mapping the rows' name and days.</summary>
    protected abstract (string Connection, string Sync) Destination { get; }

    /// <summary>The fields of a vendor record that hold the row's name and days.</summary>
    protected abstract (string Name, string Days) Fields { get; }

    public override async ValueTask DisposeAsync()
    {
        Crm.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SigkillAtRandomPointsWhileTheModelChanges_ThenARunToTheEnd_VendorHoldsExactlyTheModel()
    {
        Mirror();

        var kills = await KillRunsAsync(Kills, OtherWorker, Change);
        Change(Kills);
        await RunToEndAsync(OtherWorker);
        var written = Crm.Received;
        await RunToEndAsync(OtherWorker);

        var model = Model();
        var live = Crm.Live.ToDictionary(r => r.Key, r => (Text(r.Value[Fields.Name]), Text(r.Value[Fields.Days])), StringComparer.Ordinal);
        Output.WriteLine($"seed {Seed}: {kills} kills over {Kills} runs; {model.Count} rows, {live.Count} live records; {written} write requests");
        Assert.True(kills >= Kills / 2, $"only {kills} of {Kills} runs were killed");
        Assert.Empty(Crm.Violations);
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), live.Keys.Order(StringComparer.Ordinal));
        Assert.All(model, row => Assert.Equal(row.Value, live[row.Key]));
        Assert.Equal(written, Crm.Received); // the last run wrote nothing
        await AssertStateSettledAsync(model.Count);
    }

    private void Mirror()
    {
        var (connection, sync) = Destination;
        Project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: {{connection}}
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              companies:
                model: accounts
                destination: crm
                mode: mirror
                batch_size: 10
                limits: { creates: none, updates: none, deletes: none }
            {{string.Join('\n', sync.Split('\n').Select(l => "    " + l))}}
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

    // Each row's key and what the vendor should hold: its name ("" for a null, which clears the field) and its days as text.
    private Dictionary<string, (string Name, string Days)> Model()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "wh.duckdb")}");
        return connection.Query<(string Key, string? Name, int Days)>("select account_id, name, days_in_stage from accounts")
            .ToDictionary(r => r.Key, r => (r.Name ?? string.Empty, r.Days.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal);
    }

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;

    private async Task AssertStateSettledAsync(int rows)
    {
        await using var state = new SqliteConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        Assert.Equal(rows, await state.ExecuteScalarAsync<long>("select count(*) from sync_records where sync = 'companies'"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from pending_sends"));
        Assert.Equal(0, await state.ExecuteScalarAsync<long>("select count(*) from record_failures"));
        Assert.Equal("Succeeded", await state.ExecuteScalarAsync<string>("select status from sync_runs order by id desc limit 1"));
    }
}

/// <summary>HubSpot companies by their id property (<see cref="HubSpotStandIn"/>): upserts, archives, and reads by id property for a write whose answer was lost.</summary>
public sealed class HubSpotKillTests(ITestOutputHelper output) : MirrorKills(output)
{
    private readonly HubSpotStandIn _hubSpot = new(Seed, maxDelayMs: 40);

    private protected override RecordStandIn Crm => _hubSpot;

    protected override (string Connection, string Sync) Destination => (
        $$"""{ hubspot: { token: "${HUBSPOT_TOKEN:-}", base_url: "{{_hubSpot.Url}}", rate_limit: { requests: 1000, per_seconds: 1 } } }""",
        """
        fields: { product_account_id: account_id, name: name, days_in_stage: days_in_stage }
        hubspot: { object: companies, id_property: product_account_id }
        """);

    protected override (string Name, string Days) Fields => ("name", "days_in_stage");
}

/// <summary>Salesforce Accounts by their external id (<see cref="SalesforceStandIn"/>): upserts, deletes by id, and by external id for a write whose answer was lost.</summary>
public sealed class SalesforceKillTests(ITestOutputHelper output) : MirrorKills(output)
{
    private readonly SalesforceStandIn _salesforce = new(Seed, maxDelayMs: 40);

    private protected override RecordStandIn Crm => _salesforce;

    protected override (string Connection, string Sync) Destination => (
        $$"""{ salesforce: { login_url: "{{_salesforce.Url}}", client_id: kill-client, client_secret: "${SALESFORCE_CLIENT_SECRET:-}", rate_limit: { requests: 1000, per_seconds: 1 } } }""",
        $$"""
        fields: { {{SalesforceStandIn.ExternalId}}: account_id, Name: account_id, Notes__c: name, Days_In_Stage__c: days_in_stage }
        salesforce: { sobject: Account, external_id_field: {{SalesforceStandIn.ExternalId}} }
        """);

    protected override (string Name, string Days) Fields => ("Notes__c", "Days_In_Stage__c");
}
