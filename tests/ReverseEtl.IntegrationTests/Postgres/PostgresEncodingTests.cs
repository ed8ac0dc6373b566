using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Warehouses.Postgres;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>
/// A PostgreSQL warehouse in an encoding other than UTF-8. The worker orders keys by code point and computes a key's
/// bucket from the md5 of its UTF-8, as DuckDB and Snowflake do, so the database must sort and hash the key's UTF-8, not
/// its own bytes. It hashed the LATIN1 bytes: a key with a letter outside ASCII fell in another bucket than the state's,
/// so <c>diff: warehouse</c> found its buckets differing and read their keys on every run, and <c>diff: worker</c>'s
/// hold of a removal between its two reads looked in the wrong bucket. It sorted by the WIN1252 bytes: '€' (0x80) before
/// 'ü' (0xFC), and every run of a model with both failed out of key order.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class PostgresEncodingTests(PostgresServer server)
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(32)]
    public async Task KeyBucket_Latin1Database_TheBucketTheWorkerComputesFromTheKeysUtf8(int bits)
    {
        var connectionString = await server.CreateDatabaseAsync("LATIN1");
        await PostgresServer.ExecuteAsync(connectionString, """
            create table t (s text);
            insert into t values ('Zürich'), ('façade ÿ'), ('plain'), (''), ('Ærø ' || repeat('ß', 700));
            """);
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        await using var result = await warehouse.QueryAsync(
            new WarehouseQuery($"select s, {warehouse.KeyBucket(warehouse.KeyText("t.s"), bits)} from t as t", "test"), CancellationToken.None);
        var rows = await result.ReadRowsAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(5, rows.Count);
        Assert.Equal(rows.Select(r => WarehouseBucketsTests.Bucket(r[0], bits)), rows.Select(r => Convert.ToUInt64(r[1], CultureInfo.InvariantCulture)));
    }

    // Sorting by the key's UTF-8 bytes keeps PostgreSQL from taking the order from an index on the key: once the server
    // says UTF8, the key's text sorts as it is (a 1M-row plan read in key order with such an index: 2.1-2.8 s, 3.2-3.7 s through convert_to).
    [Theory]
    [InlineData("UTF8", "t.s")]
    [InlineData("WIN1252", "convert_to(t.s, 'UTF8')")]
    public async Task SortableKey_OnceTheServerSaidItsEncoding_TheTextItselfOnlyInUtf8(string encoding, string prepared)
    {
        var connectionString = await server.CreateDatabaseAsync(encoding);
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));
        var before = warehouse.SortableKey("t.s");

        await warehouse.PrepareAsync("reverse-etl:test", CancellationToken.None);

        Assert.Equal(("convert_to(t.s, 'UTF8')", prepared), (before, warehouse.SortableKey("t.s")));
    }

    [Fact]
    public async Task Prepare_NoServer_WarehouseExceptionNamingTheTagAndHostWithoutThePassword()
    {
        await using var warehouse = new PostgresWarehouse(new PostgresOptions($"Host=127.0.0.1;Port={server.Port};Database=nowhere_db;Username=retl;Password=s3cret-pw;Timeout=5"));

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.PrepareAsync("reverse-etl:alerts", CancellationToken.None));

        Assert.Contains(") rejected the query for reverse-etl:alerts: 3D000: database \"nowhere_db\" does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
        Assert.Equal("convert_to(t.s, 'UTF8')", warehouse.SortableKey("t.s"));
    }

    // Keys of three kinds: ASCII, 'über_' and a third prefix of the encoding ('€' in WIN1252 sorts after 'ü' by its
    // bytes, before it by code point: every run failed out of key order there). The rows rejected every run (the
    // duplicated key's two, the keyless one) make their buckets differ on every run: a nothing-changed run reads the keys
    // of those buckets only (about 16 keys a bucket). In LATIN1 it read every key row (2,001).
    [Theory]
    [InlineData("LATIN1", "Zürich_")]
    [InlineData("WIN1252", "€_")]
    [InlineData("UTF8", "€_")]
    public async Task Run_DatabaseEncodingWithNonAsciiKeys_BothDiffsSendTheSameAndWarehouseDiffReadsOnlyWhatChanged(string encoding, string third)
    {
        var connectionString = await server.CreateDatabaseAsync(encoding);
        await using var project = new TestProject().WithVariable("PG", connectionString)
            .WithFile("project.yaml", WarehouseDiffTests.Yaml("""{ postgres: { connection_string: "${PG}" } }"""));
        await PostgresServer.ExecuteAsync(connectionString, $"""
            create table accounts as
            select case i % 3 when 0 then '{third}' when 1 then 'acc_' else 'über_' end || lpad(cast(i as varchar), 5, '0') as account_id,
                   case when i % 11 = 0 then null when i % 13 = 0 then '' else 'Zoë ÿ ' || cast(i as varchar) end as account_name,
                   i % 40 as days_in_stage, repeat('é', i % 300) as internal_note
            from generate_series(1, 2000) as t(i);
            insert into accounts values ('über_00008', 'Duplicate ß', 3, ''), (null, 'No key', 4, 'n');
            """);
        var first = await WarehouseDiffTests.RunBothAsync(project);
        await PostgresServer.ExecuteAsync(connectionString, $"""
            update accounts set days_in_stage = 99 where account_id in ('{third}00099', 'acc_00100', 'über_00101');
            delete from accounts where account_id = '{third}00999';
            """);

        var (events, warehouseEvents) = (await WarehouseDiffTests.EventsAsync(project, "by-worker"), await WarehouseDiffTests.EventsAsync(project, "by-warehouse"));
        var second = await WarehouseDiffTests.RunBothAsync(project);
        var last = await WarehouseDiffTests.RunBothAsync(project);

        Assert.Equal((1999L, 1999L), (first.Worker.Counts.Sent, first.Warehouse.Counts.Sent));
        Assert.Equal((3L, 1L, 3L), (second.Worker.Counts.Changed, second.Worker.Counts.Removed, second.Worker.Counts.Rejected));
        Assert.Equal(second.Worker.Counts.ToString(), second.Warehouse.Counts.ToString());
        // The duplicated key's rows numbered as a read in key order numbers them (after every 'acc_' key, before any '€').
        var before = Enumerable.Range(1, 2000).Where(i => i != 999).Select(i => (i % 3) switch { 0 => third, 1 => "acc_", _ => "über_" } + i.ToString("D5", CultureInfo.InvariantCulture))
            .Count(k => KeyOrder.Instance.Compare(k, "über_00008") < 0);
        Assert.Equal(new[] { $"rejected row {before + 1} über_00008", $"rejected row {before + 2} über_00008", "rejected row 2001 " }.Order(StringComparer.Ordinal), events.Where(e => e.StartsWith("rejected", StringComparison.Ordinal)).Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Equal(events, warehouseEvents);
        Assert.Equal(3L, second.Warehouse.Counts.RowsFetched);
        Assert.Equal((0L, 0L, 0L), (last.Worker.Counts.Sent, last.Warehouse.Counts.Sent, last.Warehouse.Counts.RowsFetched));
        Assert.InRange(last.Warehouse.Counts.KeysRead, 3L, 40L);
        Assert.Equal(WarehouseDiffTests.Requests(project, "worker"), WarehouseDiffTests.Requests(project, "warehouse"));
    }
}
