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
              timestamptz '2025-05-20 10:00:00+02' as tz, [1, 2] as l, {'k': 'v'} as m, cast(null as varchar) as z, cast(null as integer) as zi
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
    }
}
