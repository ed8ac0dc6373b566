using System.Globalization;
using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// DuckDB's row hash, run for real: 16 hex digits of <c>hash(row, typeof(row), salt)</c> whose first 15 are the bucket part,
/// telling apart what the payload tells apart (null and empty text, swapped and renamed columns, types); rows with a
/// float, double or interval, or a list, struct, map or union column, keep the md5 of the salt and their JSON, as the hash takes
/// -0.0 for 0.0, '1 month' for '30 days' and a NULL list for an empty one.
/// </summary>
public sealed class DuckDbRowHashTests : IDisposable
{
    private const string Salt = "0f1e2d3c4b5a6978";
    private readonly string _folder = Directory.CreateTempSubdirectory("retl-rowhash-").FullName;
    private readonly DuckDbWarehouse _warehouse;

    public DuckDbRowHashTests()
    {
        var path = Path.Combine(_folder, "wh.duckdb");
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open(); // creates the file, which the warehouse opens read-only
        }

        _warehouse = new DuckDbWarehouse(new DuckDbOptions(path, Demo: false) { FileSearchPath = _folder });
    }

    [Fact]
    public async Task RowHash_AwkwardRowsOfEveryKindOfColumn_SixteenHexDigitsAllDifferentPartIsTheFirstFifteen()
    {
        var rows = await HashesAsync("""
            select 'x' as a, 'y' as b union all select 'y', 'x' union all select 'x', 'x' union all select 'y', 'y'
            union all select null, '' union all select '', null union all select null, null union all select '', ''
            union all select 'ü-東京 🙂', 'Zoë' union all select repeat('é', 10000), repeat('k', 10001)
            """);
        var kinds = await HashesAsync("""
            select '{"a": [1, null]}'::json as j,
                1.50::decimal(10,2) as d, timestamp '2024-01-05 10:00:00' as ts, timestamptz '2024-01-05 10:00:00+01' as tz,
                date '1970-01-01' as dt, time '23:59:59' as tm, '\x00\xFF'::blob as bl, uuid '00000000-0000-0000-0000-000000000001' as u,
                9000000000::hugeint as h, 1::utinyint as ut, true as bo, '101'::bit as bt, 'x'::enum('x', 'y') as e
            """);
        var nested = await HashesAsync("""
            select [1, null] as l, {'s': 'ü', 'n': null} as st, map {'k': [1]} as m, [1, 2]::integer[2] as arr, union_value(k := 1) as un
            """);

        Assert.Equal(10, rows.Select(r => r.Hash).Distinct().Count());
        Assert.All(rows.Concat(kinds).Concat(nested), r =>
        {
            Assert.Matches(nested.Contains(r) ? "^[0-9a-f]{32}$" : "^[0-9a-f]{16}$", r.Hash); // nested columns: the md5
            Assert.Equal(ulong.Parse(r.Hash[..15], NumberStyles.HexNumber, CultureInfo.InvariantCulture), r.Part);
        });
    }

    [Theory]
    [InlineData("select 'x' as b, 'y' as a")]
    [InlineData("select 'x'::blob as a, 'y' as b")]
    [InlineData("select 'x' as a, 'y' as b, null as c")]
    [InlineData("select 'x' as a, ['y'] as b")]
    [InlineData("select 'x' as a, {'b': 'y'} as b")]
    [InlineData("select 'x' as a, {'c': 'y'} as b")]
    public async Task RowHash_SameValuesRenamedRetypedOrNested_DiffersFromThePlainRow(string other)
    {
        var plain = await HashesAsync("select 'x' as a, 'y' as b");

        Assert.NotEqual(plain[0].Hash, (await HashesAsync(other))[0].Hash);
    }

    [Fact]
    public async Task RowHash_SameNumberOfAnotherType_Differs()
    {
        var hashes = new List<string>();
        foreach (var type in new[] { "integer", "bigint", "hugeint", "decimal(5,1)", "decimal(5,2)", "varchar" })
        {
            hashes.Add((await HashesAsync($"select cast(1 as {type}) as a"))[0].Hash);
        }

        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Fact]
    public async Task RowHash_FloatDoubleOrIntervalAnywhere_Md5OfJsonTellingZeroSignsAndMonthsFromDaysApart()
    {
        var rows = await HashesAsync("""
            select 0.0::double as v, 'a' as s union all select -0.0::double, 'a' union all select 0.0::double, null union all select 0.0::double, ''
            """);
        var floats = await HashesAsync("select [0.0::float] as l union all select [-0.0::float]");
        var intervals = await HashesAsync("select {'i': interval '1 month'} as st union all select {'i': interval '30 days'}");
        var md5 = await ScalarsAsync($"select md5('{Salt}' || cast(to_json(t) as varchar)) from (select 0.0::double as v, 'a' as s) as t");

        Assert.Equal(md5[0], rows[0].Hash);
        foreach (var group in new[] { rows.Take(2), rows.Skip(2), floats, intervals })
        {
            var pair = group.ToList();
            Assert.NotEqual(pair[0].Hash, pair[1].Hash);
            Assert.All(pair, r => Assert.Equal(ulong.Parse(r.Hash[..15], NumberStyles.HexNumber, CultureInfo.InvariantCulture), r.Part));
        }
    }

    // Found by a differential fuzz of the three diffs: hash() took each group's rows for one, and diff: warehouse sent
    // none of those changes, with or without the snapshot.
    [Theory]
    [InlineData("select []::integer[] as l union all select [null]::integer[] union all select null::integer[]")]
    [InlineData("select {'a': null::integer} as st union all select null::struct(a integer)")]
    [InlineData("select [[1], [2]] as ll union all select [[1, 2]]")]
    [InlineData("select map {'k': 1} as m union all select map {'k': null::integer} union all select null::map(varchar, integer)")]
    [InlineData("select [1, 2]::integer[2] as arr union all select null::integer[2]")]
    public async Task RowHash_NestedNullsAndEmpties_Md5OfJsonTellingThemApart(string sql)
    {
        var rows = await HashesAsync($"select 'Zoë' as k, t.* from ({sql}) as t");
        var md5 = await ScalarsAsync($"select md5('{Salt}' || cast(to_json(q) as varchar)) from (select 'Zoë' as k, t.* from ({sql}) as t) as q");

        Assert.Equal(md5, rows.Select(r => r.Hash));
        Assert.Equal(rows.Count, rows.Select(r => r.Hash).Distinct().Count());
    }

    // The snapshot's diff compares this number with the snapshot's stored text read back (StoredHash): it must be that
    // text's first 16 digits exactly, for the hash and for the md5 a float, a double or an interval keeps.
    [Theory]
    [InlineData("""select 'x' as a, null as b union all select '', 'ü-東京 🙂' union all select repeat('é', 10000), 'Zoë' union all select null, null""")]
    [InlineData("""select [1, null] as l, {'s': 'ü', 'n': null} as st, map {'k': [1]} as m, 1.50::decimal(10,2) as d, '\x00\xFF'::blob as bl, 9000000000::hugeint as h""")]
    [InlineData("""select 0.0::double as v, 'a' as s union all select -0.0::double, 'a' union all select 0.0::double, null union all select 1e308::double, ''""")]
    [InlineData("""select {'i': interval '1 month'} as st union all select {'i': interval '30 days'} union all select {'i': null}""")]
    public async Task RowHashNumber_AwkwardRows_IsTheStoredTextsFirstSixteenDigits(string sql)
    {
        var rowHash = ((IWarehouseDialect)_warehouse).RowHash("q", Salt);
        var rows = await ReadAsync($"""
            select {rowHash}, {_warehouse.RowHashNumber("q", Salt)}, {_warehouse.StoredHash($"substr({rowHash}, 1, 16)")}
            from ({sql}) as q
            """);

        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            var number = Convert.ToUInt64(r[1], CultureInfo.InvariantCulture);
            Assert.Equal(ulong.Parse(((string)r[0]!)[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture), number);
            Assert.Equal(Convert.ToUInt64(r[2], CultureInfo.InvariantCulture), number);
        });
    }

    // The salt (the sync's payload definition) moves every form of a row's hash, on the hash() path and on the md5 one
    // (a double), and within one salt the forms still agree.
    [Fact]
    public async Task RowHash_OtherSalt_EveryFormMovesAndTheFormsAgree()
    {
        const string sql = """select 'Zoë' as s, null as d union all select '', 0.5::double union all select repeat('é', 5000), null""";
        var forms = new List<List<(string Hash, ulong Part, ulong Number)>>();
        foreach (var salt in (string[])[Salt, "0f1e2d3c4b5a6979"])
        {
            var rows = await ReadAsync($"""
                select {((IWarehouseDialect)_warehouse).RowHash("q", salt)}, {((IWarehouseBuckets)_warehouse).RowHashPart("q", salt)}, {_warehouse.RowHashNumber("q", salt)}
                from ({sql}) as q
                """);
            forms.Add(rows.Select(r => ((string)r[0]!, Convert.ToUInt64(r[1], CultureInfo.InvariantCulture), Convert.ToUInt64(r[2], CultureInfo.InvariantCulture))).ToList());
        }

        Assert.All(forms.SelectMany(f => f), f =>
        {
            Assert.Equal(ulong.Parse(f.Hash[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture), f.Number);
            Assert.Equal(f.Number >> 4, f.Part);
        });
        Assert.Equal(3, forms[0].Count);
        Assert.All(forms[0].Zip(forms[1]), pair => Assert.NotEqual(pair.First.Hash, pair.Second.Hash));
        Assert.All(forms[0].Zip(forms[1]), pair => Assert.NotEqual(pair.First.Part, pair.Second.Part));
    }

    // Each row of the query: its RowHash and RowHashPart.
    private async Task<List<(string Hash, ulong Part)>> HashesAsync(string sql)
    {
        var rows = await ReadAsync($"select {((IWarehouseDialect)_warehouse).RowHash("q", Salt)}, {((IWarehouseBuckets)_warehouse).RowHashPart("q", Salt)} from ({sql}) as q");
        return rows.Select(r => ((string)r[0]!, Convert.ToUInt64(r[1], CultureInfo.InvariantCulture))).ToList();
    }

    private async Task<List<string>> ScalarsAsync(string sql) => (await ReadAsync(sql)).Select(r => (string)r[0]!).ToList();

    private async Task<List<object?[]>> ReadAsync(string sql)
    {
        await using var result = await _warehouse.QueryAsync(new WarehouseQuery(sql, "test"), CancellationToken.None);
        return await result.ReadRowsAsync(CancellationToken.None).ToListAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
