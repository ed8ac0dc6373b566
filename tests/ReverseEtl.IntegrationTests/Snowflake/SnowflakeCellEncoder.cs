using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>
/// DuckDB results as the SQL API encodes them (snowflake-sql-api.md §3): upper-case column names; every non-null cell a
/// string; NUMBER as digits with the column's scale; DATE as days and TIMESTAMP_NTZ/TIME as seconds.nanoseconds since
/// the epoch or midnight; ARRAY and OBJECT as indented JSON text.
/// </summary>
internal static class SnowflakeCellEncoder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static (JsonArray RowType, List<string?[]> Rows) Read(DbDataReader reader)
    {
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

        var types = Enumerable.Range(0, reader.FieldCount).Select(i => Type(reader.GetFieldType(i), reader.GetDataTypeName(i))).ToList();
        var rowType = new JsonArray(types.Select((t, i) =>
        {
            var column = new JsonObject { ["name"] = reader.GetName(i).ToUpperInvariant(), ["type"] = t.Name, ["nullable"] = true };
            if (t.Scale is { } scale)
            {
                column["scale"] = scale;
            }

            return (JsonNode)column;
        }).ToArray());
        return (rowType, rows.Select(r => r.Select((v, i) => Cell(v, types[i].Scale)).ToArray()).ToList());
    }

    public static JsonArray Data(IEnumerable<string?[]> rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(c => c is null ? null : (JsonNode)JsonValue.Create(c)).ToArray())).ToArray());

    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static (string Name, int? Scale) Type(Type clr, string duckDbName) => clr switch
    {
        _ when clr == typeof(string) || clr == typeof(Guid) => ("text", null),
        _ when clr == typeof(bool) => ("boolean", null),
        _ when clr == typeof(decimal) => ("fixed", int.Parse(duckDbName.Split(',', ')')[1], CultureInfo.InvariantCulture)),
        _ when clr == typeof(double) || clr == typeof(float) => ("real", null),
        _ when clr == typeof(DateTime) => ("timestamp_ntz", 9),
        _ when clr == typeof(DateOnly) => ("date", null),
        _ when clr == typeof(TimeOnly) => ("time", 9),
        _ when clr.IsPrimitive || clr == typeof(BigInteger) => ("fixed", 0),
        _ when typeof(IDictionary).IsAssignableFrom(clr) => ("object", null),
        _ when typeof(IEnumerable).IsAssignableFrom(clr) => ("array", null),
        _ => throw new NotSupportedException($"The fake Snowflake cannot encode DuckDB's {duckDbName} ({clr.Name})."),
    };

    private static string? Cell(object? value, int? scale) => value switch
    {
        null => null,
        string or Guid => value.ToString(),
        bool b => b ? "true" : "false",
        decimal d => d.ToString("F" + scale, CultureInfo.InvariantCulture),
        double or float => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        DateTime t => Seconds(t.Ticks - DateTime.UnixEpoch.Ticks),
        DateOnly d => (d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber).ToString(CultureInfo.InvariantCulture),
        TimeOnly t => Seconds(t.Ticks),
        IFormattable number when value.GetType().IsPrimitive || value is BigInteger => number.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, Indented),
    };

    private static string Seconds(long ticks) =>
        $"{Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest).ToString(CultureInfo.InvariantCulture)}.{(rest * 100).ToString("D9", CultureInfo.InvariantCulture)}";
}
