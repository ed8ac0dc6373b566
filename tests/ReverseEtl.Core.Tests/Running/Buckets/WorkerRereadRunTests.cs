using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
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
    [Fact]
    public async Task Runs_RowInsertedBetweenEachRunsTwoReads_EveryRunSucceedsAndEachChangeIsSentOnce()
    {
        var table = Enumerable.Range(0, 100).Select(i => new[] { $"k{i:D3}", i % 7 == 0 ? "ü 東京 🙂" : "v" }).ToList();
        var warehouse = new LiveWarehouse(table);
        var kit = new RunKit("mode: upsert, diff: worker", warehouse);
        var statuses = new List<RunStatus> { (await kit.RunAsync()).Status };
        kit.Destination.Batches.Clear();

        table[0][1] = new string('é', 3_000); // k000 changed: its bucket differs from the state
        var inserted = new List<string>();
        warehouse.AfterFirstRead = bits => Insert(table, inserted, BucketSums.Of("k000", bits), bits);
        for (var run = 0; run < 3; run++)
        {
            statuses.Add((await kit.RunAsync()).Status);
        }

        warehouse.AfterFirstRead = null;
        statuses.Add((await kit.RunAsync()).Status);

        Assert.All(statuses, s => Assert.Equal(RunStatus.Succeeded, s));
        Assert.Equal(["k000", .. inserted], kit.Destination.Batches.SelectMany(b => b).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(table.Select(r => r[0]).Order(StringComparer.Ordinal), kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(kit.Log.Entries, e => e.Id == 1416);
    }

    // A row deleted between the two reads, from a bucket read again (it holds a changed row): that run keeps the key,
    // as it cannot tell a deleted row from one the second read missed; the next run removes it, once.
    [Fact]
    public async Task Runs_RowDeletedBetweenTheTwoReads_KeptThatRunRemovedTheNext()
    {
        var table = Enumerable.Range(0, 100).Select(i => new[] { $"k{i:D3}", i % 5 == 0 ? "" : "Zoë 東京" }).ToList();
        var warehouse = new LiveWarehouse(table);
        var kit = new RunKit("mode: mirror, diff: worker", warehouse);
        Assert.Equal(RunStatus.Succeeded, (await kit.RunAsync()).Status);
        kit.Destination.Batches.Clear();

        table[0][1] = new string('ü', 2_000); // k000 changed: its bucket is read again
        string? deleted = null;
        warehouse.AfterFirstRead = bits =>
        {
            var index = table.FindIndex(r => r[0] != "k000" && BucketSums.Of(r[0], bits) == BucketSums.Of("k000", bits));
            Assert.True(index >= 0, $"no other key in k000's bucket at {bits} bits");
            deleted = table[index][0];
            table.RemoveAt(index);
        };
        Assert.Equal(RunStatus.Succeeded, (await kit.RunAsync()).Status);
        var afterSecond = kit.Destination.Batches.SelectMany(b => b).Select(r => r.Key).ToList();
        var keptThen = kit.State.Records.ContainsKey(deleted!);

        warehouse.AfterFirstRead = null;
        kit.Destination.Batches.Clear();
        Assert.Equal(RunStatus.Succeeded, (await kit.RunAsync()).Status);
        Assert.Equal(RunStatus.Succeeded, (await kit.RunAsync()).Status);

        Assert.Equal(["k000"], afterSecond);
        Assert.True(keptThen, $"{deleted} was removed in the run that read it only once");
        Assert.Equal([$"{deleted} Delete"], kit.Destination.Batches.SelectMany(b => b).Select(r => $"{r.Key} {r.Action}"));
        Assert.DoesNotContain(deleted!, kit.State.Records.Keys);
        Assert.Contains(kit.Log.Entries, e => e.Id == 1416);
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
