using DuckDB.NET.Data;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// What a diff cannot go below, each run as its own process like <see cref="Locations.Except"/>: <c>floor-read DB</c>
/// streams every value of the model into .NET and does nothing with it, <c>floor-hash DB</c> also hashes each row's
/// payload as the worker does (<see cref="PayloadJson.Hash"/> of every column, by name: the least a <c>diff: worker</c>
/// does, as a stored payload hash is the worker's own), and
/// <c>floor-buckets DB BITS</c> runs only the bucket query of <c>diff: warehouse</c> (the md5 bucket of each key and the
/// sum of its rows' hash parts, as <c>ModelQuery.BuildBuckets</c> writes it for DuckDB: the bucket from
/// <c>md5_number</c>, as <c>DuckDbWarehouse.KeyBucket</c> has it) and reads its answer.
/// </summary>
internal static class Floors
{
    public static int Read(string database)
    {
        using var reader = Query(database, "select * from accounts", out var connection);
        var (rows, values) = (0L, new object[reader.FieldCount]);
        while (reader.Read())
        {
            reader.GetValues(values);
            rows++;
        }

        connection.Dispose();
        Console.WriteLine($"rows read: {rows}");
        return 0;
    }

    public static int Hash(string database)
    {
        using var reader = Query(database, "select * from accounts", out var connection);
        var (rows, sum, values) = (0L, 0UL, new object?[reader.FieldCount]);
        var fields = new PayloadFields(Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), i)));
        while (reader.Read())
        {
            reader.GetValues(values!);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = values[i] is DBNull ? null : values[i];
            }

            sum += PayloadJson.Hash(new PayloadDictionary(fields, values));
            rows++;
        }

        connection.Dispose();
        Console.WriteLine($"rows hashed: {rows} (sum {sum:x16})");
        return 0;
    }

    public static int Buckets(string database, int bits)
    {
        var sql = $"""
            select retl_bucket__, count(*), cast(sum(retl_part__) as varchar)
            from (select list_transform([cast(md5_number(cast(m.account_id as varchar)) & {uint.MaxValue} as bigint)], lambda retl_m__:
                           (((retl_m__ & 255) << 24) | ((retl_m__ & 65280) << 8) | ((retl_m__ >> 8) & 65280) | ((retl_m__ >> 24) & 255)) >> {32 - bits})[1] as retl_bucket__,
                         cast(hash(m, typeof(m)) >> 4 as bigint) as retl_part__
                  from (select * from accounts) as m)
            group by retl_bucket__
            """;
        using var reader = Query(database, sql, out var connection);
        var buckets = 0L;
        while (reader.Read())
        {
            buckets += reader.GetInt64(1) > 0 ? 1 : 0;
        }

        connection.Dispose();
        Console.WriteLine($"buckets read: {buckets}");
        return 0;
    }

    private static DuckDBDataReader Query(string database, string sql, out DuckDBConnection connection)
    {
        connection = new DuckDBConnection($"Data Source={database};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true; // as the worker reads: rows as DuckDB makes them
        return (DuckDBDataReader)command.ExecuteReader();
    }
}
