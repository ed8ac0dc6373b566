using System.Text.Json.Nodes;
using Dapper;
using DuckDB.NET.Data;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at random points of Intercom contact upserts (<see cref="WorkerKills"/>: a call chain per contact, find by
/// external_id then update or create, the company written and attached and the tag added for a contact new to the
/// sync; one record at a time, batches of 10), with users added and names, stages and companies' names changed before each run.
/// Then a run left to finish: Intercom holds one contact per user with the model's values, each attached to its
/// company and tagged, with nothing left unsure or failing, and one more run writes nothing. RETL_KILL_SEED and
/// RETL_CONTACTS_KILL_COUNT (default 10) change the seed and the number of killed runs.
/// </summary>
public sealed class IntercomContactsKillTests(ITestOutputHelper output) : WorkerKills(output)
{
    private const int PerRun = 12;
    private static readonly int Kills = Setting("RETL_CONTACTS_KILL_COUNT", 10);
    private readonly IntercomContactsStandIn _intercom = new(Seed, maxDelayMs: 8);

    private protected override IKilledVendor Vendor => _intercom;

    private protected override string Held => $"{_intercom.Live.Count} contacts";

    public override async ValueTask DisposeAsync()
    {
        _intercom.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SigkillAtRandomPointsWhileUsersChange_ThenARunToTheEnd_IntercomHoldsEachUserOnceAsTheModelHasIt()
    {
        Contacts();

        var kills = await KillRunsAsync(Kills, before: Change);
        Change(Kills);
        await RunToEndAsync();
        var written = _intercom.Received;
        await RunToEndAsync();

        var model = Model();
        var held = _intercom.Contacts();
        Output.WriteLine($"seed {Seed}: {kills} kills over {Kills} runs; {model.Count} users, {held.Count} contacts; {written} write requests, {_intercom.Conflicts} creates refused as held (409)");
        Assert.True(kills >= Kills / 2, $"only {kills} of {Kills} runs were killed");
        Assert.Empty(_intercom.Violations);
        if (!Contracts.Available)
        {
            Contracts.NoteSkipped(); // the stand-in checks bodies on WireMock's threads, where no skip is noted
        }

        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), held.Keys.Order(StringComparer.Ordinal));
        Assert.All(model, user => Assert.Equal(user.Value, Shown(held[user.Key])));
        Assert.Equal(written, _intercom.Received); // the last run wrote nothing
        await AssertSettledAsync("users", model.Count);
    }

    private void Contacts()
    {
        Project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              intercom: { intercom: { token: "${INTERCOM_TOKEN:-}", base_url: "{{_intercom.Url}}", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              users: { connection: wh, primary_key: user_id, sql: "select u.*, a.account_name from users u join accounts a using (account_id)" }
            syncs:
              users:
                model: users
                destination: intercom
                mode: upsert
                batch_size: 10
                limits: { creates: none, updates: none }
                fields: { user_id: user_id, email: email, full_name: full_name, onboarding_stage: onboarding_stage, account_id: account_id, account_name: account_name }
                intercom:
                  object: contacts
                  external_id: user_id
                  email: email
                  name: full_name
                  custom_attributes: [onboarding_stage]
                  company: { company_id: account_id, name: account_name }
                  tags: [onboarding-nudge]
            """);
        Project.Sql("wh.duckdb", """
            create table users (user_id varchar, email varchar, full_name varchar, onboarding_stage varchar, account_id varchar);
            create table accounts as select 'acct-' || i as account_id, 'Acme ' || i as account_name from range(4) t(i);
            """);
    }

    // Before run i: 12 new users with awkward ids and names (non-ASCII, quotes, empty, null, 2,000 characters), about one
    // name in five and one stage in four changed, and one account renamed (each of its users' company name with it).
    private void Change(int run) => Project.Sql("wh.duckdb", $"""
        update users set full_name = 'v{run} ' || coalesce(full_name, '∅') where hash(user_id || '{Seed}-{run}n') % 5 = 0;
        update users set onboarding_stage = ['signed_up', 'integrated', 'live'][1 + cast(hash(user_id || '{Seed}-{run}s') % 3 as integer)] where hash(user_id || '{Seed}-{run}t') % 4 = 0;
        update accounts set account_name = 'Acme {run} «ß»' where account_id = 'acct-' || ({run} % 4);
        insert into users select
          case when i % 4 = 1 then 'ünï 用户 +&? ' else 'u_' end || '{run}-' || i,
          case when i % 3 = 0 then null else 'user{run}.' || i || '@customer.example' end,
          case i % 4 when 0 then 'Zoë O''Brien <&> 名前' when 1 then '' when 2 then repeat('long ', 400) else null end,
          ['signed_up', 'integrated', 'live'][1 + i % 3],
          'acct-' || (i % 4)
        from range({PerRun}) t(i);
        """);

    // Each user's contact as Intercom should hold it: email (absent for a null), name ("" cleared for a null), stage,
    // its company (company_id and name) and its tag.
    private Dictionary<string, string> Model()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Project.Paths.DataDirectory, "wh.duckdb")}");
        return connection.Query<(string Id, string? Email, string? Name, string Stage, string Account, string AccountName)>(
                "select user_id, email, full_name, onboarding_stage, account_id, account_name from users join accounts using (account_id)")
            .ToDictionary(u => u.Id, u => string.Join(" | ", u.Email ?? "-", u.Name ?? "null", u.Stage,
                new JsonObject { ["company_id"] = u.Account, ["name"] = u.AccountName }.ToJsonString(), "onboarding-nudge"), StringComparer.Ordinal);
    }

    private static string Shown((JsonObject Fields, string[] Companies, string[] Tags) contact) => string.Join(" | ",
        contact.Fields["email"]?.GetValue<string>() ?? "-", contact.Fields["name"]?.GetValue<string>() ?? "null",
        contact.Fields["custom:onboarding_stage"]?.GetValue<string>(), string.Join(", ", contact.Companies), string.Join(", ", contact.Tags));
}
