using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// DuckDB names its spill files alike in every database, so two databases must never spill into one folder: each gets a
/// folder of its own under the connection's <c>temp_directory</c>, and sorts spilling at the same time stay correct.
/// </summary>
public sealed class DuckDbSpillTests : IDisposable
{
    // About 40MB to sort: more than the 48MB limit leaves once DuckDB has taken its own share.
    private const string Sorted = "select 'k_' || lpad(cast((i * 7919) % 300000 as varchar), 6, '0') as k, repeat('é', 60) as pad from range(300000) t(i) order by k";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("retl-spill-");

    [Fact]
    public void SpillDirectory_EachDatabaseAndAccessModeHasItsOwnUnderTheSetting()
    {
        var temp = Path.Combine(_folder.FullName, "spill");
        var a = Warehouse("a.duckdb", temp);
        var b = Warehouse("b.duckdb", temp);
        var aWritable = new DuckDbWarehouse(Options("a.duckdb", temp) with { SnapshotSchema = "retl" });

        Assert.All(new[] { a, b, aWritable }, w => Assert.Equal(temp, Path.GetDirectoryName(w.SpillDirectory)));
        Assert.Equal(3, new[] { a.SpillDirectory, b.SpillDirectory, aWritable.SpillDirectory }.Distinct().Count());
        Assert.Equal(a.SpillDirectory, Warehouse("a.duckdb", temp).SpillDirectory);
        Assert.All(new[] { a, b, aWritable }, w => Assert.Matches("^[0-9]+-[0-9a-f]{8}-[0-9a-f]{12}$", Path.GetFileName(w.SpillDirectory))); // as a later process's clean-up knows them
    }

    [Fact]
    public async Task TwoDatabasesSortingPastTheirLimitAtOnce_EachSpillsInItsOwnFolderAndReadsItsOwnRows()
    {
        var temp = Path.Combine(_folder.FullName, "spill");
        var warehouses = new[] { Warehouse("a.duckdb", temp), Warehouse("b.duckdb", temp) };

        var reads = await Task.WhenAll(warehouses.Select(w => Task.Run(() => ReadSortedAsync(w))));

        Assert.All(reads, read =>
        {
            Assert.Equal(300_000, read.Rows);
            Assert.True(read.InOrder);
            Assert.True(read.Spilled);
        });
    }

    [Fact]
    public async Task Query_FoldersLeftUnderTempDirectory_OnlyOtherProcessesSpillFoldersOlderThanADayRemoved()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_folder.FullName, "spill"));
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var stale = Left(temp, "4242-0a1b2c3d-0123456789ab", now.AddDays(-2));
        var recent = Left(temp, "4243-0a1b2c3d-0123456789ab", now.AddHours(-1));
        var notOurs = Left(temp, "backups", now.AddDays(-30));
        var warehouse = new DuckDbWarehouse(Options("a.duckdb", temp.FullName), new FixedClock(now));

        await using (var result = await warehouse.QueryAsync(new WarehouseQuery("select 1", "stale test"), CancellationToken.None))
        {
            Assert.Single(await result.ReadRowsAsync(CancellationToken.None).ToListAsync());
        }

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(notOurs));
    }

    [Fact]
    public async Task Query_TempDirectoryCannotBeMade_FailsNamingTheSettingAndThePath()
    {
        var inTheWay = Path.Combine(_folder.FullName, "a-file");
        await File.WriteAllTextAsync(inTheWay, "not a folder");
        var temp = Path.Combine(inTheWay, "spill");
        var warehouse = Warehouse("a.duckdb", temp);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.QueryAsync(new WarehouseQuery("select 1", "t"), CancellationToken.None));

        Assert.StartsWith($"DuckDB (a.duckdb) cannot spill into temp_directory '{temp}':", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(set temp_directory to a writable folder)", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static string Left(DirectoryInfo parent, string name, DateTimeOffset touched)
    {
        var folder = parent.CreateSubdirectory(name);
        var file = Path.Combine(folder.FullName, "duckdb_temp_storage_DEFAULT-0.tmp");
        File.WriteAllBytes(file, [1, 2, 3]);
        File.SetLastWriteTimeUtc(file, touched.UtcDateTime);
        Directory.SetLastWriteTimeUtc(folder.FullName, touched.UtcDateTime);
        return folder.FullName;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task<(int Rows, bool InOrder, bool Spilled)> ReadSortedAsync(DuckDbWarehouse warehouse)
    {
        await using var result = await warehouse.QueryAsync(new WarehouseQuery(Sorted, "spill test"), CancellationToken.None);
        var (rows, inOrder, spilled, previous) = (0, true, false, string.Empty);
        await foreach (var values in result.ReadRowsAsync(CancellationToken.None))
        {
            var key = (string)values[0]!;
            inOrder &= string.CompareOrdinal(previous, key) < 0 && key == $"k_{rows:D6}";
            spilled |= rows == 0 && Directory.Exists(warehouse.SpillDirectory) && Directory.EnumerateFiles(warehouse.SpillDirectory).Any();
            (previous, rows) = (key, rows + 1);
        }

        return (rows, inOrder, spilled);
    }

    private DuckDbWarehouse Warehouse(string file, string temp) => new(Options(file, temp));

    private DuckDbOptions Options(string file, string temp)
    {
        var path = Path.Combine(_folder.FullName, file);
        if (!File.Exists(path))
        {
            using var connection = new DuckDBConnection($"Data Source={path}");
            connection.Open();
        }

        return new DuckDbOptions(path, Demo: false) { MemoryLimit = "48MB", Threads = 1, TempDirectory = temp, FileSearchPath = _folder.FullName };
    }
}
