using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// Runs of a <c>diff: worker</c> sync over a table that gets a row now and then, one of them between each run's first
/// read and its second: every run succeeds, and the sync sends each change once (found in review: the second read's
/// check used to fail such a run, and so every run after it, sending nothing).
/// </summary>
public sealed partial class WorkerRereadRunTests
{
    private readonly ListLogger _log = new();

    [Fact]
    public async Task Runs_RowInsertedBetweenEachRunsTwoReads_EveryRunSucceedsAndEachChangeIsSentOnce()
    {
        var table = Enumerable.Range(0, 100).Select(i => new[] { $"k{i:D3}", i % 7 == 0 ? "ü 東京 🙂" : "v" }).ToList();
        var warehouse = new LiveWarehouse(table);
        var destination = new RecordingDestination("hubspot", 100, SyncMode.Upsert);
        var catalog = new ConnectorCatalog([warehouse], [destination]);
        var (project, errors) = DefinitionText.Build(catalog, """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              d: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: id, sql: "select id, name from accounts" }
            syncs:
              s: { model: m, destination: d, mode: upsert, diff: worker }
            """);
        Assert.Empty(errors);
        await using var runtime = new ProjectRuntime(project, catalog);
        var state = new MemoryStateStore();
        var runner = new SyncRunner(state, TimeProvider.System, _log.For<SyncRunner>());
        var statuses = new List<RunStatus> { (await runner.RunAsync(runtime, project.Syncs["s"], CancellationToken.None)).Status };
        destination.Batches.Clear();

        table[0][1] = new string('é', 3_000); // k000 changed: its bucket differs from the state
        var inserted = new List<string>();
        warehouse.AfterFirstRead = bits => Insert(table, inserted, BucketSums.Of("k000", bits), bits);
        for (var run = 0; run < 3; run++)
        {
            statuses.Add((await runner.RunAsync(runtime, project.Syncs["s"], CancellationToken.None)).Status);
        }

        warehouse.AfterFirstRead = null;
        statuses.Add((await runner.RunAsync(runtime, project.Syncs["s"], CancellationToken.None)).Status);

        Assert.All(statuses, s => Assert.Equal(RunStatus.Succeeded, s));
        Assert.Equal(["k000", .. inserted], destination.Batches.SelectMany(b => b).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(table.Select(r => r[0]).Order(StringComparer.Ordinal), state.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(_log.Entries, e => e.Id == 1416);
    }

    // A new row whose key falls in the bucket given.
    private static void Insert(List<string[]> table, List<string> inserted, int bucket, int bits)
    {
        var key = Enumerable.Range(inserted.Count == 0 ? 0 : int.Parse(inserted[^1][4..], System.Globalization.CultureInfo.InvariantCulture) + 1, 1_000_000)
            .Select(i => $"new {i}").First(k => BucketSums.Of(k, bits) == bucket);
        inserted.Add(key);
        table.Add([key, "nouveau"]);
    }

    [GeneratedRegex(@"key_bucket\([^,]+, (\d+)\)")]
    private static partial Regex BucketBits();

    [GeneratedRegex(@"key_bucket\([^,]+, \d+\) in \(([\d, ]+)\)")]
    private static partial Regex InList();

    /// <summary>
    /// The table as it is when asked: the first read in no order, then <see cref="AfterFirstRead"/> (given the bits of the
    /// buckets), the second read in key order, only the rows of the buckets its <c>where</c> lists.
    /// </summary>
    private sealed class LiveWarehouse(List<string[]> table) : ScriptedBucketsWarehouse
    {
        public Action<int>? AfterFirstRead { get; set; }

        // The model's columns, and each row's key bucket where the query asks for one (bits above 0).
        private static Task<IWarehouseResult> Answer(List<object?[]> rows, int bits) => Task.FromResult<IWarehouseResult>(bits == 0
            ? new ScriptedResult([new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")], [.. rows.Select(r => r[..3])])
            : new ScriptedResult([new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN"), new(ModelQuery.BucketColumn, "BIGINT")], rows));

        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
        {
            var bits = BucketBits().Match(query.Sql) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var rows = table.Select(r => new object?[] { r[0], r[1], true, bits == 0 ? null : (long)BucketSums.Of(r[0], bits) }).ToList();
            if (!query.Sql.Contains("order by", StringComparison.Ordinal))
            {
                AfterFirstRead?.Invoke(bits);
                return Answer(rows, bits);
            }

            if (InList().Match(query.Sql) is { Success: true } list)
            {
                var wanted = list.Groups[1].Value.Split(", ").Select(long.Parse).ToHashSet();
                rows = [.. rows.Where(r => wanted.Contains((long)r[3]!))];
            }

            return Answer([.. rows.OrderBy(r => (string)r[0]!, StringComparer.Ordinal)], bits);
        }
    }
}
