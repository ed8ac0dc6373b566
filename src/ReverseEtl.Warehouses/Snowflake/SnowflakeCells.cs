using System.Globalization;
using System.Text.Json;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Decodes SQL API v2 cells (jsonv2): every non-null cell is a string. NUMBER is scaled decimal text, DATE days since
/// the epoch, TIME seconds since midnight, TIMESTAMP_* epoch seconds with nine decimals (TIMESTAMP_TZ followed by its
/// offset), VARIANT/OBJECT/ARRAY JSON text. Types match case-insensitively.
/// </summary>
internal static class SnowflakeCells
{
    public static object? Decode(JsonElement cell, SnowflakeColumn column)
    {
        if (cell.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = cell.GetString()!;
        return column.Type.ToLowerInvariant() switch
        {
            "fixed" when (column.Scale ?? 0) == 0 && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => whole,
            "fixed" or "decfloat" => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            "real" => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            "boolean" => text == "true",
            "date" => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + int.Parse(text, CultureInfo.InvariantCulture)),
            "time" => TimeOnly.FromTimeSpan(TimeSpan.FromTicks(Ticks(text))),
            "timestamp_ntz" or "timestamp_ltz" => Timestamp(text),
            "timestamp_tz" => Timestamp(text.Split(' ')[0]),
            "variant" or "object" or "array" => Sql.JsonValues.Parse(text),
            _ => text,
        };
    }

    private static DateTime Timestamp(string seconds) => DateTime.UnixEpoch.AddTicks(Ticks(seconds));

    // "1746194591.123456789" → ticks (100 ns), exactly: no floating point.
    private static long Ticks(string seconds)
    {
        var parts = seconds.Split('.');
        var whole = long.Parse(parts[0], CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond;
        var fraction = parts.Length > 1 ? long.Parse(parts[1].PadRight(7, '0')[..7], CultureInfo.InvariantCulture) : 0;
        return whole + (whole < 0 ? -fraction : fraction);
    }
}
