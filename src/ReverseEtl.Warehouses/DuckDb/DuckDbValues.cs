using System.Collections;
using System.Globalization;
using System.Numerics;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>Maps DuckDB.NET's CLR values to the value set of the warehouse boundary.</summary>
internal static class DuckDbValues
{
    public static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        string or bool or long or decimal or double or DateOnly or TimeOnly => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : (decimal)u,
        BigInteger b => b >= long.MinValue && b <= long.MaxValue ? (long)b : (decimal)b,
        float f => (double)f,
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t => t.UtcDateTime,
        Guid g => g.ToString(),
        byte[] bytes => Convert.ToBase64String(bytes),
        IDictionary map => NormalizeMap(map),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, object?> NormalizeMap(IDictionary map)
    {
        var result = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = Normalize(entry.Value);
        }

        return result;
    }
}
