using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Lists and structs whose value moves between NULL, empty and NULL-holding forms (and a list of lists regrouped): every
/// diff sends exactly the same changes. Found by a differential fuzz of the three diffs, where DuckDB's <c>hash()</c> took
/// each pair for one and <c>diff: warehouse</c>, with or without its snapshot, sent none of them.
/// </summary>
public sealed class DuckDbNestedValuesDiffTests
{
    private static readonly string[] Syncs = ["by-worker", "by-warehouse", "by-snapshot"];

    [Fact]
    public async Task Run_NestedValuesMoveBetweenNullEmptyAndNullHolding_EveryDiffSendsTheSameChanges()
    {
        await using var project = new TestProject().WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              wh-rw: { duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }
              out-by-worker: { hubspot: { token: "" } }
              out-by-warehouse: { hubspot: { token: "" } }
              out-by-snapshot: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: k, sql: select * from t }
              m-rw: { connection: wh-rw, primary_key: k, sql: select * from t }
            syncs:
              by-worker: { model: m, destination: out-by-worker, mode: upsert, fields: { product_account_id: k, l: l, ll: ll, s: s }, hubspot: { object: companies, id_property: product_account_id } }
              by-warehouse: { model: m, destination: out-by-warehouse, mode: upsert, diff: warehouse, fields: { product_account_id: k, l: l, ll: ll, s: s }, hubspot: { object: companies, id_property: product_account_id } }
              by-snapshot: { model: m-rw, destination: out-by-snapshot, mode: upsert, diff: warehouse, fields: { product_account_id: k, l: l, ll: ll, s: s }, hubspot: { object: companies, id_property: product_account_id } }
            """);
        project.Sql("wh.duckdb", """
            create schema retl_state;
            create table t (k varchar, l integer[], ll integer[][], s struct(a integer, n varchar));
            insert into t values ('a', [], [[9]], {'a': 1, 'n': 'Zoë'}), ('b', [7], [[1], [2]], {'a': 1, 'n': ''}),
                ('c', [7], [[9]], {'a': null, 'n': null}), ('d', [null], null, {'a': 1, 'n': repeat('東', 3000)}), ('ü-🙂', [7], [[9]], null);
            """);
        foreach (var sync in Syncs)
        {
            Assert.Equal(5L, (await project.RunAsync(sync)).Counts.Added);
        }

        project.Sql("wh.duckdb", """
            update t set l = null where k = 'a';
            update t set ll = [[1, 2]] where k = 'b';
            update t set s = null where k = 'c';
            update t set l = [] where k = 'd';
            update t set s = {'a': null, 'n': null} where k = 'ü-🙂';
            """);
        var changed = new List<long>();
        foreach (var sync in Syncs)
        {
            var report = await project.RunAsync(sync);
            Assert.Equal(RunStatus.Succeeded, report.Status);
            changed.Add(report.Counts.Changed);
        }

        Assert.Equal([5L, 5L, 5L], changed);
        var sent = Syncs.Select(s => project.OutboxRequests($"out-{s}").Skip(1).Select(Inputs).ToList()).ToList();
        Assert.All(sent, s => Assert.Equal(sent[0], s));
        foreach (var sync in Syncs)
        {
            Assert.Equal(0L, (await project.RunAsync(sync)).Counts.Changed); // and nothing after
        }
    }

    // A request's inputs, in key order, without the trace ids.
    private static string Inputs(string request) => string.Join("\n", JsonNode.Parse(request)!["body"]!["inputs"]!.AsArray()
        .Select(i => i!["properties"]!.ToJsonString()).Order(StringComparer.Ordinal));
}
