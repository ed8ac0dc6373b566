using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// A key bucket the warehouse gives outside the buckets asked for (beyond 32 bits, negative, not a whole number) fails
/// <c>diff: warehouse</c>'s comparison naming it: it was cut to its low 32 bits, and the bucket it landed in compared
/// equal, so that nothing was found changed (found in review).
/// </summary>
public sealed class WarehouseBucketTests
{
    private readonly ListLogger _log = new();

    public static TheoryData<object, string> OutOfRange => new()
    {
        { (1L << 32) + BucketSums.Of("ключ 1", BucketSums.BitsFor(1)), ((1L << 32) + BucketSums.Of("ключ 1", BucketSums.BitsFor(1))).ToString(CultureInfo.InvariantCulture) },
        { "4294967296", "4294967296" }, // as Snowflake's API gives it: text
        { -3L, "-3" },
        { 2.5m, "2.5" },
        { "n/a", "n/a" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task Read_WarehouseDiffBucketOutsideThoseAskedFor_FailsNamingIt(object bucket, string shown)
    {
        var state = new RecordState(1, Matched: true, RowHash: 0x1234567890abcdef);
        var warehouse = new OneBucketWarehouse(bucket, BucketSums.Part(state.RowHash, state.Matched));
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal) { ["ключ 1"] = state });

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log));

        Assert.Contains($"gave key bucket {shown}, outside 0 to ", thrown.Message, StringComparison.Ordinal);
    }

    public static TheoryData<int, object?, string> NotWhole => new()
    {
        { 1, "1.5", "'1.5' as retl_rows__" },
        { 1, null, "null as retl_rows__" },
        { 2, "-7", "'-7' as retl_sum__" },
        { 2, "", "'' as retl_sum__" },
        { 2, "١٢", "'١٢' as retl_sum__" }, // Arabic-Indic digits
        { 3, "1e3", "'1e3' as retl_other__" },
    };

    [Theory]
    [MemberData(nameof(NotWhole))]
    public async Task Read_BucketRowCountOrSumNotAWholeNumber_FailsNamingTheSyncTheValueAndTheColumn(int at, object? value, string shown)
    {
        var state = new RecordState(1, Matched: true, RowHash: 0x1234567890abcdef);
        var row = new object?[] { (long)BucketSums.Of("ключ 1", BucketSums.BitsFor(1)), 1L, BucketSums.Part(state.RowHash, state.Matched).ToString(CultureInfo.InvariantCulture), 0L };
        row[at] = value;
        var records = SavedRecords.Of(new Dictionary<string, RecordState>(StringComparer.Ordinal) { ["ключ 1"] = state });

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => WarehouseDiffKit.ReadAllAsync(new OneRowWarehouse(row), "{ duckdb: { path: wh.duckdb } }", records, _log));

        Assert.Contains($"gave {shown} of a bucket row, where a whole number was expected", thrown.Message, StringComparison.Ordinal);
        Assert.StartsWith("sync '", thrown.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(thrown.InnerException);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(7L, 7L)]
    [InlineData(7, 7L)]
    [InlineData("7", 7L)]
    [InlineData("7.0", 7L)]
    [InlineData("", -1L)]
    [InlineData("99999999999999999999", -1L)]
    public void Of_ValueAsAWarehouseGivesIt_TheWholeNumberOrNone(object? value, long? expected) =>
        Assert.Equal(expected, WarehouseBucket.Of(value));

    [Fact]
    public void Of_Decimal_WholeOrNone() =>
        Assert.Equal([7L, -1L, -1L], [WarehouseBucket.Of(7m), WarehouseBucket.Of(7.25m), WarehouseBucket.Of(decimal.MaxValue)]);

    /// <summary>A warehouse whose bucket query gives one bucket, of one row with the stored key's sum; no key row after.</summary>
    private sealed class OneBucketWarehouse(object bucket, ulong sum) : ScriptedBucketsWarehouse
    {
        private readonly OneRowWarehouse _row = new([bucket, 1L, sum.ToString(CultureInfo.InvariantCulture), 0L]);

        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken) => _row.QueryAsync(query, cancellationToken);
    }

    /// <summary>A warehouse whose bucket query gives one row as given (bucket, rows, sum, other); no key row after.</summary>
    private sealed class OneRowWarehouse(object?[] row) : ScriptedBucketsWarehouse
    {
        public override Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IWarehouseResult>(query.Sql.Contains("group by retl_bucket__", StringComparison.Ordinal)
                ? new ScriptedResult(
                    [new("retl_bucket__", "BIGINT"), new("retl_rows__", "BIGINT"), new("retl_sum__", "VARCHAR"), new("retl_other__", "BIGINT")],
                    [row])
                : new ScriptedResult([new("id", "VARCHAR")], []));
    }
}
