using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.Differential;

/// <summary>
/// A differential test of the three diffs: the same seeded model (<see cref="FuzzModel"/>) in three projects, one
/// syncing with <c>diff: worker</c>, one with <c>diff: warehouse</c> (key buckets), one with <c>diff: warehouse</c>
/// against the in-warehouse snapshot; after each round of changes each runs once, and each must end as the worker's
/// diff ends: the same status and counts, and the same records sent (in any order). A last run with nothing changed
/// sends nothing. The seed also picks the sync (HubSpot mirror or upsert, Intercom trigger), and for every odd seed a
/// field is mapped halfway. Three seeds run by default; <c>RETL_DIFF_SEEDS=first-last</c> runs more.
/// </summary>
public abstract class DiffModesAgreeTests
{
    private const int Rounds = 6;

    private static readonly string[] Modes = ["worker", "warehouse", "snapshot"];

    // By default one seed of each key shape (seed % 3) and each sync (seed / 3 % 3): 11 (two columns, mirror, a field
    // mapped halfway), 13 (whole numbers, upsert, a field mapped), 24 (text, trigger).
    public static TheoryData<int> Seeds()
    {
        var range = Environment.GetEnvironmentVariable("RETL_DIFF_SEEDS")?.Split('-') is [var first, var last]
            ? Enumerable.Range(int.Parse(first, CultureInfo.InvariantCulture), int.Parse(last, CultureInfo.InvariantCulture) - int.Parse(first, CultureInfo.InvariantCulture) + 1)
            : [11, 13, 24];
        return [.. range];
    }

    /// <summary>
    /// A project of <paramref name="yaml"/> with its warehouse's connection in place of <c>CONNECTION</c>: with the
    /// snapshot for <paramref name="mode"/> "snapshot".
    /// </summary>
    private protected abstract Task<TestProject> ProjectAsync(string mode, string yaml);

    private protected abstract Task ExecuteAsync(TestProject project, string sql);

    /// <summary>A run's error with what names its project's own warehouse (a database's name) made alike.</summary>
    private protected virtual string Alike(string? error) => error ?? string.Empty;

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Run_SeededRoundsOfAwkwardChanges_EveryDiffEndsAsTheWorkersDiff(int seed)
    {
        var model = new FuzzModel(seed);
        var projects = new List<TestProject>();
        try
        {
            foreach (var mode in Modes)
            {
                projects.Add(await ProjectAsync(mode, Yaml(seed, model, mode)));
            }

            await CompareAsync(seed, model, projects);
        }
        finally
        {
            foreach (var project in projects)
            {
                await project.DisposeAsync();
            }
        }
    }

    private async Task CompareAsync(int seed, FuzzModel model, List<TestProject> projects)
    {
        var (sql, sent, total) = (model.Create(), new int[projects.Count], new long[4]);
        for (var round = 0; round <= Rounds; round++)
        {
            var outcomes = new List<string>();
            for (var i = 0; i < projects.Count; i++)
            {
                if (round == 3 && seed % 2 == 1)
                {
                    projects[i].EditFile("project.yaml", Edit(seed).From, Edit(seed).To);
                }

                if (!string.IsNullOrWhiteSpace(sql))
                {
                    await ExecuteAsync(projects[i], sql);
                }

                var report = await projects[i].RunAsync("s");
                outcomes.Add(Outcome(seed, round, report with { Error = Alike(report.Error) }, projects[i], ref sent[i]));
                total = i == 0 ? [total[0] + report.Counts.Added, total[1] + report.Counts.Changed, total[2] + report.Counts.Removed, total[3] + report.Counts.Rejected] : total;
            }

            Assert.Equal(outcomes[0], outcomes[1]); // diff: warehouse
            Assert.Equal(outcomes[0], outcomes[2]); // its snapshot
            sql = round == Rounds - 1 ? string.Empty : model.Mutate();
            if (round == Rounds)
            {
                Assert.Contains(" sent 0 ", outcomes[0], StringComparison.Ordinal); // nothing changed: nothing sent
            }
        }

        // Not vacuous: rows were added, changed or removed, and rejected.
        Assert.True(total[0] > 0 && total[1] + total[2] > 0 && total[3] > 0, $"seed {seed}: added, changed, removed, rejected: {string.Join(", ", total)}");
    }

    // What a run did, for comparing: its status and counts, then each record it sent (the outbox's new lines), sorted.
    private static string Outcome(int seed, int round, SyncRunReport report, TestProject project, ref int seen)
    {
        var c = report.Counts;
        var text = new StringBuilder($"seed {seed}, round {round}: {report.Status} added {c.Added} changed {c.Changed} removed {c.Removed} rejected {c.Rejected} sent {c.Sent} failed {c.Failed} {report.Error}\n");
        var outbox = seed / 3 % 3 == 2 ? "intercom" : "hubspot";
        var lines = File.Exists(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl")) ? project.OutboxRequests(outbox) : [];
        var records = lines.Skip(seen).SelectMany(Records).Order(StringComparer.Ordinal);
        seen = lines.Count;
        return text.AppendJoin('\n', records).ToString();
    }

    private static IEnumerable<string> Records(string line)
    {
        var request = JsonNode.Parse(line)!;
        var path = request["path"]?.ToString() ?? request["url"]?.ToString() ?? string.Empty;
        return request["body"]?["inputs"] is JsonArray inputs ? inputs.Select(i => $"{path} {i!.ToJsonString()}") : [$"{path} {request["body"]?.ToJsonString()}"];
    }

    // The sync, by the seed: a HubSpot upsert in mirror mode (removals sent) or upsert mode, or Intercom events in
    // trigger mode (on entering and changing, the first run sent); its mapped fields end with the marker the edit extends.
    private static string Sync(int seed) => (seed / 3 % 3) switch
    {
        2 => """
            destination: intercom
            mode: trigger
            trigger: { when: days > 20, on: [enter, change], initial: send }
            limits: { messages: 100000 }
            intercom: { object: events, event_name: fuzz-entered, user_id: pid, created_at: at0, metadata: [name, days] }
            """,
        var mode => $$"""
            destination: hubspot
            mode: {{(mode == 0 ? "mirror\ndelete_limit_percent: 100" : "upsert")}}
            fields: { product_account_id: pid, name: name, days_in_stage: days }
            hubspot: { object: companies, id_property: product_account_id }
            """,
    };

    // A field mapped halfway through (every payload changes), in each destination's way.
    private static (string From, string To) Edit(int seed) =>
        seed / 3 % 3 == 2 ? ("metadata: [name, days]", "metadata: [name, days, note]") : ("days_in_stage: days }", "days_in_stage: days, description: note }");

    private static string Yaml(int seed, FuzzModel model, string mode) => $$"""
        version: 1
        connections:
          wh: CONNECTION
          hubspot: { hubspot: { token: "" } }
          intercom: { intercom: { token: "" } }
        models:
          m: { connection: wh, primary_key: [{{string.Join(", ", model.PrimaryKey)}}], sql: "select m.*, {{(model.Shape == 2 ? "k1 || '|' || k2" : "cast(k1 as varchar)")}} as pid, timestamp '2026-01-02 03:04:05' as at0 from m" }
        syncs:
          s:
            model: m
            {{(mode == "worker" ? string.Empty : "diff: warehouse")}}
        {{string.Join('\n', Sync(seed).Split('\n').Select(line => "    " + line))}}
        """;
}
