using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>DuckDB's bulk load for the snapshot: rows through the appender into a temporary table, read by statements, all in one transaction.</summary>
public class DuckDbBulkWriterTests
{
    private const string Create = "create temp table retl_stage__ (k varchar not null, t varchar, b boolean, n bigint)";

    [Fact]
    public async Task LoadAsync_AwkwardRows_ArriveAsGivenAndTheStageIsGone()
    {
        await using var project = new TestProject();
        var warehouse = Warehouse(project, "create schema s; create table s.t (k varchar primary key, t varchar, b boolean, n bigint); insert into s.t values ('keep', 'old', true, 1), ('o''neil', 'old', false, 2)");
        object?[][] rows =
        [
            ["o'neil", "new", true, long.MaxValue], ["ключ — 🙂", string.Empty, null, null], ["long", new string('ü', 10_000), false, long.MinValue],
            ["\u001f", null, null, 0L],
        ];

        await warehouse.LoadAsync(new StagedRows("retl_stage__", Create, rows),
            ["delete from s.t where k in (select k from retl_stage__)", "insert into s.t select * from retl_stage__"], "test", CancellationToken.None);

        var table = Read(project, "select k, t, b, n from s.t order by k");
        Assert.Equal(5, table.Count);
        Assert.Equal(["keep", "old", true, 1L], table.Single(r => (string)r[0]! == "keep"));
        foreach (var row in rows)
        {
            Assert.Equal(row, table.Single(r => (string)r[0]! == (string)row[0]!));
        }

        Assert.Empty(Read(project, "select table_name from duckdb_tables() where table_name = 'retl_stage__'"));
    }

    [Fact]
    public async Task LoadAsync_AStatementFails_NothingIsWrittenAndTheErrorNamesTheTag()
    {
        await using var project = new TestProject();
        var warehouse = Warehouse(project, "create schema s; create table s.t (k varchar primary key, t varchar, b boolean, n bigint); insert into s.t values ('a', 'old', true, 1)");

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.LoadAsync(new StagedRows("retl_stage__", Create, [["b", "x", true, 2L], ["a", "dup", true, 3L]]),
            ["insert into s.t select * from retl_stage__ where k = 'b'", "insert into s.t select * from retl_stage__ where k = 'a'"], "reverse-etl:my-sync", CancellationToken.None));

        Assert.Contains("reverse-etl:my-sync", error.Message, StringComparison.Ordinal);
        Assert.Equal([["a", "old", true, 1L]], Read(project, "select k, t, b, n from s.t"));
    }

    [Fact]
    public async Task LoadAsync_AValueOfAnotherType_IsRefusedNamingTheType()
    {
        await using var project = new TestProject();
        var warehouse = Warehouse(project, "create schema s");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => warehouse.LoadAsync(new StagedRows("retl_stage__", Create, [["a", null, null, 1.5d]]), [], "test", CancellationToken.None));

        Assert.Contains("Double", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_OutOfMemoryWithinTheDefaultLimit_RunsAgainWithinTheRaisedOneAndWritesEachRowOnce()
    {
        await using var project = new TestProject();
        var warehouse = Warehouse(project, "create schema s; create table s.t (k varchar, t varchar, b boolean, n bigint)");
        var csv = CsvFile(project);

        await warehouse.LoadAsync(new StagedRows("retl_stage__", Create, Awkward),
            ["insert into s.t select * from retl_stage__", $"insert into s.t select k, t, null, null from read_csv('{csv}', all_varchar = true, buffer_size = 50000000)"], "test", CancellationToken.None);

        Assert.Equal("192MB", warehouse.MemoryLimit); // a connection keeping a snapshot starts at 96MB; these buffers need more
        object?[][] expected = [.. Awkward, ["csv_1", "Zoë", null, null], ["csv_2", null, null, null]];
        var table = Read(project, "select k, t, b, n from s.t");
        Assert.Equal(expected.Length, table.Count);
        foreach (var row in expected)
        {
            Assert.Equal(expected.Count(e => e.SequenceEqual(row)), table.Count(r => r.SequenceEqual(row))); // each once, duplicates as given
        }
    }

    [Fact]
    public async Task LoadAsync_OutOfMemoryWithinALimitTheConnectionSets_FailsAsOutOfResourcesAndWritesNothing()
    {
        await using var project = new TestProject();
        var warehouse = Warehouse(project, "create schema s; create table s.t (k varchar, t varchar, b boolean, n bigint)", memoryLimit: "48MB");
        var csv = CsvFile(project);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.LoadAsync(new StagedRows("retl_stage__", Create, Awkward),
            ["insert into s.t select * from retl_stage__", $"insert into s.t select k, t, null, null from read_csv('{csv}', all_varchar = true)"], "reverse-etl:my-sync", CancellationToken.None));

        Assert.True(error.OutOfResources);
        Assert.Contains("(the connection's memory_limit is 48MB with 1 thread(s): raise memory_limit, or lower threads)", error.Message, StringComparison.Ordinal);
        Assert.Equal("48MB", warehouse.MemoryLimit);
        Assert.Empty(Read(project, "select k from s.t"));
    }

    private static object?[][] Awkward { get; } =
        [["o'neil", "new", true, long.MaxValue], ["ключ — 🙂", string.Empty, null, null], ["long", new string('ü', 10_000), false, long.MinValue], ["o'neil", null, null, 0L]];

    private static string CsvFile(TestProject project)
    {
        var path = Path.Combine(project.Paths.DataDirectory, "extra.csv");
        File.WriteAllText(path, "k,t\ncsv_1,Zoë\ncsv_2,\n");
        return path;
    }

    private static DuckDbWarehouse Warehouse(TestProject project, string setup, string? memoryLimit = null)
    {
        project.Sql("wh.duckdb", setup);
        return new DuckDbWarehouse(new DuckDbOptions(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), Demo: false) { SnapshotSchema = "s", MemoryLimit = memoryLimit });
    }

    private static List<object?[]> Read(TestProject project, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, "wh.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }
}
