using System.Globalization;
using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// The rejected rows of a <c>diff: worker</c> read of some buckets only are numbered as a read of every row in key order
/// numbers them, and rows without a key are read again and rejected even when nothing else changed.
/// </summary>
public sealed partial class WorkerRereadRejectionTests
{
    private static readonly List<string> Keys = [.. Enumerable.Range(0, 100).Select(i => $"k{i:D3}")];

    private readonly ListLogger _log = new();

    private static SavedRecords Stored => SavedRecords.Of(Keys.ToDictionary(k => k, k => new RecordState(WarehouseDiffKit.PayloadHash(k, "v"), Matched: true), StringComparer.Ordinal));

    [Fact]
    public async Task Read_DuplicatedNullAndEmptyKeysInSomeBuckets_NumberedAsAReadOfEveryRow()
    {
        var rows = Keys.Select(k => new string?[] { k, "v" }).Append(["k050", "dup ü"]).Append([null, "no key 東京"]).Append(["", "empty"]).ToList();
        var warehouse = new FilteringWarehouse(rows);

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", Stored, _log, diff: "worker");

        // In key order: '' is row 1, k000 to k049 rows 2 to 51, k050 rows 52 and 53, …, the null key last (103).
        Assert.Equal(["1 ", "103 ", "52 k050", "53 k050"], events.OfType<RowRejected>().Select(r => $"{r.RowNumber} {r.Key}").Order(StringComparer.Ordinal));
        Assert.Empty(events.OfType<RowChange>());
        Assert.Equal(2, warehouse.Reads.Count);
        Assert.Contains(" in (", warehouse.Reads[1], StringComparison.Ordinal); // only some buckets read again
    }

