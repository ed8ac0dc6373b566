using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using Npgsql;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Postgres;
using ReverseEtl.Warehouses.DuckDb;
using ReverseEtl.Warehouses.Postgres;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The bucket expressions of each warehouse, run for real, give what the worker computes from the sync state: the first
/// bits of the md5 of the key's text (as <see cref="RowKey"/> writes it) and the first 60 bits of the row hash.
/// </summary>
public abstract class WarehouseBucketsTests
{
    private const string Table = """
        create table t (s text, i bigint, n integer, d date, x decimal(10,2), ts timestamp);
        insert into t values ('ü-東京', 9000000000, -7, '2024-01-05', 1.50, '2024-01-05 10:00:00'), ('🙂 emoji', 0, 42, '1999-12-31', 0, '2000-01-01 00:00:00'),
            ('', -1, 0, '2030-06-30', -2.25, '2024-01-05 10:00:00'), ('o''brien', 123456789, 2147483647, '1970-01-01', 3, '1970-01-01 00:00:00');
        insert into t select repeat('k', 600), 5, 5, '2001-02-03', 5, '2001-02-03 00:00:00';
        """;

    private protected abstract Task<IWarehouseBuckets> WarehouseAsync(string setup);

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(32)]
    public async Task KeyBucketAndRowHashPart_AwkwardTextWholeNumberAndDateKeys_AsTheWorkerComputesThem(int bits)
    {
        var dialect = await WarehouseAsync(Table);
        var sql = $"""
            select s, i, n, d, {string.Join(", ", "s i n d".Split(' ').Select(c => dialect.KeyBucket(dialect.KeyText($"t.{c}"), bits)))},
                   {dialect.RowHashPart("t", "0f1e2d3c4b5a6978")}, {dialect.RowHash("t", "0f1e2d3c4b5a6978")}
            from t as t
            """;

        var rows = await ReadAsync((IWarehouse)dialect, sql);

        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(row[..4].Select(v => Bucket(v, bits)), row[4..8].Select(Whole));
            Assert.Equal(ulong.Parse(((string)row[9]!)[..15], NumberStyles.HexNumber, CultureInfo.InvariantCulture), Whole(row[8]));
        }
    }

    [Fact]
    public async Task BucketableKey_TextWholeNumberDateAndNull_HoldOthersDoNot()
    {
        var dialect = await WarehouseAsync(Table + "insert into t values (null, null, null, null, null, null);");
        var sql = $"select {string.Join(", ", "s i n d x ts".Split(' ').Select(c => $"case when {dialect.BucketableKey($"t.{c}")} then 1 else 0 end"))} from t as t";

        var rows = await ReadAsync((IWarehouse)dialect, sql);

        Assert.All(rows, row => Assert.Equal([1UL, 1, 1, 1, 0, 0], row.Select(Whole)));
    }

    // Up to half the buckets may differ (32,768 at a million keys): one list where the warehouse takes any length
    // (DuckDB, PostgreSQL), lists of 10,000 joined by `or` otherwise. Either way, the rows of those buckets and no others.
    [Fact]
    public async Task InList_ThirtyThousandBuckets_SelectsTheRowsOfThoseBucketsOnly()
    {
        var dialect = await WarehouseAsync(Table);
        const int Bits = 16;
        var keys = (await ReadAsync((IWarehouse)dialect, "select s from t as t")).Select(r => (string)r[0]!).ToList();
        var (wanted, others) = (keys.Take(2).ToHashSet(StringComparer.Ordinal), keys.Skip(2).Select(k => (int)Bucket(k, Bits)).ToHashSet());
        var buckets = wanted.Select(k => (int)Bucket(k, Bits)).Concat(Enumerable.Range(0, 1 << Bits).Where(b => !others.Contains(b)).Take(29_998)).Distinct().Order().ToList();
        var condition = ModelQuery.InList(dialect.KeyBucket(dialect.KeyText("t.s"), Bits), buckets, dialect.MaxListItems);

        var rows = await ReadAsync((IWarehouse)dialect, $"select s from t as t where {condition}");

        Assert.Equal(wanted, rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(dialect.MaxListItems >= buckets.Count ? 1 : 3, condition.Split(" in (").Length - 1);
    }

    private static async Task<List<object?[]>> ReadAsync(IWarehouse warehouse, string sql)
    {
        await using var result = await warehouse.QueryAsync(new WarehouseQuery(sql, "test"), CancellationToken.None);
        return await result.ReadRowsAsync(CancellationToken.None).ToListAsync();
    }

    // The worker's side: the key's text as the state stores it (an empty text too, which a run rejects), md5, first bits.
    internal static ulong Bucket(object? value, int bits)
    {
        var text = value as string ?? (RowKey.TryFormat([value], out var formatted, out _) ? formatted : throw new InvalidOperationException($"no key text for {value}"));
#pragma warning disable CA5351 // md5 is the warehouses' bucket function, not a protection
        return BinaryPrimitives.ReadUInt32BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(text))) >> (32 - bits);
#pragma warning restore CA5351
    }

    private static ulong Whole(object? value) => Convert.ToUInt64(value, CultureInfo.InvariantCulture);
}

public sealed class WarehouseBucketsOnDuckDbTests : WarehouseBucketsTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("retl-buckets-").FullName;

    private protected override Task<IWarehouseBuckets> WarehouseAsync(string setup)
    {
        var path = Path.Combine(_folder, "wh.duckdb");
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = setup;
            command.ExecuteNonQuery();
        }

        return Task.FromResult<IWarehouseBuckets>(new DuckDbWarehouse(new DuckDbOptions(path, Demo: false) { FileSearchPath = _folder }));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(UsesPostgres.Name)]
public sealed class WarehouseBucketsOnPostgresTests(PostgresServer server) : WarehouseBucketsTests, IAsyncDisposable
{
    private PostgresWarehouse? _warehouse;

    private protected override async Task<IWarehouseBuckets> WarehouseAsync(string setup)
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(setup, connection);
            await command.ExecuteNonQueryAsync();
        }

        return _warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));
    }

    public async ValueTask DisposeAsync()
    {
        if (_warehouse is not null)
        {
            await _warehouse.DisposeAsync();
        }
    }
}
