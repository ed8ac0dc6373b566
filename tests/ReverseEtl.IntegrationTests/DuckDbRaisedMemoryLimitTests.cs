using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests;

/// <summary>The default memory limit once raised: set on each new connection, never below what the database already runs within.</summary>
public class DuckDbRaisedMemoryLimitTests
{
    [Theory]
    [InlineData("91.5 MiB", 91.5 * 1024 * 1024)]
    [InlineData("1.8 GiB", 1.8 * 1024 * 1024 * 1024)]
    [InlineData("512 bytes", 512d)]
    [InlineData("0 bytes", 0d)]
    [InlineData(" 45.7 MiB ", 45.7 * 1024 * 1024)]
    public void Bytes_ASizeAsDuckDbShowsIt_IsReadInBytes(string shown, double bytes) =>
        Assert.Equal(bytes, DuckDbWarehouse.Bytes(shown), 3);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unlimited")]
    [InlineData("91,5 MiB")]
    [InlineData("12 MB")]
    public void Bytes_AnythingElse_IsNeverBelowTheRaisedLimit(string? shown) =>
        Assert.Equal(double.PositiveInfinity, DuckDbWarehouse.Bytes(shown));

    [Fact]
    public async Task QueryAsync_RaisedWhileAnotherConnectionHoldsTheFileWithMore_LeavesTheLargerLimit()
    {
        await using var project = new TestProject();
        var path = Path.Combine(project.Paths.DataDirectory, "wh.duckdb");
        project.Sql("wh.duckdb", "select 1"); // the file only
        File.WriteAllText(Path.Combine(project.Paths.DataDirectory, "a.csv"), "k\nZoë\n\n");
        var warehouse = new DuckDbWarehouse(new DuckDbOptions(path, Demo: false) { FileSearchPath = project.Paths.DataDirectory });
        Assert.Equal(["91.5 MiB"], await ReadAsync(warehouse, "select current_setting('memory_limit') from read_csv('a.csv') limit 1"));

        // Another connection to the same file opens it again with 1GB (this warehouse's connections are all closed).
        using var other = new DuckDBConnection($"Data Source={path};memory_limit=1GB");
        other.Open();

        Assert.Equal("96MB", warehouse.MemoryLimit);
        Assert.Equal(["953.6 MiB"], await ReadAsync(warehouse, "select current_setting('memory_limit')"));
    }

    private static async Task<List<string?>> ReadAsync(DuckDbWarehouse warehouse, string sql)
    {
        var values = new List<string?>();
        await using var result = await warehouse.QueryAsync(new WarehouseQuery(sql, "test"), CancellationToken.None);
        await foreach (var row in result.ReadRowsAsync(CancellationToken.None))
        {
            values.Add((string?)row[0]);
        }

        return values;
    }
}
