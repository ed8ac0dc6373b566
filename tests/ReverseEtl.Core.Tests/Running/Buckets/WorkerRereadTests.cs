using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// <c>diff: worker</c> by buckets reads the model twice: a bucket whose count of rows changed between the two reads (rows
/// inserted or deleted meanwhile, a table reloaded) keeps what the second read found, but its keys that read misses are
/// not taken for removed until the next run; a row of a bucket not asked for fails the run.
/// </summary>
public sealed class WorkerRereadTests
{
    private const int Bits = 6; // as diff: worker buckets two or three stored keys: BucketSums.BitsFor(2), 4, and 2 more

    private readonly ListLogger _log = new();

    [Fact]
    public async Task Read_RowGoneBetweenTheTwoReads_ItsRemovalWaitsTheRestStands()
    {
        var first = new[] { Row("ключ 1", "Zoë 東京"), Row("ü 2 🙂", "") };
        var warehouse = new TwoReadsWarehouse(first, second: [first[0]]);
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal)
        {
            ["ключ 1"] = new(1, Matched: true), // both changed since: their buckets differ, and are read again
            ["ü 2 🙂"] = new(2, Matched: true),
            ["gone 3"] = new(3, Matched: true), // in neither read: removed, its bucket's count the same in both
        });
        Assert.Equal(3, new[] { "ключ 1", "ü 2 🙂", "gone 3" }.Select(k => BucketSums.Of(k, Bits)).Distinct().Count());

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker");

        Assert.Equal(["gone 3 Removed", "ключ 1 Changed"], events.OfType<RowChange>().Select(c => $"{c.Key} {c.Kind}").Order(StringComparer.Ordinal));
        Assert.Equal(["in no order", "in key order, where buckets"], warehouse.Queries);
        Assert.Contains(_log.Entries, e => e.Id == 1416 && e.Message.Contains("1 of the 3 key buckets read again hold another count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_RowInsertedBetweenTheTwoReads_AddedWithTheChange()
    {
        var inserted = Enumerable.Range(0, 10_000).Select(i => $"nouveau {i} é").First(k => BucketSums.Of(k, Bits) == BucketSums.Of("ключ 1", Bits));
        var first = new[] { Row("ключ 1", "Zoë 東京"), Row("ü 2 🙂", null) };
        var warehouse = new TwoReadsWarehouse(first, second: [first[0], Row(inserted, new string('長', 5_000))]);
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal)
        {
            ["ключ 1"] = new(1, Matched: true),
            ["ü 2 🙂"] = new(WarehouseDiffKit.PayloadHash("ü 2 🙂", null), Matched: true), // as the model has it: its bucket is not read again
        });

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker");

        Assert.Equal([$"{inserted} Added", "ключ 1 Changed"], events.OfType<RowChange>().Select(c => $"{c.Key} {c.Kind}").Order(StringComparer.Ordinal));
        Assert.Contains(_log.Entries, e => e.Id == 1416 && e.Message.Contains("1 of the 1 key buckets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_SecondReadGivesARowOfABucketNotAskedFor_FailsBeforeAnyKeyIsRemoved()
    {
        var first = new[] { Row("ключ 1", "Zoë 東京"), Row("ü 2 🙂", null) };
        var warehouse = new TwoReadsWarehouse(first, second: first); // ü 2's bucket, the same in the state, was not asked for
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal)
        {
            ["ключ 1"] = new(1, Matched: true),
            ["ü 2 🙂"] = new(WarehouseDiffKit.PayloadHash("ü 2 🙂", null), Matched: true),
            ["gone 3"] = new(3, Matched: true),
        });
        var events = new List<DiffEvent>();

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() =>
            WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker", events));

        Assert.Contains("gave 1 rows of key buckets other than those asked for", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e is RowChange { Kind: ChangeKind.Removed });
    }

    [Fact]
    public async Task Read_SameRowsBothReads_TheChangesAndNoWarning()
    {
        var rows = new[] { Row("ключ 1", "Zoë 東京"), Row("ü 2 🙂", null) };
        var warehouse = new TwoReadsWarehouse(rows, second: rows);
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal) { ["ключ 1"] = new(1, Matched: true), ["ü 2 🙂"] = new(2, Matched: true) });

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker");

        Assert.Equal(["ü 2 🙂 Changed", "ключ 1 Changed"], events.OfType<RowChange>().Select(c => $"{c.Key} {c.Kind}").Order(StringComparer.Ordinal));
        Assert.Equal(["in no order", "in key order, where buckets"], warehouse.Queries); // the pass, not one read in key order
        Assert.DoesNotContain(_log.Entries, e => e.Id == 1416);
    }

    // Every bucket differs, so every row is read again; the table was emptied meanwhile: the model counts as empty (the
    // runner then holds every removal back), as a single read finding no row would.
    [Fact]
    public async Task Read_EveryRowReadAgainFindsNone_TheModelIsEmpty()
    {
        var keys = Enumerable.Range(0, 100).Select(i => $"ключ {i:D3}").ToList();
        var warehouse = new TwoReadsWarehouse([.. keys.Select(k => Row(k, "ü", BitsOf100))], second: []);
        var records = SavedRecords.Of(keys.ToDictionary(k => k, _ => new RecordState(1, Matched: true), StringComparer.Ordinal));
        ChangeSource? source = null;

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker", source: s => source = s);

        Assert.Equal(["in no order", "in key order"], warehouse.Queries);
        Assert.Equal(100, events.OfType<RowChange>().Count(c => c.Kind == ChangeKind.Removed));
        Assert.Equal((true, 100L, 0L), (source!.ModelEmpty, source.RowsRead, source.RowsFetched));
    }

    // A warehouse that gives a key's bucket beyond 32 bits fails the run naming the number (it was cut to its low 32
    // bits, a bucket in range, and the row summed into it).
    [Fact]
    public async Task Read_BucketBeyond32Bits_FailsNamingIt()
    {
        var bucket = (1L << 32) + BucketSums.Of("ключ 1", Bits);
        var warehouse = new TwoReadsWarehouse([["ключ 1", "Zoë 東京", true, bucket]], second: []);
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal) { ["ключ 1"] = new(1, Matched: true) });

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() =>
            WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log, diff: "worker"));

        Assert.Contains($"gave key bucket {bucket}, outside 0 to {(1 << Bits) - 1}", thrown.Message, StringComparison.Ordinal);
    }

    // As diff: worker buckets 100 stored keys: BucketSums.BitsFor(100), 3 rounded, at least 4, and 2 more.
    private const int BitsOf100 = 6;

    // A row of the model as both reads give it: key, name, match, and the key's bucket as a warehouse computes it.
    private static object?[] Row(string key, string? name, int bits = Bits) => [key, name, true, (long)BucketSums.Of(key, bits)];

    /// <summary>A warehouse whose model gives <paramref name="first"/> when read in no order and <paramref name="second"/> when read again in key order.</summary>
    private sealed class TwoReadsWarehouse(object?[][] first, object?[][] second) : ScriptedBucketsWarehouse
    {
        private static readonly WarehouseColumn[] Columns =
            [new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN"), new(ModelQuery.BucketColumn, "BIGINT")];

        public List<string> Queries { get; } = [];

        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
        {
            var again = query.Sql.Contains("order by", StringComparison.Ordinal);
            Queries.Add(again ? $"in key order{(query.Sql.Contains("key_bucket(", StringComparison.Ordinal) && query.Sql.Contains("where", StringComparison.Ordinal) ? ", where buckets" : string.Empty)}" : "in no order");
            return Task.FromResult<IWarehouseResult>(new ScriptedResult(Columns, again ? [.. second.OrderBy(r => (string)r[0]!, StringComparer.Ordinal)] : first));
        }
    }
}