    // A key whose text is one NUL character, on two rows, beside a null key: each numbered as its own key (they were
    // taken for one, so that the null key's row was numbered after the other key's two rows).
    [Fact]
    public async Task Read_DuplicatedNulTextKeyBesideANullKey_NumberedApart()
    {
        var rows = Keys.Select(k => new string?[] { k, "v" }).Append([null, "no key"]).Append(["\u0000", "nul ü"]).Append(["\u0000", ""]).ToList();
        var warehouse = new FilteringWarehouse(rows);

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", Stored, _log, diff: "worker");

        // In key order: "\0" rows 1 and 2, k000 to k099 rows 3 to 102, the null key last (103).
        Assert.Equal(["1 \u0000", "103 ", "2 \u0000"], events.OfType<RowRejected>().Select(r => $"{r.RowNumber} {r.Key}").Order(StringComparer.Ordinal));
        Assert.Contains(" in (", warehouse.Reads[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OnlyANullKeyBesidesUnchangedRows_ReadAgainAndRejected()
    {
        var rows = Keys.Select(k => new string?[] { k, "v" }).Append([null, new string('ø', 4_000)]).ToList();
        var warehouse = new FilteringWarehouse(rows);

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", Stored, _log, diff: "worker");

        Assert.Equal(["101 "], events.OfType<RowRejected>().Select(r => $"{r.RowNumber} {r.Key}"));
        Assert.Empty(events.OfType<RowChange>());
        Assert.DoesNotContain(" in (", warehouse.Reads[1], StringComparison.Ordinal);
    }

    // 250 keys on two rows each among 20,000 (few enough buckets differ to read only theirs again): numbered by one
    // read of every key in order, not by three count queries, the numbers those of a read of every row in key order.
    // A key that read does not meet (its rows deleted after the rows were read) has its hundred counted by a query. A
    // warehouse outside the process counts them all by queries, rather than send every key.
    [Theory]
    [InlineData(null, false, 0, 1)]
    [InlineData("ключ 00087", false, 1, 1)]
    [InlineData(null, true, 3, 0)]
    public async Task Read_ManyKeysOnSeveralRows_NumberedByOneReadOfTheKeysInOrder(string? missing, bool remote, int rankQueries, int keyOrderReads)
    {
        var keys = Enumerable.Range(0, 20_000).Select(i => $"ключ {i:D5}").ToList();
        var stored = SavedRecords.Of(keys.ToDictionary(k => k, k => new RecordState(WarehouseDiffKit.PayloadHash(k, "v"), Matched: true), StringComparer.Ordinal));
        var rows = keys.Select(k => new string?[] { k, "v" }).Concat(keys.Where((_, i) => i % 80 == 7).Select(k => new string?[] { k, "dup é" })).ToList();
        var warehouse = new FilteringWarehouse(rows) { MissingFromKeyOrder = missing, Remote = remote };

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", stored, _log, diff: "worker");

        // A row's number: its place in key order among the rows of the model as the counts see it (without the missing key's).
        var counted = rows.Select(r => r[0]!).Where(k => k != missing).Order(StringComparer.Ordinal).ToList();
        var expected = counted.Select((k, i) => (Key: k, Number: i + 1)).GroupBy(r => r.Key).Where(g => g.Count() > 1).SelectMany(g => g)
            .Concat(missing is null ? [] : [(missing, counted.Count(k => string.CompareOrdinal(k, missing) < 0) + 1), (missing, counted.Count(k => string.CompareOrdinal(k, missing) < 0) + 2)])
            .Select(r => $"{r.Number} {r.Key}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), events.OfType<RowRejected>().Select(r => $"{r.RowNumber} {r.Key}").Order(StringComparer.Ordinal));
        Assert.Equal(500, events.OfType<RowRejected>().Count());
        Assert.Equal(keyOrderReads, warehouse.KeyOrderReads);
        Assert.Equal(rankQueries, warehouse.RankQueries);
    }

    [GeneratedRegex(@"key_bucket\([^,]+, (\d+)\)")]
    private static partial Regex BucketBits();

    [GeneratedRegex(@"key_bucket\([^,]+, \d+\) in \(([\d, ]+)\)")]
    private static partial Regex InList();

    [GeneratedRegex(@"sum\(case when (.*?) then 1 else 0 end\) as retl_before_(\d+)__")]
    private static partial Regex Before();

    [GeneratedRegex(@"< cast\('(.*)' as varchar\)")]
    private static partial Regex Below();

    /// <summary>
    /// The model <paramref name="rows"/> (key, name): in no order, then in key order (nulls last) with only the rows its
    /// <c>where</c> asks for (the buckets listed, the empty and null keys), and the rank queries that number rejections.
    /// </summary>
    private sealed class FilteringWarehouse(List<string?[]> rows) : ScriptedBucketsWarehouse
    {
        public List<string> Reads { get; } = [];

        public int RankQueries { get; private set; }

        public int KeyOrderReads { get; private set; }

        /// <summary>A key whose rows are gone from the model once the rows were read: neither the key-order read nor a count meets them.</summary>
        public string? MissingFromKeyOrder { get; init; }

        /// <summary>As a warehouse outside the process (PostgreSQL, Snowflake).</summary>
        public bool Remote { get; init; }

        public override bool InProcess => !Remote;

        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
        {
            var sql = query.Sql;
            if (sql.StartsWith("select retl_model__.id\n", StringComparison.Ordinal))
            {
                KeyOrderReads++;
                var ordered = rows.Select(r => r[0]).Where(k => k != MissingFromKeyOrder || k is null).OrderBy(k => k is null ? 1 : 0).ThenBy(k => k, StringComparer.Ordinal).Select(k => new object?[] { k }).ToArray();
                return Answer(ordered, [new WarehouseColumn("id", "VARCHAR")]);
            }

            if (sql.Contains("retl_before_", StringComparison.Ordinal))
            {
                RankQueries++;
                var ranks = Before().Matches(sql).Select(m => (object?)(long)rows.Count(r => (r[0] != MissingFromKeyOrder || r[0] is null) && SortsBefore(r[0], m.Groups[1].Value))).ToArray();
                return Answer([ranks], [.. ranks.Select((_, i) => new WarehouseColumn($"retl_before_{i}__", "BIGINT"))]);
            }

            Reads.Add(sql);
            var bits = int.Parse(BucketBits().Match(sql).Groups[1].Value, CultureInfo.InvariantCulture);
            var all = rows.Select(r => new object?[] { r[0], r[1], true, r[0] is null ? null : (long)BucketSums.Of(r[0]!, bits) });
            if (!sql.Contains("order by", StringComparison.Ordinal))
            {
                return Answer([.. all], Columns);
            }

            var list = InList().Match(sql);
            var wanted = list.Success ? list.Groups[1].Value.Split(", ").Select(long.Parse).ToHashSet() : [];
            var picked = all.Where(r => r[0] is null || (string)r[0]! == string.Empty || (r[3] is long b && wanted.Contains(b)));
            return Answer([.. picked.OrderBy(r => r[0] is null ? 1 : 0).ThenBy(r => (string?)r[0], StringComparer.Ordinal)], Columns);
        }

        // A rank query's condition: "… is not null" (every keyed row sorts before a null key) or "… < cast('k' as varchar)".
        private static bool SortsBefore(string? key, string condition) => condition.Contains("is not null", StringComparison.Ordinal)
            ? key is not null
            : key is not null && string.CompareOrdinal(key, Below().Match(condition).Groups[1].Value) < 0;

        private static readonly WarehouseColumn[] Columns =
            [new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN"), new(ModelQuery.BucketColumn, "BIGINT")];

        private static Task<IWarehouseResult> Answer(object?[][] answer, IReadOnlyList<WarehouseColumn> columns) => Task.FromResult<IWarehouseResult>(new ScriptedResult(columns, answer));
    }
}
