using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.Differential;

/// <summary>
/// A run killed with a batch in flight leaves the state as it was and the batch's sends in the write-ahead log; the
/// vendor may hold what the batch sent. When the rows go back to what the state holds before the next run (a model
/// rebuilt, a change undone), that run must still write them, on every diff: <c>diff: worker</c>, <c>diff: warehouse</c>
/// by key buckets, and against the warehouse's snapshot. The kill is reconstructed exactly: a run sends the changes,
/// then the state of those keys is put back as it was before it and their sends logged as that run logged them.
/// </summary>
public sealed class UnsettledSendsTests
{
    private static readonly string Long = "Zoë ✓ " + new string('ж', 3_000);

    [Theory]
    [InlineData("worker", "upsert")]
    [InlineData("warehouse", "upsert")]
    [InlineData("snapshot", "upsert")]
    [InlineData("worker", "mirror")]
    [InlineData("warehouse", "mirror")]
    [InlineData("snapshot", "mirror")]
    public async Task Run_RowsBackAsStoredAfterAKillWithTheirSendsInFlight_WritesThemAgain(string diff, string mode)
    {
        await using var project = Project(diff, mode);
        project.Sql("wh.duckdb", $"""
            create table m (id varchar, name varchar, days integer);
            insert into m select 'acc_' || lpad(cast(i as varchar), 4, '0'), 'Account ' || i, i from range(1, 200) t(i);
            insert into m values ('Zoë-1', 'before', 1), ('o''neil ', '', null), ('{new string('k', 1_500)}', null, 3), ('gone', 'Ünïcode', 4)
            """);
        Assert.Equal(203L, (await project.RunAsync("s")).Counts.Sent);
        string[] changed = ["Zoë-1", "o'neil ", new string('k', 1_500)];
        var before = await project.State.FindRecordsAsync("s", [.. changed, "gone"], CancellationToken.None);

        project.Sql("wh.duckdb", $"update m set name = '{Long}' where id = 'Zoë-1'; update m set name = null where id = 'o''neil '; update m set name = '' where length(id) = 1500; delete from m where id = 'gone'; insert into m values ('new', null, 5)");
        var inFlight = await project.RunAsync("s");
        Assert.Equal(mode == "mirror" ? 5L : 4L, inFlight.Counts.Sent);
        await KillBeforeStoringAsync(project, mode == "mirror" ? before : before.Where(b => b.Key != "gone").ToDictionary(), changed);
        project.Sql("wh.duckdb", $"update m set name = 'before' where id = 'Zoë-1'; update m set name = '' where id = 'o''neil '; update m set name = null where length(id) = 1500; insert into m values ('gone', 'Ünïcode', 4); delete from m where id = 'new'");
        var seen = project.OutboxRequests("hubspot").Count;
        var plan = await project.CliAsync("plan", "--sync", "s"); // changes no state, so it cannot count the keys the run marks
        Assert.Contains($"  {(mode == "mirror" ? 5 : 4)} send(s) of an earlier run have no known outcome (stopped or killed mid-send)", plan.Output, StringComparison.Ordinal);
        string[] unsure = ["\"Zoë-1\": update", .. mode == "mirror" ? ["\"gone\": delete"] : (string[])[], $"\"{new string('k', 100)}\"… (1500 characters): update", "\"new\": create", "\"o'neil \": update"];
        Assert.Equal(unsure.Select(u => $"  no known outcome: {u}, sent 2026-11-30T08:00:00Z"), plan.Output.Split('\n').Where(l => l.StartsWith("  no known outcome: ", StringComparison.Ordinal)));

        var again = await project.RunAsync("s");

        var written = project.OutboxRequests("hubspot").Skip(seen).SelectMany(Inputs).ToList();
        // HubSpot clears a property with "" (a null); "gone" is an upsert's new key, and a mirror's deleted record written again.
        (string, string)[] expected = [("Zoë-1", "before"), ("o'neil ", ""), (new string('k', 1_500), ""), ("gone", "Ünïcode")];
        Assert.Equal(expected.Order(), written.Order());
        Assert.Equal((mode == "mirror" ? 5L : 4L, 0L), (again.Counts.Sent, again.Counts.Failed));
        if (mode == "mirror")
        {
            // The mirror deletes "new", gone from the model, whose add may have arrived: with no HubSpot id recorded, it
            // is read by its id property (the dry run finds every record) and archived by the id read.
            var calls = project.OutboxRequests("hubspot").Skip(seen).Select(l => JsonNode.Parse(l)!).ToList();
            var read = Assert.Single(calls, c => c["url"]!.ToString().EndsWith("/batch/read", StringComparison.Ordinal));
            Assert.Equal(("product_account_id", "new"), (read["body"]!["idProperty"]!.ToString(), read["body"]!["inputs"]![0]!["id"]!.ToString()));
            Assert.Single(calls, c => c["url"]!.ToString().EndsWith("/batch/archive", StringComparison.Ordinal));
        }

        // An upsert never writes "new" again: its send stays unsure; the mirror's delete settled it.
        Assert.Equal(mode == "mirror" ? [] : ["new"], (await project.State.LoadPendingAsync("s", CancellationToken.None)).Keys);

        Assert.Equal(0L, (await project.RunAsync("s")).Counts.Sent);
    }

    // The state of the run's keys put back as before it (its "new" key, added, not stored), and their sends logged as it logged them.
    private static async Task KillBeforeStoringAsync(TestProject project, Dictionary<string, RecordState> before, string[] changed)
    {
        var after = await project.State.FindRecordsAsync("s", [.. changed, "new"], CancellationToken.None);
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var sends = changed.Select(k => new PendingSend(k, RecordAction.Change, after[k].Hash, at)).ToList();
        if (before.ContainsKey("gone"))
        {
            sends.Add(new PendingSend("gone", RecordAction.Delete, 0, at)); // a mirror's delete: an upsert sync sends none
        }
        if (after.TryGetValue("new", out var added))
        {
            sends.Add(new PendingSend("new", RecordAction.Enter, added.Hash, at));
        }

        await project.State.ApplyAsync("s", [.. before.Select(b => new StateUpdate(b.Key, b.Value)), new StateUpdate("new", null)], CancellationToken.None);
        await project.State.RecordPendingAsync("s", 2, sends, CancellationToken.None);
    }

    private static IEnumerable<(string Key, string Name)> Inputs(string line) =>
        JsonNode.Parse(line)!["body"]?["inputs"] is JsonArray inputs
            ? inputs.Where(i => i?["properties"] is not null).Select(i => (i!["properties"]!["product_account_id"]!.ToString(), i["properties"]!["name"]!.ToString()))
            : [];

    private static TestProject Project(string diff, string mode)
    {
        var connection = diff == "snapshot" ? "{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }" : "{ duckdb: { path: wh.duckdb } }";
        var project = new TestProject().WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: {{connection}}
              hubspot: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: id, sql: "select * from m" }
            syncs:
              s:
                model: m
                {{(diff == "worker" ? string.Empty : "diff: warehouse")}}
                destination: hubspot
                mode: {{mode}}
                {{(mode == "mirror" ? "delete_limit_percent: 100" : string.Empty)}}
                limits: { creates: none, updates: none }
                fields: { product_account_id: id, name: name, days_in_stage: days }
                hubspot: { object: companies, id_property: product_account_id }
            """);
        project.Sql("wh.duckdb", "create schema retl_state");
        return project;
    }
}
