namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// SIGKILL at random points of Intercom event runs (<see cref="WorkerKills"/>: a trigger sync sending an event per stage
/// entry, batches of 10 side by side), with new entries added before each run. Then a run left to finish: every entry's
/// event reached Intercom, none was lost, and nothing is left unsure or failing. An event whose answer the kill cut off
/// is sent again with the same <c>created_at</c>, which Intercom drops as a repeat; the repeats are counted in the
/// output. RETL_KILL_SEED and RETL_EVENTS_KILL_COUNT (default 10) change the seed and the number of killed runs.
/// </summary>
public sealed class IntercomEventsKillTests(ITestOutputHelper output) : WorkerKills(output)
{
    private const int PerRun = 40;
    private static readonly int Kills = Setting("RETL_EVENTS_KILL_COUNT", 10);
    private readonly IntercomEventsStandIn _intercom = new(Seed, maxDelayMs: 40);

    private protected override IKilledVendor Vendor => _intercom;

    private protected override string Held => $"{_intercom.Events.Count} events";

    public override async ValueTask DisposeAsync()
    {
        _intercom.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SigkillAtRandomPointsWhileEntriesArrive_ThenARunToTheEnd_EveryEventReachedIntercomOnce()
    {
        Events();

        var kills = await KillRunsAsync(Kills, before: Entries);
        Entries(Kills);
        await RunToEndAsync();
        var received = _intercom.Received;
        await RunToEndAsync();

        var events = _intercom.Events;
        var entries = (Kills + 1) * PerRun;
        Output.WriteLine($"seed {Seed}: {kills} kills over {Kills} runs; {entries} entries, {events.Count} events, "
            + $"{events.Values.Sum() - events.Count} repeats dropped by Intercom (the most for one event: {events.Values.Max()}); {received} posts");
        Assert.True(kills >= Kills / 2, $"only {kills} of {Kills} runs were killed");
        Assert.Empty(_intercom.Violations);
        Assert.Equal(entries, events.Count); // none lost, each entry its own event
        Assert.All(events.Keys, e => Assert.Equal("stage-entered", e.Name));
        Assert.Equal(received, _intercom.Received); // the last run sent nothing
        await AssertSettledAsync("entries", entries);
    }

    private void Events()
    {
        Project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              intercom: { intercom: { token: "${INTERCOM_TOKEN:-}", base_url: "{{_intercom.Url}}", rate_limit: { requests: 1000, per_seconds: 1 } } }
            models:
              stage_entries: { connection: wh, primary_key: entry_id, sql: select * from stage_entries }
            syncs:
              entries:
                model: stage_entries
                destination: intercom
                mode: trigger
                trigger: { when: "days_in_stage >= 0", on: [enter], initial: send }
                limits: { messages: none }
                batch_size: 10
                intercom:
                  object: events
                  event_name: stage-entered
                  user_id: user_id
                  created_at: entered_at
                  metadata: [stage, note]
            """);
        Project.Sql("wh.duckdb", "create table stage_entries (entry_id varchar, user_id varchar, entered_at timestamp, stage varchar, note varchar, days_in_stage integer)");
    }

    // Before run i: 40 new stage entries of users with awkward ids and notes (non-ASCII, empty, null, 2,000 characters).
    private void Entries(int run) => Project.Sql("wh.duckdb", $"""
        insert into stage_entries select
          'e{run}-' || i,
          case when i % 7 = 3 then 'ünï-用户-' else 'u_' end || ((i * 13 + {run}) % 97),
          timestamp '2026-11-01 08:00:00' + to_minutes({run} * 1000 + i),
          ['signed_up', 'integrated', 'live'][1 + i % 3],
          case i % 4 when 0 then 'Zoë <&> 名前' when 1 then '' when 2 then repeat('long ', 400) else null end,
          i % 5
        from range({PerRun}) t(i)
        """);
}
