using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests;

/// <summary>DuckDB's values, read through typed getters where the column allows, are the boundary's values as before.</summary>
public class DuckDbValuesTests
{
    [Fact]
    public async Task Query_EveryCommonTypeAndNulls_IsNormalisedToTheBoundaryValues()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table t as select
              cast(7 as integer) as i, cast(9000000000 as bigint) as b, cast(3 as smallint) as sm, cast(12.34 as decimal(10, 2)) as n,
              cast(1.5 as real) as r, cast(2.25 as double) as d, true as f, false as g, 'Zoë 😀' as s, '' as e,
              date '2025-04-01' as dt, time '14:03:11' as tm, timestamp '2025-05-02 14:03:11.123456' as ts,
              timestamptz '2025-05-20 10:00:00+02' as tz, [1, 2] as l, {'k': 'v'} as m, cast(null as varchar) as z, cast(null as integer) as zi,
              cast(5 as ubigint) as u, cast(9223372036854775807 as ubigint) as ulong_edge, cast(18446744073709551615 as ubigint) as umax
            """);
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var row = await result.ReadRowsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal([7L, 9_000_000_000L, 3L, 12.34m, 1.5d, 2.25d, true, false, "Zoë 😀", string.Empty, new DateOnly(2025, 4, 1), new TimeOnly(14, 3, 11)], row[..12]);
        Assert.Equal((new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc).AddTicks(1234560), DateTimeKind.Utc), ((DateTime)row[12]!, ((DateTime)row[12]!).Kind));
        Assert.Equal(new DateTime(2025, 5, 20, 8, 0, 0, DateTimeKind.Utc), row[13]);
        Assert.Equal([1L, 2L], Assert.IsType<List<object?>>(row[14]));
        Assert.Equal("v", Assert.IsType<Dictionary<string, object?>>(row[15])["k"]);
        Assert.Equal((null, null), (row[16], row[17]));
        Assert.Equal([5L, long.MaxValue, 18446744073709551615m], row[18..]); // a whole number as a long where one fits, as other integers
    }

    [Fact]
    public async Task Query_ListsAndMapsHoldingNulls_ReadTheNullsAsNull()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table t as select
              [1, null, 3]::integer[] as ints, [[1, null], null, []]::integer[][] as nested, ['Zoë', null, ''] as texts,
              map {'k': null, 'j': 2} as m, [map {'ü': null}] as maps, [true, null] as flags, [date '2025-04-01', null] as dates,
              [1.5, null]::double[] as doubles, cast(null as integer[]) as none, []::integer[] as empty,
              [1.25::decimal(10, 2), null] as decimals, [10000000000000000000000000::hugeint, (-170141183460469231731687303715884105727)::hugeint, null] as huge,
              [uuid '00000000-0000-0000-0000-00000000000a', null] as ids, [timestamptz '2025-05-20 10:00:00+02', null] as stamps,
              [time '14:03:11', null] as times, [18446744073709551615::ubigint, null] as unsigned
            """);
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var row = await result.ReadRowsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal([1L, null, 3L], Assert.IsType<List<object?>>(row[0]));
        var nested = Assert.IsType<List<object?>>(row[1]);
        Assert.Equal([1L, null], Assert.IsType<List<object?>>(nested[0]));
        Assert.Equal((null, 0), (nested[1], Assert.IsType<List<object?>>(nested[2]).Count));
        Assert.Equal(["Zoë", null, string.Empty], Assert.IsType<List<object?>>(row[2]));
        Assert.Equal(new Dictionary<string, object?> { ["k"] = null, ["j"] = 2L }, Assert.IsType<Dictionary<string, object?>>(row[3]));
        Assert.Null(Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(row[4])))["ü"]);
        Assert.Equal([true, null], Assert.IsType<List<object?>>(row[5]));
        Assert.Equal([new DateOnly(2025, 4, 1), null], Assert.IsType<List<object?>>(row[6]));
        Assert.Equal([1.5d, null], Assert.IsType<List<object?>>(row[7]));
        Assert.Equal((null, 0), (row[8], Assert.IsType<List<object?>>(row[9]).Count));
        Assert.Equal([1.25m, null], Assert.IsType<List<object?>>(row[10]));
        Assert.Equal([10000000000000000000000000m, "-170141183460469231731687303715884105727", null], Assert.IsType<List<object?>>(row[11])); // beyond decimal: its digits
        Assert.Equal(["00000000-0000-0000-0000-00000000000a", null], Assert.IsType<List<object?>>(row[12]));
        Assert.Equal([new DateTime(2025, 5, 20, 8, 0, 0, DateTimeKind.Utc), null], Assert.IsType<List<object?>>(row[13]));
        Assert.Equal([new TimeOnly(14, 3, 11), null], Assert.IsType<List<object?>>(row[14]));
        Assert.Equal([18446744073709551615m, null], Assert.IsType<List<object?>>(row[15]));
    }

    // Found by a differential fuzz of the diffs: an interval with months failed every run ("internal error").
    [Fact]
    public async Task Query_IntervalsWithMonthsNegativeOrHuge_ReadAsText_ThoseATimeSpanHoldsAsBefore()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table t as select
              interval '1 day 2 hours 3 minutes 4.5 seconds' as plain, interval '14 months 3 days 04:05:06.5' as months,
              -interval '1 month' - interval '90 minutes' as negative, to_days(200000000) as huge, cast(null as interval) as none,
              [interval '1 month', null, interval '-2 hours'] as list
            """);
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var row = await result.ReadRowsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal(["1.02:03:04.5000000", "P1Y2M3DT4H5M6.5S", "P0Y-1M0DT-1H-30M0S", "P0Y0M200000000DT0H0M0S", null], row[..5]);
        Assert.Equal(["P0Y1M0DT0H0M0S", null, "-02:00:00"], Assert.IsType<List<object?>>(row[5]));
    }

    [Fact]
    public async Task Query_AStructHoldingAnIntervalOfMonths_FailsNamingTheColumnNotTheValues()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", "create table t as select 'Zoë' as k, {'wait': interval '1 month'} as terms");
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<WarehouseException>(async () => await result.ReadRowsAsync(CancellationToken.None).ToListAsync());

        Assert.StartsWith("DuckDB returned a value of column 'terms' (Struct) that cannot be read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Zoë", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_AStructHoldingAListWithANull_FailsNamingTheColumnNotTheValues()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", "create table t as select 'secret-value' as note, {'tags': [1, null]} as profile");
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<WarehouseException>(async () => await result.ReadRowsAsync(CancellationToken.None).ToListAsync());

        Assert.Contains("column 'profile'", error.Message, StringComparison.Ordinal);
        Assert.Contains("to_json(profile)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }
}
